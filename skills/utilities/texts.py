"""How the skill writes money, quantities, dates and services in Russian."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Optional

MONTHS_NOMINATIVE = (
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
)
MONTHS_GENITIVE = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)
MONTHS_PREPOSITIONAL = (
    "январе", "феврале", "марте", "апреле", "мае", "июне",
    "июле", "августе", "сентябре", "октябре", "ноябре", "декабре",
)
MONTH_BY_CANONICAL = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6,
    "july": 7, "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}
SERVICES = {
    "cold_water": "холодная вода",
    "hot_water": "горячая вода",
    "wastewater": "водоотведение",
    "electricity": "электроэнергия",
    "gas": "газ",
    "heating": "отопление",
    "maintenance": "содержание жилья",
    "major_repairs": "взнос на капремонт",
}
METERS = {
    "cold_water": "ХВС",
    "hot_water": "ГВС",
    "electricity": "электроэнергия",
    "gas": "газ",
    "heating": "отопление",
}
ZONES = {"day": "день", "night": "ночь"}


def money(value: Decimal) -> str:
    """1234.5 -> «1 234,50 ₽»."""
    return f"{Decimal(value):,.2f}".replace(",", " ").replace(".", ",") + " ₽"


def number(value: Decimal) -> str:
    """A reading or a consumption without trailing zeros: 120.500 -> «120,5»."""
    text = f"{Decimal(value):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def day_month(day: date) -> str:
    return f"{day.day} {MONTHS_GENITIVE[day.month - 1]}"


def full_date(day: date) -> str:
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


def month_name(period: date) -> str:
    return f"{MONTHS_NOMINATIVE[period.month - 1]} {period.year}"


def service_name(service: str, zone: Optional[str] = None) -> str:
    name = SERVICES.get(service, service)
    return f"{name} ({ZONES[zone]})" if zone in ZONES else name


def meter_name(resource: str, zone: Optional[str] = None, place: Optional[str] = None) -> str:
    name = METERS.get(resource, resource)
    details = [ZONES[zone]] if zone in ZONES else []
    details += [place] if place else []
    return f"{name} ({', '.join(details)})" if details else name
