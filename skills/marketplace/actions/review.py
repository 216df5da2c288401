"""A review of a done order: which order (the only one not yet reviewed by default), rating 1–5 in digits or
words, an optional comment. A second review of the same order is refused before anything is asked."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.sdk import audit_record, session_scope

from .. import orders, reviews
from ..models import MarketOrder, MarketReview
from .common import STOP, resident_id
from .order_choice import AskWhichOrder, OrderChoice, OrderChoiceForm

ORDER, RATING, TEXT = "market_review_order", "market_rating", "market_review_text"
NO_COMMENT = "-"


def without_order_number(value: Any, tracker: Tracker) -> Any:
    """The whole message (a from_text rating) without the order number it names: «отзыв по заказу 4» has no rating."""
    if not isinstance(value, str) or value != tracker.latest_message.get("text"):
        return value
    for number in tracker.get_latest_entity_values("order_id"):
        number = re.escape(str(number))
        value, found = re.subn(rf"заказ\w*\s*(?:№|номер)?\s*{number}(?!\d)", " ", value, count=1, flags=re.IGNORECASE)
        if not found:
            value = re.sub(rf"(?<!\d){number}(?!\d)", " ", value, count=1)
    return value


def reviewed(session: Session, order_id: int) -> bool:
    return session.execute(select(MarketReview.id).where(MarketReview.order_id == order_id)).first() is not None


class OrdersToReview(OrderChoice):
    def candidates(self, session: Session, customer: int) -> List[MarketOrder]:
        """Done orders of the resident that have no review yet, newest first."""
        return [
            order for order in orders.customer_orders(session, customer)
            if order.state == orders.DONE and not reviewed(session, order.id)
        ]

    def refusal(self, session: Session, customer: int, order_id: int) -> Optional[str]:
        order = orders.order_of(session, customer, order_id)
        if order is None:
            return f"Заказа № {order_id} среди ваших заказов нет."
        if order.state != orders.DONE:
            return (f"Отзыв можно оставить, когда заказ выполнен, а заказ № {order.id} ещё не выполнен "
                    f"(сейчас: {orders.STATE_TITLES[order.state]}).")
        if reviewed(session, order.id):
            return f"Отзыв на заказ № {order.id} вы уже оставили — второй раз оценить нельзя. Спасибо за отзыв!"
        return None

    def nothing_text(self, session: Session, customer: int) -> str:
        if any(order.state == orders.DONE for order in orders.customer_orders(session, customer)):
            return "Все ваши выполненные заказы уже оценены — второй раз оценить нельзя. Спасибо!"
        return "Отзыв можно оставить после выполнения заказа, а выполненных заказов у вас пока нет."


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
                dispatcher.utter_message(text="Оценка — от 1 до 5: например «5», «четыре» или «на троечку».")
            return {RATING: None}
        return {RATING: rating}

    def validate_market_review_text(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return {TEXT: " ".join(str(slot_value or "").split())[:1000] or NO_COMMENT}


class ActionAskMarketReviewOrder(OrdersToReview, AskWhichOrder):
    question = "Какой заказ оценить?"

    def name(self) -> str:
        return "action_ask_market_review_order"


class ActionMarketReviewDone(Action):
    def name(self) -> str:
        return "action_market_review_done"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        cleared = [SlotSet(ORDER, None), SlotSet(RATING, None), SlotSet(TEXT, None)]
        order_id, rating, text = tracker.get_slot(ORDER), tracker.get_slot(RATING), tracker.get_slot(TEXT)
        if STOP in (order_id, rating) or order_id is None or rating is None:
            return cleared
        with session_scope() as session:
            customer = resident_id(session, tracker)
            try:
                review = reviews.leave_review(session, customer, int(order_id), int(rating),
                                              None if text in (None, NO_COMMENT, STOP) else text)
            except reviews.ReviewRefused as error:
                dispatcher.utter_message(text=error.message)
                return cleared
            audit_record(session, skill="marketplace", action="review_left", resident_id=customer,
                         details={"order_id": review.order_id, "rating": review.rating})
            provider = session.get(MarketOrder, review.order_id).provider
            summary = f"{provider.name}: теперь ★ {provider.rating:.2f} ({provider.review_count} отз.)"
        dispatcher.utter_message(text=f"Спасибо! Оценка {rating} к заказу № {order_id} сохранена. {summary}.")
        return cleared
