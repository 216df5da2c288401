"""What every marketplace conversation needs: who is writing, reading order numbers and picks, buttons."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Dict, Iterable, List, Optional

from rasa_sdk import Tracker
from sqlalchemy.orm import Session

from engine import residents
from engine.sdk import channel_identity

from .. import catalog, dispatch
from ..models import MarketOrder

STOP = "__stop__"  # a form slot value meaning "nothing more to ask: the reason was already said"
YES_NO = [{"title": "Да", "payload": "/affirm"}, {"title": "Нет", "payload": "/deny"}]
MAX_ORDER_BUTTONS = 5
UNIT_ACCUSATIVE = {"услуга": "", "точка": "точку"}
ORDINALS = (
    ("перв", 1), ("втор", 2), ("трет", 3), ("четв", 4), ("пят", 5),
)
NUMBER = re.compile(r"\d+")
WEEKDAY_STEMS = ("вторник", "четверг", "пятн")  # «на вторник», «в пятницу» are days, not offers 2 and 5
MONTH_STEMS = ("январ", "феврал", "март", "апрел", "мая", "май", "июн", "июл", "август", "сентябр", "октябр", "ноябр", "декабр")


def resident_id(session: Session, tracker: Tracker) -> int:
    channel, external_id = channel_identity(tracker)
    return residents.identity_for(session, channel, external_id).resident_id


def entity_values(tracker: Tracker, entity: str) -> List[Any]:
    return list(tracker.get_latest_entity_values(entity))


def entity_value(tracker: Tracker, entity: str) -> Optional[Any]:
    return next(iter(entity_values(tracker, entity)), None)


def order_number(value: Any) -> Optional[int]:
    """An order number from an entity value or a typed answer: 15, "15", "заказ № 15", "№15"."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return int(value) if value == int(value) and value > 0 else None
    digits = NUMBER.findall(str(value))
    return int(digits[0]) if len(digits) == 1 and int(digits[0]) > 0 else None


def positions(text: str, digits: bool = True) -> List[int]:
    """Positions in a shown list a text names: «первое» → [1], «первых двух» → [1, 2], «2 и 3» → [2, 3].

    An ordinal before a month («на второе декабря») is a date, not a position; with `digits` off bare numbers
    do not count either (in «закажи на 5 число» the 5 is a day).
    """
    lowered = (text or "").lower().replace("ё", "е")
    if re.search(r"\b(?:перв\w*\s+(?:двух|два|две|оба|обоих)|оба|обоих|двух первых|два первых|две первые)\b", lowered):
        return [1, 2]
    if re.search(r"\b(?:перв\w*\s+трех|три первых|трех первых)\b", lowered):
        return [1, 2, 3]
    words = re.findall(r"[а-я]+|\d+", lowered)
    found: List[int] = []
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        if following.startswith(MONTH_STEMS) or following.startswith("числ"):
            continue
        if word.isdigit():
            if digits and 1 <= int(word) <= catalog.DEFAULT_LIMIT:
                found.append(int(word))
            continue
        for stem, number in ORDINALS:
            if word.startswith(stem) and len(word) <= len(stem) + 4 and not word.startswith(WEEKDAY_STEMS):
                found.append(number)
                break
    return list(dict.fromkeys(found))


def price_text(price: Decimal, unit: str) -> str:
    """'1 500 ₽ за выезд', '600 ₽ за точку'; a unit of «услуга» is the whole service: '1 800 ₽'."""
    unit_accusative = UNIT_ACCUSATIVE.get(unit, unit)
    return dispatch.rubles(price) + (f" за {unit_accusative}" if unit_accusative else "")


def order_buttons(orders: Iterable[MarketOrder]) -> List[Dict[str, str]]:
    """One button an order, answering «which order?» with its number."""
    return [
        {
            "title": f"№ {order.id}: {catalog.CATEGORY_TITLES.get(order.category, order.category)}, "
                     f"{dispatch.slot_text(order.slot_start)}",
            "payload": f'/inform{{"order_id": "{order.id}"}}',
        }
        for order in list(orders)[:MAX_ORDER_BUTTONS]
    ]


def order_lines(orders: Iterable[MarketOrder]) -> str:
    return "\n".join(
        f"№ {order.id}: {catalog.CATEGORY_TITLES.get(order.category, order.category)}, "
        f"{dispatch.slot_text(order.slot_start)}, {order.address}"
        for order in list(orders)[:MAX_ORDER_BUTTONS]
    )
