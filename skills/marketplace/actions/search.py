"""Search and compare: the filters of the latest message, the top offers as a short list, «сравни первые два»."""

from __future__ import annotations

import re
from datetime import time
from decimal import Decimal
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from engine.sdk import session_scope

from .. import catalog, dispatch, when
from ..catalog import OfferCard, SearchQuery
from .common import entity_value, positions, price_text

LAST_OFFERS = "market_last_offers"
CHEAPER = re.compile(r"дешев|дешёв|по цене|недорог|бюджетн|эконом", re.IGNORECASE)
COMPARE = re.compile(r"сравн", re.IGNORECASE)
UPPER_BOUND = re.compile(r"\bдо\s+\d{1,2}(?::\d{2})?\s*(?:час|ч\b|утра|дня|вечера)?", re.IGNORECASE)


def card_line(number: int, card: OfferCard) -> str:
    reviews = f"{card.review_count} отз." if card.review_count else "нет отзывов"
    slot = f", ближайшее время — {dispatch.slot_text(card.nearest_slot)}" if card.nearest_slot else ""
    return (
        f"{number}. {card.provider_name} — {card.title}: {price_text(card.price, card.unit)}, "
        f"★ {card.rating:.1f} ({reviews}){slot}"
    )


def compare_text(cards: List[OfferCard]) -> str:
    lines = ["Сравнение:"]
    for card in cards:
        slot = dispatch.slot_text(card.nearest_slot) if card.nearest_slot else "нет свободного времени в ближайшие 2 недели"
        lines.append(
            f"• {card.provider_name}, «{card.title}»\n"
            f"  цена: {price_text(card.price, card.unit)}; рейтинг: ★ {card.rating:.1f} "
            f"({card.review_count} отз.); гарантия: {card.warranty_days} дн.; ближайшее время: {slot}"
        )
    cheapest = min(cards, key=lambda c: c.price)
    best = max(cards, key=lambda c: (c.rating, c.review_count))
    lines.append(f"Дешевле — {cheapest.provider_name}; выше рейтинг — {best.provider_name}.")
    return "\n".join(lines)


def query_of(tracker: Tracker, category: Optional[str]) -> SearchQuery:
    """The filters the latest message names; the category falls back to the one asked before («а в субботу?»)."""
    text = tracker.latest_message.get("text") or ""
    location = entity_value(tracker, "location")
    day = when.parse_day(entity_value(tracker, "date"))
    hours = when.parse_hours(entity_value(tracker, "time"))
    time_from = time_to = None
    if hours is not None and hours.hours:
        if len(hours.hours) == 1 and UPPER_BOUND.search(text):
            time_to = time(hours.hours[0])
        else:
            time_from, time_to = time(hours.hours[0]), time(hours.hours[-1] + 1) if hours.hours[-1] < 23 else None
    amount = entity_value(tracker, "amount")
    try:
        budget = Decimal(str(amount)) if amount is not None else None
    except ArithmeticError:
        budget = None
    return SearchQuery(
        category=category,
        district=catalog.district_of(str(location)) if location else catalog.district_of(text),
        day=day, time_from=time_from, time_to=time_to, budget=budget,
        sort="price" if CHEAPER.search(text) else "rating",
    )


class ActionMarketSearch(Action):
    def name(self) -> str:
        return "action_market_search"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        text = tracker.latest_message.get("text") or ""
        shown = tracker.get_slot(LAST_OFFERS) or []
        if COMPARE.search(text) and shown and len(positions(text)) >= 2:
            return self._compare(dispatcher, shown, positions(text))
        category = entity_value(tracker, "service_category") or tracker.get_slot("market_category")
        if category not in catalog.CATEGORY_TITLES:
            dispatcher.utter_message(response="utter_ask_market_category")
            return []
        query = query_of(tracker, category)
        with session_scope() as session:
            result = catalog.search(session, query)
        if not result.cards:
            dispatcher.utter_message(text=f"{result.empty_reason} {result.relax_hint or ''}".strip())
            return [SlotSet(LAST_OFFERS, None)]
        order = "сначала дешевле" if query.sort == "price" else "по рейтингу"
        lines = [f"Нашёл предложения «{catalog.CATEGORY_TITLES[category]}» ({order}):"]
        lines += [card_line(number, card) for number, card in enumerate(result.cards, 1)]
        lines.append("Закажите понравившееся («закажи первое») или просто «закажи на завтра в 10» — исполнителя "
                     "подберу сам. «Сравни первые два» — сравню рядом.")
        buttons = [
            {"title": f"Заказать {number}", "payload": f'/market_order{{"market_offer_position": "{number}"}}'}
            for number in range(1, min(3, len(result.cards)) + 1)
        ]
        dispatcher.utter_message(text="\n".join(lines), buttons=buttons)
        return [SlotSet(LAST_OFFERS, [card.offer_id for card in result.cards])]

    @staticmethod
    def _compare(dispatcher: CollectingDispatcher, shown: List[int], picked: List[int]) -> List[EventType]:
        ids = [shown[number - 1] for number in picked if number <= len(shown)]
        with session_scope() as session:
            cards = catalog.compare(session, ids)
        if len(cards) < 2:
            dispatcher.utter_message(text="Для сравнения нужны два предложения из последнего поиска — "
                                          "например, «сравни первое и третье».")
            return []
        dispatcher.utter_message(text=compare_text(cards))
        return []
