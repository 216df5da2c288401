"""Search and compare: the filters of the latest message, the top offers as a short list, comparing two of them
("compare the first two")."""

from __future__ import annotations

import re
from datetime import time
from decimal import Decimal
from typing import Any, Dict, List, Mapping, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from engine.sdk import (
    button,
    day_month_year,
    entity_value,
    offer,
    phrase,
    picked_position,
    positions,
    problem_value,
    register_reader,
    session_scope,
    skill_lexicon,
)

from .. import catalog, texts, when
from ..catalog import OfferCard, SearchQuery, SearchResult

POSITION = "market_offer_position"
register_reader(POSITION, picked_position)  # «второе» alone accepts the results' offer with that pick

LEXICON = skill_lexicon(__file__)
LAST_OFFERS = "market_last_offers"
CATEGORY = "market_category"
CHEAPER = re.compile(LEXICON["cheaper_pattern"], re.IGNORECASE)
COMPARE = re.compile(LEXICON["compare_pattern"], re.IGNORECASE)
UPPER_BOUND = re.compile(LEXICON["upper_bound_pattern"], re.IGNORECASE)
ORDER_BUTTONS = 3


def rating_text(card: OfferCard) -> str:
    return f"{card.rating:.1f}"


def card_line(domain: Mapping[str, Any], number: int, card: OfferCard) -> str:
    nearest = (
        phrase(domain, "utter_market_search_card_nearest", slot=texts.slot_text(card.nearest_slot))
        if card.nearest_slot
        else ""
    )
    response = "utter_market_search_card" if card.review_count else "utter_market_search_card_unreviewed"
    return phrase(
        domain,
        response,
        number=number,
        provider=card.provider_name,
        title=card.title,
        price=texts.price_text(domain, card.price, card.unit),
        rating=rating_text(card),
        review_count=card.review_count,
        nearest=nearest,
    )


def compare_line(domain: Mapping[str, Any], card: OfferCard) -> str:
    slot = (
        texts.slot_text(card.nearest_slot)
        if card.nearest_slot
        else phrase(domain, "utter_market_compare_no_slot")
    )
    return phrase(
        domain,
        "utter_market_compare_line",
        provider=card.provider_name,
        title=card.title,
        price=texts.price_text(domain, card.price, card.unit),
        rating=rating_text(card),
        reviews=card.review_count,
        warranty_days=card.warranty_days,
        slot=slot,
    )


def query_of(tracker: Tracker, category: Optional[str]) -> SearchQuery:
    """The filters the latest message names; the category falls back to the one asked before."""
    text = tracker.latest_message.get("text") or ""
    location = entity_value(tracker, "location")
    day = when.parse_day(entity_value(tracker, "date"))
    hours = when.parse_hours(entity_value(tracker, "time"))
    time_from = time_to = None
    if hours is not None and hours.hours:
        if len(hours.hours) == 1 and UPPER_BOUND.search(text):
            time_to = time(hours.hours[0])
        else:
            time_from, time_to = (
                time(hours.hours[0]),
                time(hours.hours[-1] + 1) if hours.hours[-1] < 23 else None,
            )
    amount = entity_value(tracker, "amount")
    try:
        budget = Decimal(str(amount)) if amount is not None else None
    except ArithmeticError:
        budget = None
    return SearchQuery(
        category=category,
        district=catalog.district_of(str(location)) if location else catalog.district_of(text),
        day=day,
        time_from=time_from,
        time_to=time_to,
        budget=budget,
        sort="price" if CHEAPER.search(text) else "rating",
    )


def _when_text(domain: Mapping[str, Any], query: SearchQuery) -> str:
    parts = []
    if query.day:
        parts.append(phrase(domain, "utter_market_search_when_day", day=day_month_year(query.day)))
    if query.time_from:
        parts.append(phrase(domain, "utter_market_search_when_from", time=f"{query.time_from:%H:%M}"))
    if query.time_to:
        parts.append(phrase(domain, "utter_market_search_when_to", time=f"{query.time_to:%H:%M}"))
    return " ".join(parts)


def _unmet_text(domain: Mapping[str, Any], query: SearchQuery, name: str) -> str:
    if name == "budget":
        return phrase(domain, "utter_market_search_unmet_budget", budget=texts.rubles(query.budget))
    if name == "district":
        return phrase(domain, "utter_market_search_unmet_district", district=query.district)
    return phrase(domain, "utter_market_search_unmet_time", when=_when_text(domain, query))


def _hint(domain: Mapping[str, Any], result: SearchResult) -> str:
    relaxed = result.relaxation
    if relaxed is None:
        return phrase(domain, "utter_market_search_hint_any")
    count = len(relaxed.cards)
    if relaxed.name == "budget":
        return phrase(
            domain, "utter_market_search_hint_budget", count=count, cheapest=texts.rubles(relaxed.cheapest)
        )
    if relaxed.name == "district":
        return phrase(domain, "utter_market_search_hint_district", count=count)
    if relaxed.nearest_slot is None:
        return phrase(domain, "utter_market_search_hint_time_no_slot", count=count)
    return phrase(
        domain, "utter_market_search_hint_time", count=count, slot=texts.slot_text(relaxed.nearest_slot)
    )


def say_nothing_found(
    dispatcher: CollectingDispatcher, domain: Mapping[str, Any], query: SearchQuery, result: SearchResult
) -> None:
    """Why nothing was found and which filter to relax."""
    category = texts.category_title(query.category or "")
    if result.category_empty:
        dispatcher.utter_message(response="utter_market_search_empty_category", category=category)
    elif result.unmet:
        unmet = ", ".join(_unmet_text(domain, query, name) for name in result.unmet)
        dispatcher.utter_message(
            response="utter_market_search_nothing_with",
            category=category,
            unmet=unmet,
            hint=_hint(domain, result),
        )
    else:
        dispatcher.utter_message(
            response="utter_market_search_nothing", category=category, hint=_hint(domain, result)
        )


class ActionMarketSearch(Action):
    def name(self) -> str:
        return "action_market_search"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        text = tracker.latest_message.get("text") or ""
        shown = tracker.get_slot(LAST_OFFERS) or []
        if COMPARE.search(text) and shown and len(positions(text, limit=catalog.DEFAULT_LIMIT)) >= 2:
            return self._compare(dispatcher, domain, shown, positions(text, limit=catalog.DEFAULT_LIMIT))
        category = entity_value(tracker, "service_category")
        from_problem = None if category else problem_value(text, "service_category")
        category = category or from_problem or tracker.get_slot(CATEGORY)
        if category not in catalog.CATEGORIES:
            # «сантехник» or «засор в ванной» in reply searches with what this message already said
            kept = {k: entity_value(tracker, k) for k in ("date", "time", "location", "amount")}
            dispatcher.utter_message(
                response="utter_ask_market_category",
                **offer("market_search", accepts=["service_category"], **kept),
            )
            return []
        if from_problem:
            dispatcher.utter_message(
                response="utter_market_search_problem_category", category=texts.category_title(category)
            )
        query = query_of(tracker, category)
        with session_scope() as session:
            result = catalog.search(session, query)
        if not result.cards:
            say_nothing_found(dispatcher, domain, query, result)
            return [SlotSet(LAST_OFFERS, None)]
        cards = "\n".join(card_line(domain, number, card) for number, card in enumerate(result.cards, 1))
        buttons = [
            button(
                phrase(domain, "utter_market_order_offer_button", number=number),
                "market_order",
                market_offer_position=number,
            )
            for number in range(1, min(ORDER_BUTTONS, len(result.cards)) + 1)
        ]
        response = (
            "utter_market_search_results_by_price"
            if query.sort == "price"
            else "utter_market_search_results_by_rating"
        )
        dispatcher.utter_message(
            response=response,
            category=texts.category_title(category),
            cards=cards,
            buttons=buttons,
            # «да» or a bare «на завтра в 10» orders this service (dispatch picks the provider), «второе» that offer
            **offer("market_order", accepts=["date", "time", POSITION], service_category=category),
        )
        events = [SlotSet(LAST_OFFERS, [card.offer_id for card in result.cards])]
        # «а подешевле?» next searches the same service; a search inside the order form leaves its slots alone
        return events if tracker.active_loop_name else [*events, SlotSet(CATEGORY, category)]

    @staticmethod
    def _compare(
        dispatcher: CollectingDispatcher, domain: Mapping[str, Any], shown: List[int], picked: List[int]
    ) -> List[EventType]:
        ids = [shown[number - 1] for number in picked if number <= len(shown)]
        with session_scope() as session:
            cards = catalog.compare(session, ids)
        if len(cards) < 2:
            dispatcher.utter_message(response="utter_market_compare_needs_two")
            return []
        cheapest = min(cards, key=lambda c: c.price)
        best = max(cards, key=lambda c: (c.rating, c.review_count))
        dispatcher.utter_message(
            response="utter_market_compare",
            lines="\n".join(compare_line(domain, c) for c in cards),
            cheapest=cheapest.provider_name,
            best=best.provider_name,
        )
        return []
