"""The resident's own orders: status of one or a short list, and cancelling one with the fee and the refund said
beforehand.

Somebody else's order number gets the same answer as a number that does not exist. The fee the confirmation named is
kept in a slot: a yes that comes after the free period ended cancels nothing (orders.cancel, `fee_changed`).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Dict, List, Mapping, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from engine.sdk import (
    NOTIFICATION_ENTITY,
    STOP,
    audit_record,
    day_month_year,
    delivered_now,
    entity_value,
    offer,
    phrase,
    resident_id,
    session_scope,
    utcnow,
)

from .. import ledger, notices, orders, texts, warranty
from ..models import MarketOrder
from ..refusals import Refusal, refusal
from .common import order_number, say_refusal
from .order_choice import AskWhichOrder, OrderChoice, OrderChoiceForm

ORDER, CONFIRM, FEE = "market_cancel_order", "market_cancel_confirm", "market_cancel_fee"
SKILL = "marketplace"
RECENT_SHOWN = 5


def status_values(session: Session, domain: Mapping[str, Any], order: MarketOrder) -> Dict[str, str]:
    """The order's summary with its payment and warranty noted."""
    notes = []
    if order.state not in (orders.CANCELLED, orders.EXPIRED) and not order.warranty_claim_id:
        note = "utter_market_order_unpaid_note"
        if ledger.is_paid(session, order.id):
            note = "utter_market_order_paid_note"
        elif ledger.payment_pending(session, order.id):
            note = "utter_market_order_payment_pending_note"
        notes.append(phrase(domain, note))
    contract = warranty.warranty_of(session, order.id)
    if contract is not None:
        notes.append(
            phrase(domain, "utter_market_order_warranty_note", ends_on=day_month_year(contract.ends_on))
        )
    return texts.order_values(domain, order, notes)


def status_text(session: Session, domain: Mapping[str, Any], order: MarketOrder) -> str:
    return phrase(domain, texts.summary_response(order), **status_values(session, domain, order))


def fee_values(fee: Decimal) -> Dict[str, str]:
    return {
        "fee": texts.rubles(fee),
        "free_hours": str(orders.FREE_CANCEL_HOURS),
        "fee_percent": f"{orders.LATE_CANCEL_FEE_PERCENT:.0f}",
    }


def refund_note(domain: Mapping[str, Any], response: str, refund: Decimal) -> str:
    """The note about a paid order's money after the cancellation's sentence (empty when nothing is paid back)."""
    return " " + phrase(domain, response, refund=texts.rubles(refund)) if refund > 0 else ""


def agreed_fee(value: Any) -> Optional[Decimal]:
    """The fee the confirmation named, from its slot; None when it named none (or nothing readable)."""
    try:
        fee = Decimal(str(value)) if value is not None else None
    except InvalidOperation:
        return None
    return fee if fee is not None and fee.is_finite() else None


class CancellableOrders(OrderChoice):
    def candidates(self, session: Session, customer: int) -> List[MarketOrder]:
        return [
            order
            for order in orders.customer_orders(session, customer)
            if orders.cancel_refusal(order) is None
        ]

    def refusal(self, session: Session, customer: int, order_id: int) -> Optional[Refusal]:
        order = orders.order_of(session, customer, order_id)
        return refusal("not_yours", order_id=order_id) if order is None else orders.cancel_refusal(order)

    def nothing_response(self, session: Session, customer: int) -> str:
        return "utter_market_nothing_to_cancel"


class ActionMarketOrderStatus(Action):
    """The resident's orders when asked; and, arriving as a notification (notices.tell_customer), the news of an
    order whose state changed, said once."""

    def name(self) -> str:
        return "action_market_order_status"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        if entity_value(tracker, NOTIFICATION_ENTITY) is not None:
            return self.notice(dispatcher, tracker, domain)
        number = order_number(entity_value(tracker, "order_id"))
        with session_scope() as session:
            customer = resident_id(session, tracker)
            if number is not None:
                order = orders.order_of(session, customer, number)
                if order is None:
                    say_refusal(dispatcher, domain, refusal("not_yours", order_id=number))
                else:
                    dispatcher.utter_message(
                        response=texts.summary_response(order), **status_values(session, domain, order)
                    )
                return []
            recent = orders.customer_orders(session, customer)[:RECENT_SHOWN]
            if not recent:
                # it suggests naming a service: the trade alone in reply searches for it
                dispatcher.utter_message(
                    response="utter_market_no_orders", **offer("market_search", accepts=["service_category"])
                )
                return []
            dispatcher.utter_message(
                response="utter_market_orders_list",
                orders="\n".join(status_text(session, domain, o) for o in recent),
            )
        return []

    @staticmethod
    def notice(dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        """The order of the notification, from the store (the slots of this conversation play no part); silence
        when the notice was said already, cancelled or typed by hand, or the order is not this resident's."""
        number = order_number(entity_value(tracker, notices.ORDER_ENTITY))
        with session_scope() as session:
            if not delivered_now(session, tracker) or number is None:
                return []
            order = orders.order_of(session, resident_id(session, tracker), number)
            if order is not None:
                dispatcher.utter_message(
                    response="utter_market_order_state_notice", summary=status_text(session, domain, order)
                )
        return []


class ValidateMarketCancelForm(CancellableOrders, OrderChoiceForm):
    order_slot, stopped = ORDER, {CONFIRM: False}

    def name(self) -> Text:
        return "validate_market_cancel_form"


class ActionAskMarketCancelOrder(CancellableOrders, AskWhichOrder):
    question = "utter_market_which_order_cancel"

    def name(self) -> str:
        return "action_ask_market_cancel_order"


class ActionAskMarketCancelConfirm(Action):
    def name(self) -> str:
        return "action_ask_market_cancel_confirm"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        with session_scope() as session:
            order = orders.order_of(
                session, resident_id(session, tracker), order_number(tracker.get_slot(ORDER))
            )
            if order is None:  # a forged or stale number: nothing of somebody else's order is shown
                say_refusal(dispatcher, domain, refusal("not_yours", order_id=tracker.get_slot(ORDER)))
                return [SlotSet(ORDER, STOP), SlotSet(CONFIRM, False)]
            fee = orders.cancellation_fee(order, utcnow())
            paid = ledger.payment_of(session, order.id) if ledger.is_paid(session, order.id) else None
            note = refund_note(
                domain, "utter_market_refund_ahead_note", paid.amount - fee if paid else Decimal(0)
            )
            summary = texts.order_summary(domain, order)
        if fee:
            dispatcher.utter_message(
                response="utter_market_cancel_confirm_fee",
                summary=summary,
                refund_note=note,
                **fee_values(fee),
            )
        else:
            dispatcher.utter_message(
                response="utter_market_cancel_confirm_free", summary=summary, refund_note=note
            )
        return [SlotSet(FEE, str(fee))]


class ActionMarketCancelDone(Action):
    def name(self) -> str:
        return "action_market_cancel_done"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        cleared = [SlotSet(ORDER, None), SlotSet(CONFIRM, None), SlotSet(FEE, None)]
        order_id = tracker.get_slot(ORDER)
        if order_id in (None, STOP):
            return cleared
        if not tracker.get_slot(CONFIRM):
            dispatcher.utter_message(response="utter_market_cancel_kept")
            return cleared
        number = order_number(order_id)
        if number is None:
            dispatcher.utter_message(response="utter_market_order_number_digits")
            return cleared
        with session_scope() as session:
            customer = resident_id(session, tracker)
            result = orders.cancel(session, customer, number, agreed_fee=agreed_fee(tracker.get_slot(FEE)))
            if result.cancelled:
                audit_record(
                    session,
                    skill=SKILL,
                    action="order_cancelled",
                    resident_id=customer,
                    details={
                        "order_id": number,
                        "fee": str(result.fee),
                        "refunded": str(result.refunded),
                        "refund_failed": result.refund_failed,
                    },
                )
        if result.refused is not None:
            say_refusal(dispatcher, domain, result.refused)
            return cleared
        done = "utter_market_refund_failed_note" if result.refund_failed else "utter_market_refund_done_note"
        note = refund_note(domain, done, result.refunded)
        if result.fee:
            dispatcher.utter_message(
                response="utter_market_cancelled_with_fee",
                order_id=result.order_id,
                refund_note=note,
                **fee_values(result.fee),
            )
        else:
            dispatcher.utter_message(
                response="utter_market_cancelled_free", order_id=result.order_id, refund_note=note
            )
        return cleared
