"""Paying for an order through the engine's payment interface: which order (the unpaid one by default), yes or
no, the receipt with the split between the provider and the cooperative.

The idempotency key is made once per confirmation prompt and kept in a slot, so a retried action or a repeated
"yes" returns the first payment instead of charging again; another request for a paid order, or for one whose
payment is under way, is refused (ledger.pay_order claims the order before the provider is asked).
"""

from __future__ import annotations

import uuid
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from engine.sdk import (
    STOP,
    audit_record,
    number,
    payments_are_test,
    phrase,
    receipt,
    resident_id,
    session_scope,
)

from .. import ledger, orders, texts
from ..models import MarketOrder
from ..refusals import Refusal, refusal
from .common import order_number, say_refusal
from .order_choice import AskWhichOrder, OrderChoice, OrderChoiceForm

ORDER, CONFIRM, KEY = "market_pay_order", "market_pay_confirm", "market_pay_key"


class UnpaidOrders(OrderChoice):
    def candidates(self, session: Session, customer: int) -> List[MarketOrder]:
        return [
            order
            for order in orders.customer_orders(session, customer)
            if order.state not in (orders.CANCELLED, orders.EXPIRED)
            and not order.warranty_claim_id
            and not ledger.is_paid(session, order.id)
        ]

    def refusal(self, session: Session, customer: int, order_id: int) -> Optional[Refusal]:
        order = orders.order_of(session, customer, order_id)
        if order is None:
            return refusal("not_yours", order_id=order_id)
        if ledger.is_paid(session, order.id):
            return refusal("paid_before", order_id=order.id)
        if ledger.payment_pending(session, order.id):
            return refusal("payment_pending", order_id=order.id)
        if order.state == orders.CANCELLED:
            return refusal("cancelled_unpaid", order_id=order.id)
        if order.state == orders.EXPIRED:
            return refusal("hold_expired", order_id=order.id)
        if order.warranty_claim_id:
            return refusal("warranty_visit_free", order_id=order.id)
        return None

    def nothing_response(self, session: Session, customer: int) -> str:
        return "utter_market_nothing_to_pay"


class ValidateMarketPayForm(UnpaidOrders, OrderChoiceForm):
    order_slot, stopped = ORDER, {CONFIRM: False}

    def name(self) -> Text:
        return "validate_market_pay_form"


class ActionAskMarketPayOrder(UnpaidOrders, AskWhichOrder):
    question = "utter_market_which_order_pay"

    def name(self) -> str:
        return "action_ask_market_pay_order"


class ActionAskMarketPayConfirm(Action):
    def name(self) -> str:
        return "action_ask_market_pay_confirm"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        with session_scope() as session:
            customer = resident_id(session, tracker)
            order = orders.order_of(session, customer, order_number(tracker.get_slot(ORDER)))
            if order is None:  # a forged or stale number: nothing of somebody else's order is shown
                say_refusal(dispatcher, domain, refusal("not_yours", order_id=tracker.get_slot(ORDER)))
                return [SlotSet(ORDER, STOP), SlotSet(CONFIRM, False)]
            percent, _ = ledger.parameters(session)
            share, commission = ledger.split(order.price, percent)
            values = {
                "order_id": order.id,
                "price": texts.rubles(order.price),
                "provider": order.provider.name,
                "share": texts.rubles(share),
                "commission": texts.rubles(commission),
                "percent": number(percent),
            }
        sandbox = payments_are_test()
        dispatcher.utter_message(
            response="utter_market_pay_confirm_sandbox" if sandbox else "utter_market_pay_confirm", **values
        )
        return [] if tracker.get_slot(KEY) else [SlotSet(KEY, uuid.uuid4().hex)]


class ActionMarketPayDone(Action):
    def name(self) -> str:
        return "action_market_pay_done"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        cleared = [SlotSet(ORDER, None), SlotSet(CONFIRM, None), SlotSet(KEY, None)]
        order_id, key = tracker.get_slot(ORDER), tracker.get_slot(KEY)
        if order_id in (None, STOP):
            return cleared
        if not tracker.get_slot(CONFIRM) or not key:
            dispatcher.utter_message(response="utter_market_pay_not_confirmed")
            return cleared
        order_id = order_number(order_id)
        if order_id is None:
            dispatcher.utter_message(response="utter_market_order_number_digits")
            return cleared
        with session_scope() as session:
            customer = resident_id(session, tracker)
            retried = ledger.is_paid(session, order_id)
            try:
                paid = ledger.pay_order(session, customer, order_id, f"marketplace:{key}")
            except ledger.NotPayable as error:
                say_refusal(dispatcher, domain, error.refusal)
                return cleared
            if not retried:
                audit_record(
                    session,
                    skill=ledger.SKILL,
                    action="order_paid",
                    resident_id=customer,
                    details={
                        "order_id": order_id,
                        "payment_id": paid.payment.id,
                        "amount": str(paid.payment.amount),
                    },
                )
            name, values = receipt(paid.payment)
            dispatcher.utter_message(
                response="utter_market_paid",
                receipt=phrase(domain, name, **values),
                order_id=paid.order_id,
                share=texts.rubles(paid.provider_share),
                commission=texts.rubles(paid.commission),
                percent=number(paid.commission_percent),
            )
        return cleared
