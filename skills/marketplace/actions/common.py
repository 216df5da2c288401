"""What every marketplace conversation needs: reading order numbers, answering with a refusal,
listing orders as lines and buttons."""

from __future__ import annotations

import re
from typing import Any, Dict, Iterable, List, Mapping, Optional

from rasa_sdk.executor import CollectingDispatcher

from engine.sdk import button, skill_lexicon

from .. import texts
from ..models import MarketOrder
from ..refusals import Refusal

LEXICON = skill_lexicon(__file__)
FORMATS = LEXICON["formats"]
MAX_ORDER_BUTTONS = 5
NUMBER = re.compile(r"\d+")
MAX_DIGITS = 18  # a longer number is no order number (and converting ten thousand typed digits is refused)


def order_number(value: Any) -> Optional[int]:
    """An order number from an entity value or a typed answer: 15, "15", "#15", the number inside a phrase; None
    for none, several, zero or one of more than MAX_DIGITS digits. A number no order has is kept: the lookup
    answers that it is not the resident's."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() and 0 < value < 10**MAX_DIGITS else None
    if isinstance(value, int):
        return value if 0 < value < 10**MAX_DIGITS else None
    digits = NUMBER.findall(str(value))
    if len(digits) != 1 or len(digits[0].lstrip("0")) > MAX_DIGITS:
        return None
    return int(digits[0]) or None


def say_refusal(dispatcher: CollectingDispatcher, domain: Mapping[str, Any], refusal: Refusal) -> None:
    """Answers with the refusal's response, its values shown as residents read them."""
    dispatcher.utter_message(response=texts.refusal_response(refusal), **texts.shown(domain, refusal.values))


def _shown_orders(orders: Iterable[MarketOrder]) -> List[MarketOrder]:
    return list(orders)[:MAX_ORDER_BUTTONS]


def order_buttons(orders: Iterable[MarketOrder]) -> List[Dict[str, str]]:
    """One button an order, answering "which order?" with its number."""
    return [
        button(FORMATS["order_choice_button"].format(**_choice_values(order)), "inform", order_id=order.id)
        for order in _shown_orders(orders)
    ]


def order_lines(orders: Iterable[MarketOrder]) -> str:
    return "\n".join(
        FORMATS["order_choice_line"].format(address=order.address, **_choice_values(order))
        for order in _shown_orders(orders)
    )


def _choice_values(order: MarketOrder) -> Dict[str, str]:
    return {
        "order_id": str(order.id),
        "category": texts.category_title(order.category),
        "slot": texts.slot_text(order.slot_start),
    }
