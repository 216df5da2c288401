"""Paying for an order through the engine's payment interface: which order (the unpaid one by default), Да/Нет,
receipt with the split between the provider and the cooperative.

The idempotency key is made once per confirmation prompt and kept in a slot, so a retried action or a repeated
"Да" returns the first payment instead of charging again; another request for a paid order is refused.
"""

from __future__ import annotations

import uuid
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from engine.payments import payment_provider
from engine.sdk import audit_record, session_scope

from .. import dispatch, ledger, orders
from ..models import MarketOrder
from .common import STOP, YES_NO, resident_id
from .order_choice import AskWhichOrder, OrderChoice, OrderChoiceForm

ORDER, CONFIRM, KEY = "market_pay_order", "market_pay_confirm", "market_pay_key"


class UnpaidOrders(OrderChoice):
    def candidates(self, session: Session, customer: int) -> List[MarketOrder]:
        return [
            order for order in orders.customer_orders(session, customer)
            if order.state != orders.CANCELLED and not order.warranty_claim_id and not ledger.is_paid(session, order.id)
        ]

    def refusal(self, session: Session, customer: int, order_id: int) -> Optional[str]:
        order = orders.order_of(session, customer, order_id)
        if order is None:
            return f"Заказа № {order_id} среди ваших заказов нет."
        if ledger.is_paid(session, order.id):
            return f"Заказ № {order.id} уже оплачен — второй раз платить не нужно."
        if order.state == orders.CANCELLED:
            return f"Заказ № {order.id} отменён — оплачивать его не нужно."
        if order.warranty_claim_id:
            return f"Заказ № {order.id} — бесплатный гарантийный визит, платить за него не нужно."
        return None

    def nothing_text(self, session: Session, customer: int) -> str:
        return "Неоплаченных заказов у вас нет."


class ValidateMarketPayForm(UnpaidOrders, OrderChoiceForm):
    order_slot, stopped = ORDER, {CONFIRM: False}

    def name(self) -> Text:
        return "validate_market_pay_form"


class ActionAskMarketPayOrder(UnpaidOrders, AskWhichOrder):
    question = "Какой заказ оплатить?"

    def name(self) -> str:
        return "action_ask_market_pay_order"


class ActionAskMarketPayConfirm(Action):
    def name(self) -> str:
        return "action_ask_market_pay_confirm"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        with session_scope() as session:
            order = orders.order_of(session, resident_id(session, tracker), int(tracker.get_slot(ORDER)))
            percent, _ = ledger.parameters(session)
            share, commission = ledger.split(order.price, percent)
            lines = [
                f"Оплатить заказ № {order.id} — {dispatch.rubles(order.price)}?",
                f"Из них {order.provider.name} получит {dispatch.rubles(share)}, взнос кооперативу — "
                f"{dispatch.rubles(commission)} ({percent:.0f}%).",
            ]
        if payment_provider().name == "sandbox":
            lines.append("Это ТЕСТОВЫЙ ПЛАТЁЖ (песочница): деньги не спишутся.")
        dispatcher.utter_message(text="\n".join(lines), buttons=YES_NO)
        return [] if tracker.get_slot(KEY) else [SlotSet(KEY, uuid.uuid4().hex)]


class ActionMarketPayDone(Action):
    def name(self) -> str:
        return "action_market_pay_done"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        cleared = [SlotSet(ORDER, None), SlotSet(CONFIRM, None), SlotSet(KEY, None)]
        order_id, key = tracker.get_slot(ORDER), tracker.get_slot(KEY)
        if order_id in (None, STOP):
            return cleared
        if not tracker.get_slot(CONFIRM) or not key:
            dispatcher.utter_message(text="Хорошо, оплату не провожу. Деньги не списаны.")
            return cleared
        with session_scope() as session:
            customer = resident_id(session, tracker)
            retried = ledger.is_paid(session, int(order_id))
            try:
                paid = ledger.pay_order(session, customer, int(order_id), f"marketplace:{key}")
            except ledger.NotPayable as error:
                dispatcher.utter_message(text=error.message)
                return cleared
            if not retried:
                audit_record(session, skill=ledger.SKILL, action="order_paid", resident_id=customer,
                             details={"order_id": int(order_id), "payment_id": paid.payment.id,
                                      "amount": str(paid.payment.amount)})
            receipt = paid.receipt_text
        dispatcher.utter_message(text=f"{receipt}\nПосле выполнения работы на неё действует гарантия.")
        return cleared
