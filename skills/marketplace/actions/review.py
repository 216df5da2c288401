"""A review of a done and paid order: which order (the only one not yet reviewed by default), rating 1–5 in digits
or words, an optional comment. A second review of the same order, a review of an unpaid order and a provider's
review of their own work are refused before anything is asked."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.sdk import STOP, audit_record, resident_id, session_scope, skill_lexicon

from .. import ledger, orders, reviews
from ..models import MarketOrder, MarketReview
from ..refusals import Refusal, refusal
from .common import order_number, say_refusal
from .order_choice import AskWhichOrder, OrderChoice, OrderChoiceForm

ORDER, RATING, TEXT = "market_review_order", "market_rating", "market_review_text"
NO_COMMENT = "-"
ORDER_REFERENCE = skill_lexicon(__file__)["order_reference_pattern"]


def without_order_number(value: Any, tracker: Tracker) -> Any:
    """The whole message (a from_text rating) without the order number it names: "a review of order 4" has no
    rating."""
    if not isinstance(value, str) or value != tracker.latest_message.get("text"):
        return value
    for named in tracker.get_latest_entity_values("order_id"):
        number = re.escape(str(named))
        value, found = re.subn(ORDER_REFERENCE + number + r"(?!\d)", " ", value, count=1, flags=re.IGNORECASE)
        if not found:
            value = re.sub(rf"(?<!\d){number}(?!\d)", " ", value, count=1)
    return value


def reviewed(session: Session, order_id: int) -> bool:
    return (
        session.execute(select(MarketReview.id).where(MarketReview.order_id == order_id)).first() is not None
    )


def own_work(order: MarketOrder, customer: int) -> bool:
    return order.provider is not None and order.provider.resident_id == customer


class OrdersToReview(OrderChoice):
    def candidates(self, session: Session, customer: int) -> List[MarketOrder]:
        """Done and paid orders of the resident, of other providers, that have no review yet, newest first."""
        return [
            order
            for order in self._unreviewed(session, customer)
            if ledger.is_paid(session, order.id) and not own_work(order, customer)
        ]

    @staticmethod
    def _unreviewed(session: Session, customer: int) -> List[MarketOrder]:
        return [
            order
            for order in orders.customer_orders(session, customer)
            if order.state == orders.DONE and not reviewed(session, order.id)
        ]

    def refusal(self, session: Session, customer: int, order_id: int) -> Optional[Refusal]:
        order = orders.order_of(session, customer, order_id)
        if order is None:
            return refusal("not_yours", order_id=order_id)
        if order.state != orders.DONE:
            return refusal("review_not_done_yet", order_id=order.id, order_state=order.state)
        if reviewed(session, order.id):
            return refusal("reviewed_before", order_id=order.id)
        if own_work(order, customer):
            return refusal("review_own_order", order_id=order.id)
        if not ledger.is_paid(session, order.id):
            return refusal("review_unpaid", order_id=order.id)
        return None

    def nothing_response(self, session: Session, customer: int) -> str:
        unreviewed = self._unreviewed(session, customer)
        if any(
            not ledger.is_paid(session, order.id) and not own_work(order, customer) for order in unreviewed
        ):
            return "utter_market_nothing_to_review_unpaid"
        if any(order.state == orders.DONE for order in orders.customer_orders(session, customer)):
            return "utter_market_nothing_to_review_all_reviewed"
        return "utter_market_nothing_to_review"


class ValidateMarketReviewForm(OrdersToReview, OrderChoiceForm):
    order_slot, stopped = ORDER, {RATING: STOP, TEXT: STOP}

    def name(self) -> Text:
        return "validate_market_review_form"

    def validate_market_rating(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if slot_value == STOP:
            return {RATING: STOP}
        rating = reviews.parse_rating(without_order_number(slot_value, tracker))
        if rating is None:
            if tracker.get_slot("requested_slot") == RATING:
                dispatcher.utter_message(response="utter_market_rating_again")
            return {RATING: None}
        return {RATING: rating}

    def validate_market_review_text(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return {TEXT: " ".join(str(slot_value or "").split())[:1000] or NO_COMMENT}


class ActionAskMarketReviewOrder(OrdersToReview, AskWhichOrder):
    question = "utter_market_which_order_review"

    def name(self) -> str:
        return "action_ask_market_review_order"


class ActionMarketReviewDone(Action):
    def name(self) -> str:
        return "action_market_review_done"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        cleared = [SlotSet(ORDER, None), SlotSet(RATING, None), SlotSet(TEXT, None)]
        order_id, rating, text = tracker.get_slot(ORDER), tracker.get_slot(RATING), tracker.get_slot(TEXT)
        if STOP in (order_id, rating) or order_id is None or rating is None:
            return cleared
        order_id = order_number(order_id)
        if order_id is None:
            dispatcher.utter_message(response="utter_market_order_number_digits")
            return cleared
        with session_scope() as session:
            customer = resident_id(session, tracker)
            try:
                review = reviews.leave_review(
                    session,
                    customer,
                    order_id,
                    reviews.parse_rating(rating) or 0,
                    None if text in (None, NO_COMMENT, STOP) else text,
                )
            except reviews.ReviewRefused as error:
                say_refusal(dispatcher, domain, error.refusal)
                return cleared
            audit_record(
                session,
                skill="marketplace",
                action="review_left",
                resident_id=customer,
                details={"order_id": review.order_id, "rating": review.rating},
            )
            provider = session.get(MarketOrder, review.order_id).provider
            dispatcher.utter_message(
                response="utter_market_review_saved",
                rating=rating,
                order_id=order_id,
                provider=provider.name,
                provider_rating=f"{provider.rating:.2f}",
                review_count=provider.review_count,
            )
        return cleared
