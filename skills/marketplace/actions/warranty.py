"""A warranty claim ("it leaks again after the repair") → which done order (asked when there are several) → the
automatic check of term and payment → a free repeat visit, or a refusal with the warranty dates."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from engine.sdk import STOP, audit_record, clock, resident_id, session_scope

from .. import orders, texts, warranty
from ..models import MarketOrder
from ..refusals import Refusal, refusal
from .common import order_number, say_refusal
from .order_choice import AskWhichOrder, OrderChoice, OrderChoiceForm

ORDER, TEXT = "market_claim_order", "market_claim_text"


class ClaimableOrders(OrderChoice):
    def candidates(self, session: Session, customer: int) -> List[MarketOrder]:
        return warranty.claimable_orders(session, customer, clock.today())

    def refusal(self, session: Session, customer: int, order_id: int) -> Optional[Refusal]:
        """Only a foreign order is refused here: term and payment are checked by open_claim, which records it."""
        return (
            None if orders.order_of(session, customer, order_id) else refusal("not_yours", order_id=order_id)
        )

    def nothing_response(self, session: Session, customer: int) -> str:
        return "utter_market_nothing_to_claim"


class ValidateMarketWarrantyForm(ClaimableOrders, OrderChoiceForm):
    order_slot, stopped = ORDER, {TEXT: STOP}

    def name(self) -> Text:
        return "validate_market_warranty_form"

    def validate_market_claim_text(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if slot_value == STOP:
            return {TEXT: STOP}
        text = " ".join(str(slot_value or "").split())
        if len(text) < 3:
            dispatcher.utter_message(response="utter_market_claim_text_again")
            return {TEXT: None}
        return {TEXT: text[:1000]}


class ActionAskMarketClaimOrder(ClaimableOrders, AskWhichOrder):
    question = "utter_market_which_order_claim"

    def name(self) -> str:
        return "action_ask_market_claim_order"


class ActionMarketWarrantyDone(Action):
    def name(self) -> str:
        return "action_market_warranty_done"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        cleared = [SlotSet(ORDER, None), SlotSet(TEXT, None)]
        order_id, text = tracker.get_slot(ORDER), tracker.get_slot(TEXT)
        if STOP in (order_id, text) or order_id is None:
            return cleared
        order_id = order_number(order_id)
        if order_id is None:
            dispatcher.utter_message(response="utter_market_order_number_digits")
            return cleared
        with session_scope() as session:
            customer = resident_id(session, tracker)
            result = warranty.open_claim(session, customer, order_id, text or "")
            if result.claim_id is not None:
                audit_record(
                    session,
                    skill="marketplace",
                    action="warranty_claim",
                    resident_id=customer,
                    details={
                        "order_id": order_id,
                        "claim_id": result.claim_id,
                        "accepted": result.accepted,
                        "visit_order_id": result.visit_order_id,
                    },
                )
        if result.accepted:
            dispatcher.utter_message(
                response=f"utter_market_claim_{result.reason}", **texts.shown(domain, result.values)
            )
        else:
            say_refusal(dispatcher, domain, refusal(result.reason, **result.values))
        return cleared
