"""Ordering a service: category, address, day, hour, then the price to confirm; dispatch picks the provider
unless the resident picked an offer from the search results ("order the second one").

The hour is checked against the providers' working hours and bookings as soon as day and hour are both known,
so a busy time is refused at once with the nearest alternative; the price shown for confirmation is quoted
again right before it, and the order is placed with exactly the quoted offer.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.sdk import (
    HOUSE_NUMBER,
    TextAnswers,
    audit_record,
    button,
    clock,
    corrects_other_slots,
    day_month_year,
    entity_value,
    offer,
    phrase,
    positions,
    problem_value,
    read_address,
    remember_address,
    resident_id,
    session_scope,
    value_before,
    yes_no_extraction,
)

from .. import catalog, dispatch, orders, texts, when
from ..models import MarketOffer, MarketOrder, MarketProvider
from ..refusals import Refusal, refusal
from .common import say_refusal

CATEGORY, ADDRESS, DAY, HOUR = "market_category", "market_address", "market_day", "market_hour"
OFFER, QUOTED, CONFIRM = "market_offer", "market_quoted_offer", "market_order_confirm"
ORDER_SLOTS = (CATEGORY, ADDRESS, DAY, HOUR, OFFER, QUOTED, CONFIRM)
SKILL = "marketplace"


def picked_offer(session: Session, tracker: Tracker) -> Optional[MarketOffer]:
    """The offer of the latest search the message picks (by an ordinal, or an order button of the results)."""
    shown = tracker.get_slot("market_last_offers") or []
    if not shown or tracker.get_intent_of_latest_message() != "market_order":
        return None
    position = entity_value(tracker, "market_offer_position")
    text = tracker.latest_message.get("text") or ""
    picks = [int(position)] if str(position or "").isdigit() else positions(text, digits=False)
    if len(picks) != 1 or not 1 <= picks[0] <= len(shown):
        return None
    offer = session.get(MarketOffer, shown[picks[0] - 1])
    return offer if offer is not None and offer.active else None


def slot_starts(day: date, hours: when.Hours) -> List[datetime]:
    """Stored starts of the acceptable hours (minutes kept, so that "10:30" is refused with a reason)."""
    return [clock.local_moment(day, hour) + timedelta(minutes=hours.minutes) for hour in hours.hours]


def first_quote(
    session: Session,
    category: str,
    day: date,
    hours: when.Hours,
    offer_id: Optional[int],
    address: Optional[str],
    customer: Optional[int] = None,
) -> Tuple[Optional[orders.Quote], Optional[datetime], Optional[Refusal]]:
    """The first acceptable hour that can be booked for the customer: (quote, start, None), or (None, None, why
    not)."""
    refused = refusal("no_booking")
    for start in slot_starts(day, hours):
        try:
            quoted = orders.quote(session, category, start, offer_id, address, customer_id=customer)
            return quoted, start, None
        except orders.OrderError as error:
            refused = error.refusal
    if len(hours.hours) > 1:
        refused = refusal(
            "hours_busy",
            day=day,
            first=when.hour_text(hours.hours[0]),
            last=when.hour_text(hours.hours[-1] + 1),
            cause=refused,
        )
    return None, None, refused


def existing_order(session: Session, customer: int, category: str, start: datetime) -> Optional[MarketOrder]:
    """An open order the resident already placed for the same service and hour (a retried confirmation)."""
    return (
        session.execute(
            select(MarketOrder).where(
                MarketOrder.customer_id == customer,
                MarketOrder.category == category,
                MarketOrder.slot_start == clock.to_store(start),
                MarketOrder.state.in_(dispatch.OPEN_STATES),
            )
        )
        .scalars()
        .first()
    )


def address_question(tracker: Tracker, missing: Tuple[str, ...]) -> str:
    """What to say when the answer to "which address" is no address: an hour or a day typed instead is taken
    (the form's slot mappings fill it), and only the address is asked for again; else what part is missing."""
    if tracker.slots_to_validate().keys() & {DAY, HOUR}:
        return "utter_market_address_after_time"
    if missing == (HOUSE_NUMBER,):
        return "utter_market_address_no_house"
    return "utter_market_address_again"


class ValidateMarketOrderForm(TextAnswers, FormValidationAction):
    def name(self) -> Text:
        return "validate_market_order_form"

    async def extract_market_category(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """A pick from the search results fixes the offer and its category (a provider's own offer only the
        category: dispatch finds another provider); a problem told in the resident's words (a dripping tap) names
        the category when none is known yet."""
        with session_scope() as session:
            offer = picked_offer(session, tracker)
            if offer is not None:
                provider = session.get(MarketProvider, offer.provider_id)
                if provider.resident_id == resident_id(session, tracker):
                    dispatcher.utter_message(response="utter_market_own_offer_picked", offer_id=offer.id)
                    return {OFFER: None, CATEGORY: offer.category}
                return {OFFER: offer.id, CATEGORY: offer.category}
        if tracker.get_slot(CATEGORY) or entity_value(tracker, "service_category"):
            return {}
        category = problem_value(tracker.latest_message.get("text") or "", "service_category")
        return {CATEGORY: category} if category else {}

    async def extract_market_order_confirm(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return yes_no_extraction(tracker, CONFIRM)

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        """The form does not ask for market_offer, so rasa-sdk would drop the pick extracted above: keep it."""
        events = await super().get_validation_events(dispatcher, tracker, domain)
        if OFFER in tracker.slots_to_validate() and all(event.get("name") != OFFER for event in events):
            events.append(SlotSet(OFFER, tracker.get_slot(OFFER)))
        return events

    def validate_market_order_confirm(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """A correction at the confirmation ("no, at 14") is confirmed again, not taken for a no."""
        return {CONFIRM: None if corrects_other_slots(tracker, CONFIRM) else slot_value}

    def validate_market_category(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if slot_value not in catalog.CATEGORIES:
            dispatcher.utter_message(response="utter_market_unknown_service")
            return {CATEGORY: None}
        offer_id = tracker.get_slot(OFFER)
        if offer_id is not None:
            with session_scope() as session:
                offer = session.get(MarketOffer, offer_id)
                if offer is None or offer.category != slot_value:
                    return {CATEGORY: slot_value, OFFER: None}
        return {CATEGORY: slot_value}

    def validate_market_address(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if str(slot_value or "").startswith("/"):  # a button's payload: the address is its entity
            slot_value = entity_value(tracker, "location")
        reading = read_address(str(slot_value or ""))
        if reading.address is not None:
            return {ADDRESS: reading.address}
        if tracker.get_slot(REQUESTED_SLOT) != ADDRESS:
            # a place named in the request or in an answer to another question: it is asked for properly when
            # its turn comes, and an address given before stays
            return {ADDRESS: value_before(tracker, ADDRESS)}
        dispatcher.utter_message(response=address_question(tracker, reading.missing))
        return {ADDRESS: None}

    def validate_market_day(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        day = when.parse_day(slot_value)
        today = clock.today()
        if day is None:
            dispatcher.utter_message(response="utter_market_day_unreadable")
            return {DAY: None}
        if day < today:
            dispatcher.utter_message(response="utter_market_day_past", day=day_month_year(day))
            return {DAY: None}
        if day > today + orders.MAX_AHEAD:
            say_refusal(dispatcher, domain, refusal("too_far", days=orders.MAX_AHEAD.days))
            return {DAY: None}
        result: Dict[Text, Any] = {DAY: day.isoformat()}
        if tracker.get_slot(HOUR) is not None and HOUR not in tracker.slots_to_validate():
            result.update(self._checked_hour(tracker.get_slot(HOUR), day, dispatcher, tracker, domain))
        return result

    def validate_market_hour(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        hours = when.parse_hours(slot_value)
        if hours is None:
            dispatcher.utter_message(response="utter_market_hour_unreadable")
            return {HOUR: None}
        day = when.parse_day(tracker.get_slot(DAY))
        if day is None:
            return {HOUR: slot_value}
        return self._checked_hour(slot_value, day, dispatcher, tracker, domain)

    @staticmethod
    def _checked_hour(
        value: Any, day: date, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """The first bookable hour of what was asked, or the hour asked again with the reason."""
        hours = when.parse_hours(value)
        category = tracker.get_slot(CATEGORY)
        if hours is None or category not in catalog.CATEGORIES:
            return {HOUR: value}
        with session_scope() as session:
            customer = resident_id(session, tracker)
            quote, start, refused = first_quote(
                session, category, day, hours, tracker.get_slot(OFFER), tracker.get_slot(ADDRESS), customer
            )
        if quote is None:
            say_refusal(dispatcher, domain, refused)
            return {HOUR: None, QUOTED: None}
        return {HOUR: f"{clock.to_local(start):%H:%M}", QUOTED: quote.offer_id}


class ActionAskMarketAddress(Action):
    """Asks where to come, offering the address of the resident's previous order as a button."""

    def name(self) -> str:
        return "action_ask_market_address"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        with session_scope() as session:
            previous = orders.customer_orders(session, resident_id(session, tracker))
            last_address = previous[0].address if previous else None
        buttons = [button(last_address, "inform", location=last_address)] if last_address else []
        dispatcher.utter_message(response="utter_market_ask_address", buttons=buttons)
        return []


class ActionAskMarketOrderConfirm(Action):
    def name(self) -> str:
        return "action_ask_market_order_confirm"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        category, address = tracker.get_slot(CATEGORY), tracker.get_slot(ADDRESS)
        day, hours = when.parse_day(tracker.get_slot(DAY)), when.parse_hours(tracker.get_slot(HOUR))
        if day is None or hours is None:
            dispatcher.utter_message(response="utter_ask_market_hour")
            return [SlotSet(HOUR, None), SlotSet(REQUESTED_SLOT, HOUR)]
        picked = tracker.get_slot(OFFER)
        with session_scope() as session:
            customer = resident_id(session, tracker)
            quote, start, refused = first_quote(session, category, day, hours, picked, address, customer)
            if quote is None:
                dispatcher.utter_message(
                    response="utter_market_hour_refused", reason=texts.refusal_text(domain, refused)
                )
                return [SlotSet(HOUR, None), SlotSet(QUOTED, None), SlotSet(REQUESTED_SLOT, HOUR)]
            provider = session.get(MarketProvider, quote.provider_id)
            rating, reviews = provider.rating, provider.review_count
        how = "utter_market_order_confirm_picked" if picked else "utter_market_order_confirm_dispatched"
        dispatcher.utter_message(
            response="utter_market_order_confirm",
            category=texts.category_title(category),
            title=quote.title,
            slot=texts.slot_text(start),
            hours=quote.duration_minutes // 60,
            address=address,
            provider=quote.provider_name,
            rating=f"{rating:.1f}",
            reviews=reviews,
            how=phrase(domain, how),
            price=texts.price_text(domain, quote.price, quote.unit),
            free_hours=orders.FREE_CANCEL_HOURS,
        )
        return [SlotSet(QUOTED, quote.offer_id), SlotSet(HOUR, f"{clock.to_local(start):%H:%M}")]


class ActionMarketOrderDone(Action):
    def name(self) -> str:
        return "action_market_order_done"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        cleared = [SlotSet(slot, None) for slot in ORDER_SLOTS]
        if not tracker.get_slot(CONFIRM):
            dispatcher.utter_message(response="utter_market_order_declined")
            return cleared
        category, address = tracker.get_slot(CATEGORY), tracker.get_slot(ADDRESS)
        day, hours = when.parse_day(tracker.get_slot(DAY)), when.parse_hours(tracker.get_slot(HOUR))
        start = slot_starts(day, hours)[0] if day and hours and hours.hours else None
        if start is None:
            dispatcher.utter_message(response="utter_market_order_time_lost")
            return cleared
        with session_scope() as session:
            customer = resident_id(session, tracker)
            order = existing_order(session, customer, category, start)
            if order is not None:
                dispatcher.utter_message(
                    response="utter_market_order_exists", summary=texts.order_summary(domain, order)
                )
                return cleared
            try:
                order = orders.place_order(
                    session,
                    customer,
                    category,
                    address,
                    start,
                    offer_id=tracker.get_slot(QUOTED) or tracker.get_slot(OFFER),
                )
            except orders.OrderError as error:
                dispatcher.utter_message(
                    response="utter_market_order_not_placed", reason=texts.refusal_text(domain, error.refusal)
                )
                return cleared
            audit_record(
                session,
                skill=SKILL,
                action="order_placed",
                resident_id=customer,
                details={"order_id": order.id, "provider_id": order.provider_id, "price": str(order.price)},
            )
            remember_address(session, customer, order.address, skill=SKILL)
            summary, order_id = texts.order_summary(domain, order), order.id
        buttons = [
            button(phrase(domain, "utter_market_pay_now_button"), "market_pay_order", order_id=order_id),
            button(phrase(domain, "utter_market_pay_later_button"), "deny"),
        ]
        dispatcher.utter_message(
            response="utter_market_order_placed",
            summary=summary,
            hold_minutes=int(orders.UNPAID_HOLD.total_seconds()) // 60,
            buttons=buttons,
            **offer("market_pay_order", order_id=order_id),
        )
        return cleared
