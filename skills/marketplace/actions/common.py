"""What every marketplace conversation needs: reading order numbers and picks, answering with a refusal,
listing orders as lines and buttons."""

from __future__ import annotations

import re
from typing import Any, Dict, Iterable, List, Mapping, Optional

from rasa_sdk.executor import CollectingDispatcher

from engine.sdk import button, skill_lexicon

from .. import catalog, texts
from ..models import MarketOrder
from ..refusals import Refusal

LEXICON = skill_lexicon(__file__)
FORMATS = LEXICON["formats"]
MAX_ORDER_BUTTONS = 5
ORDINALS = tuple(LEXICON["ordinals"].items())
ORDINAL_EXTRA_LETTERS = 4
NUMBER = re.compile(r"\d+")
FIRST_TWO = re.compile(LEXICON["first_two_pattern"])
FIRST_THREE = re.compile(LEXICON["first_three_pattern"])
WORD_OR_NUMBER = re.compile(LEXICON["word_or_number_pattern"])
WEEKDAY_STEMS = tuple(LEXICON["weekday_stems"])
DATE_WORD_STEMS = tuple(LEXICON["month_stems"]) + tuple(LEXICON["day_word_stems"])


def order_number(value: Any) -> Optional[int]:
    """An order number from an entity value or a typed answer: 15, "15", "#15", the number inside a phrase."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return int(value) if value == int(value) and value > 0 else None
    digits = NUMBER.findall(str(value))
    return int(digits[0]) if len(digits) == 1 and int(digits[0]) > 0 else None


def picked_position(text: str) -> Optional[str]:
    """The one position a reply to the search results names by an ordinal ("the second"), as an order button sends
    it."""
    found = positions(text, digits=False)
    return str(found[0]) if len(found) == 1 else None


def positions(text: str, digits: bool = True) -> List[int]:
    """Positions in a shown list a text names by ordinals or digits ("the first two" → [1, 2], "2 and 3" →
    [2, 3]); the words are lexicon.yml's.

    An ordinal or a number before a month or the word for a day of the month is a date, not a position; a
    weekday that starts like an ordinal is none either; with `digits` off bare numbers do not count.
    """
    lowered = catalog.folded(text)
    if FIRST_TWO.search(lowered):
        return [1, 2]
    if FIRST_THREE.search(lowered):
        return [1, 2, 3]
    words = WORD_OR_NUMBER.findall(lowered)
    found: List[int] = []
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        if following.startswith(DATE_WORD_STEMS):
            continue
        if word.isdigit():
            if digits and 1 <= int(word) <= catalog.DEFAULT_LIMIT:
                found.append(int(word))
            continue
        for stem, number in ORDINALS:
            if (
                word.startswith(stem)
                and len(word) <= len(stem) + ORDINAL_EXTRA_LETTERS
                and not word.startswith(WEEKDAY_STEMS)
            ):
                found.append(number)
                break
    return list(dict.fromkeys(found))


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
