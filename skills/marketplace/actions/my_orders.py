"""The resident's own orders: status of one or a short list, and cancelling one with the fee said beforehand.

Somebody else's order number gets the same answer as a number that does not exist.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from engine.sdk import audit_record, session_scope, utcnow

from .. import dispatch, ledger, orders, warranty
from ..models import MarketOrder
from .common import STOP, YES_NO, entity_value, order_number, resident_id
from .order_choice import AskWhichOrder, OrderChoice, OrderChoiceForm

ORDER, CONFIRM = "market_cancel_order", "market_cancel_confirm"
SKILL = "marketplace"
RECENT_SHOWN = 5


def status_text(session: Session, order: MarketOrder) -> str:
    lines = [orders.describe(order)]
    if order.state != orders.CANCELLED and not order.warranty_claim_id:
        lines.append("Оплачен." if ledger.is_paid(session, order.id) else "Не оплачен — напишите «оплатить заказ».")
    contract = warranty.warranty_of(session, order.id)
    if contract is not None:
        lines.append(f"Гарантия до {dispatch.day_text(contract.ends_on)}.")
    return " ".join(lines)


class CancellableOrders(OrderChoice):
    def candidates(self, session: Session, customer: int) -> List[MarketOrder]:
        return [order for order in orders.customer_orders(session, customer) if orders.cancel_refusal(order) is None]

    def refusal(self, session: Session, customer: int, order_id: int) -> Optional[str]:
        order = orders.order_of(session, customer, order_id)
        return f"Заказа № {order_id} среди ваших заказов нет." if order is None else orders.cancel_refusal(order)

    def nothing_text(self, session: Session, customer: int) -> str:
        return "Заказов, которые можно отменить, у вас нет."


class ActionMarketOrderStatus(Action):
    def name(self) -> str:
        return "action_market_order_status"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        number = order_number(entity_value(tracker, "order_id"))
        with session_scope() as session:
            customer = resident_id(session, tracker)
            if number is not None:
                order = orders.order_of(session, customer, number)
                dispatcher.utter_message(
                    text=status_text(session, order) if order else f"Заказа № {number} среди ваших заказов нет."
                )
                return []
            recent = orders.customer_orders(session, customer)[:RECENT_SHOWN]
            if not recent:
                dispatcher.utter_message(text="У вас пока нет заказов в кооперативе. Напишите, какая услуга нужна, "
                                              "например «нужен сантехник на завтра».")
                return []
            dispatcher.utter_message(text="Ваши заказы:\n" + "\n".join(status_text(session, o) for o in recent))
        return []


class ValidateMarketCancelForm(CancellableOrders, OrderChoiceForm):
    order_slot, stopped = ORDER, {CONFIRM: False}

    def name(self) -> Text:
        return "validate_market_cancel_form"


class ActionAskMarketCancelOrder(CancellableOrders, AskWhichOrder):
    question = "Какой заказ отменить?"

    def name(self) -> str:
        return "action_ask_market_cancel_order"


class ActionAskMarketCancelConfirm(Action):
    def name(self) -> str:
        return "action_ask_market_cancel_confirm"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        with session_scope() as session:
            order = orders.order_of(session, resident_id(session, tracker), int(tracker.get_slot(ORDER)))
            fee = orders.cancellation_fee(order, utcnow())
            terms = (f"До визита меньше {orders.FREE_CANCEL_HOURS} ч, поэтому удержим "
                     f"{orders.LATE_CANCEL_FEE_PERCENT:.0f}% стоимости — {dispatch.rubles(fee)}." if fee
                     else "Отмена бесплатная.")
            dispatcher.utter_message(text=f"Отменить? {orders.describe(order)}\n{terms}", buttons=YES_NO)
        return []


class ActionMarketCancelDone(Action):
    def name(self) -> str:
        return "action_market_cancel_done"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        cleared = [SlotSet(ORDER, None), SlotSet(CONFIRM, None)]
        order_id = tracker.get_slot(ORDER)
        if order_id in (None, STOP):
            return cleared
        if not tracker.get_slot(CONFIRM):
            dispatcher.utter_message(text="Хорошо, заказ остаётся в силе.")
            return cleared
        with session_scope() as session:
            customer = resident_id(session, tracker)
            result = orders.cancel(session, customer, int(order_id))
            if result.cancelled:
                audit_record(session, skill=SKILL, action="order_cancelled", resident_id=customer,
                             details={"order_id": int(order_id), "fee": str(result.fee)})
        dispatcher.utter_message(text=result.message)
        return cleared
