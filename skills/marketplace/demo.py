"""Demo data for an empty store: the city cooperative «Мастера рядом» with 14 members in all 11 categories
across the five districts of the city, their offers in rubles, past done and paid orders with reviews (so the
ratings are real averages), and the economic parameters (commission 10 %, member fee 500 ₽ a month).

Demo identities (channel `rest`, the sender id of the REST webhook):
  master-ivan     Иван Петров, plumber in Заречный/Центральный/Северный, an approved member: use it to see
                  «мои заказы» and to mark orders done from the provider side.
  applicant-petr  Пётр Смирнов: an application on moderation, for `python -m skills.marketplace.admin approve`.
Dates are relative to today, so the history is always recent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import List, Optional, Tuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.residents import identity_for
from engine.sdk import utcnow

from . import dispatch, ledger, orders, reviews
from .models import APPROVED, PENDING, MarketOffer, MarketParameters, MarketProvider

ALL = ["Заречный", "Центральный", "Северный", "Южный", "Левобережный"]
PROVIDER_IDENTITY = ("rest", "master-ivan")
APPLICANT_IDENTITY = ("rest", "applicant-petr")

# category, title, price, unit, duration in minutes, warranty days
OfferSpec = Tuple[str, str, str, str, int, int]


@dataclass(frozen=True)
class DemoProvider:
    name: str
    phone: str
    districts: List[str]
    hours: Tuple[int, int]
    offers: Tuple[OfferSpec, ...]
    ratings: Tuple[int, ...]  # reviews of past done orders, oldest first
    about: str


PROVIDERS = (
    DemoProvider("Иван Петров", "+79990001122", ["Заречный", "Центральный", "Северный"], (8, 20), (
        ("plumber", "Устранение протечки", "1500", "выезд", 120, 90),
        ("plumber", "Замена смесителя", "1800", "услуга", 120, 90),
    ), (5, 5, 4, 5, 5), "Сантехник, 15 лет опыта"),
    DemoProvider("ООО «АкваМастер»", "+79990002233", ["Центральный", "Южный", "Левобережный", "Заречный"], (9, 21), (
        ("plumber", "Вызов сантехника", "1200", "выезд", 120, 60),
        ("plumber", "Установка унитаза", "3500", "услуга", 180, 180),
    ), (5, 4, 3, 4, 5), "Сантехнические работы любой сложности"),
    DemoProvider("Сергей Волков", "+79990003344", ["Заречный", "Северный"], (9, 19), (
        ("electrician", "Замена розетки или выключателя", "600", "точка", 60, 90),
        ("electrician", "Электромонтаж", "1800", "час", 120, 180),
    ), (5, 5, 4, 4), "Электрик с допуском, работаю по Заречному и Северному"),
    DemoProvider("Алексей Кузнецов", "+79990004455", ["Центральный", "Южный", "Левобережный"], (10, 20), (
        ("electrician", "Вызов электрика", "1500", "выезд", 120, 60),
    ), (4, 4, 5), "Ремонт проводки, щитки, освещение"),
    DemoProvider("Клининг «Чистый город»", "+79990005566", ALL, (8, 21), (
        ("cleaning", "Генеральная уборка квартиры", "5500", "квартира", 240, 3),
        ("cleaning", "Поддерживающая уборка", "2500", "услуга", 180, 3),
    ), (5, 4, 5, 5), "Своя химия и инвентарь"),
    DemoProvider("Марина Соколова", "+79990006677", ["Центральный", "Северный"], (8, 20), (
        ("nanny", "Няня на несколько часов", "400", "час", 240, 0),
    ), (5, 5), "Педагог, стаж 10 лет"),
    DemoProvider("Сервисный центр «ТехноСервис»", "+79990007788", ALL, (9, 20), (
        ("appliance_repair", "Ремонт стиральной машины", "2000", "выезд", 120, 60),
        ("appliance_repair", "Ремонт холодильника", "2500", "выезд", 120, 60),
    ), (4, 5, 3, 4), "Ремонт бытовой техники на дому"),
    DemoProvider("Бригада Никитина", "+79990008899", ["Заречный", "Южный", "Левобережный"], (8, 20), (
        ("renovation", "Поклейка обоев", "350", "м²", 480, 180),
        ("renovation", "Укладка ламината", "600", "м²", 480, 180),
    ), (5, 4, 5), "Отделка квартир под ключ"),
    DemoProvider("Курьерская служба «Быстро»", "+79990009900", ALL, (8, 22), (
        ("delivery", "Доставка по городу", "450", "заказ", 60, 1),
    ), (4, 5), "Доставим в течение двух часов"),
    DemoProvider("«Переезд-Сервис»", "+79990001010", ALL, (8, 20), (
        ("movers", "Грузчики", "600", "час", 120, 1),
        ("movers", "Квартирный переезд", "7000", "услуга", 360, 1),
    ), (4, 4, 5), "Грузчики и машина"),
    DemoProvider("Ольга Лебедева", "+79990001212", ["Центральный", "Северный", "Заречный"], (10, 20), (
        ("tutor", "Математика, подготовка к ОГЭ", "1200", "занятие", 60, 0),
        ("tutor", "Английский язык", "1000", "занятие", 60, 0),
    ), (5, 5, 5, 4), "Учитель математики и английского"),
    DemoProvider("Студия «Шарм»", "+79990001313", ["Центральный", "Левобережный"], (10, 20), (
        ("beauty", "Маникюр на дому", "1500", "услуга", 120, 7),
        ("beauty", "Стрижка на дому", "1200", "услуга", 60, 7),
    ), (5, 4, 5), "Мастера красоты с выездом"),
    DemoProvider("Дмитрий Орлов", "+79990001414", ALL, (10, 21), (
        ("computer_help", "Настройка компьютера и Wi-Fi", "1500", "выезд", 120, 30),
        ("computer_help", "Удаление вирусов", "1200", "услуга", 60, 30),
    ), (5, 5, 4), "Компьютерная помощь дома и в офисе"),
    DemoProvider("Татьяна Белова", "+79990001515", ["Южный", "Левобережный"], (9, 19), (
        ("cleaning", "Мытьё окон", "300", "окно", 120, 3),
        ("nanny", "Няня на вечер", "350", "час", 240, 0),
    ), (4, 5), "Уборка и помощь с детьми"),
)
ADDRESSES = ("ул. Речная, 12, кв. 5", "пр. Ленина, 40, кв. 18", "ул. Северная, 7, кв. 31", "ул. Южная, 3, кв. 9",
             "Береговая ул., 21, кв. 44")


def load_demo(session: Session, now: Optional[datetime] = None) -> bool:
    """Fills an empty store; the history is dated back from `now` (naive UTC, default: the present moment)."""
    if session.execute(select(func.count(MarketProvider.id))).scalar_one():
        return False
    now = now or utcnow()
    today = dispatch.to_local(now).date()
    session.add(MarketParameters(commission_percent=Decimal("10"), monthly_fee=Decimal("500"),
                                 effective_from=today.replace(day=1) - timedelta(days=365)))
    customers = [identity_for(session, "rest", f"demo-customer-{n}").resident_id for n in (1, 2, 3)]
    for index, spec in enumerate(PROVIDERS):
        resident_id = identity_for(session, *PROVIDER_IDENTITY).resident_id if index == 0 else None
        provider = MarketProvider(
            resident_id=resident_id, name=spec.name, phone=spec.phone, about=spec.about, status=APPROVED,
            decided_at=now - timedelta(days=200), categories=list(dict.fromkeys(o[0] for o in spec.offers)),
            districts=spec.districts, work_start_hour=spec.hours[0], work_end_hour=spec.hours[1],
            rating=Decimal("0"), review_count=0, created_at=now - timedelta(days=210),
        )
        session.add(provider)
        session.flush()
        offers = [_offer(provider, o, now) for o in spec.offers]
        session.add_all(offers)
        session.flush()
        for number, rating in enumerate(spec.ratings):
            _past_order(session, customers[number % 3], offers[number % len(offers)], today, index, number, rating)
    session.add(MarketProvider(
        resident_id=identity_for(session, *APPLICANT_IDENTITY).resident_id, name="Пётр Смирнов", phone="+79990001616",
        about="Мелкий бытовой ремонт", status=PENDING, categories=["renovation", "appliance_repair"],
        districts=["Северный"], work_start_hour=9, work_end_hour=20, rating=Decimal("0"), review_count=0,
        created_at=now - timedelta(days=1),
    ))
    session.flush()
    return True


def _offer(provider: MarketProvider, spec: OfferSpec, now) -> MarketOffer:
    category, title, price, unit, duration, warranty = spec
    return MarketOffer(
        provider_id=provider.id, category=category, title=title, price=Decimal(price), unit=unit,
        duration_minutes=duration, warranty_days=warranty, active=True, created_at=now - timedelta(days=200),
    )


def _past_order(session: Session, customer_id: int, offer: MarketOffer, today: date, index: int, number: int,
                rating: int) -> None:
    """A done and paid order some weeks ago, with its review."""
    day = today - timedelta(days=12 + 9 * number + index % 5)
    provider = session.get(MarketProvider, offer.provider_id)
    start = dispatch.local_slot(day, provider.work_start_hour + 1)
    order = orders.book_order(session, customer_id, offer, ADDRESSES[(index + number) % len(ADDRESSES)], start,
                              offer.price)
    ledger.pay_order(session, customer_id, order.id, f"demo-market-order-{order.id}")
    orders.set_state(session, order, orders.DONE, now=order.slot_end)
    reviews.leave_review(session, customer_id, order.id, rating, None)
