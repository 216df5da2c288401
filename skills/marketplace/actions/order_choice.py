"""The "which order?" step the pay, cancel, review and warranty forms share.

Started without a number, such a form takes the resident's only fitting order by itself, asks with buttons when
there are several, and ends at once with the reason when there is none. A typed or button number is checked
(`refusal`): somebody else's order, or one the step does not apply to, ends the form with the reason.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from engine.sdk import STOP, TextAnswers, resident_id, session_scope

from ..models import MarketOrder
from ..refusals import Refusal
from .common import order_buttons, order_lines, order_number, say_refusal


class OrderChoice(ABC):
    """Which orders fit a step, and why a named one does not."""

    @abstractmethod
    def candidates(self, session: Session, customer: int) -> List[MarketOrder]:
        """The resident's orders this step applies to, newest first."""

    @abstractmethod
    def refusal(self, session: Session, customer: int, order_id: int) -> Optional[Refusal]:
        """Why the step cannot go on with this order, or None."""

    @abstractmethod
    def nothing_response(self, session: Session, customer: int) -> str:
        """The response saying the resident has no order this step applies to."""


class OrderChoiceForm(OrderChoice, TextAnswers, FormValidationAction, ABC):
    """Validation of a form whose first slot is `order_slot`; `stopped` are the other slots' values when it ends early.

    rasa-sdk finds a slot's custom steps by name (`extract_<slot>`, `validate_<slot>`): a subclass gets both for its
    `order_slot` here, so it only says which orders fit.
    """

    order_slot: Text
    stopped: Dict[Text, Any]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "order_slot" in cls.__dict__:
            setattr(cls, f"extract_{cls.order_slot}", cls.extract_order)
            setattr(cls, f"validate_{cls.order_slot}", cls.validate_order)

    def stop(self) -> Dict[Text, Any]:
        return {self.order_slot: STOP, **self.stopped}

    async def extract_order(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if tracker.get_slot(self.order_slot) is not None or tracker.get_slot(REQUESTED_SLOT) is not None:
            return {}
        with session_scope() as session:
            customer = resident_id(session, tracker)
            found = [order.id for order in self.candidates(session, customer)]
            nothing = self.nothing_response(session, customer) if not found else ""
        if nothing:
            dispatcher.utter_message(response=nothing)
            return self.stop()
        return {self.order_slot: found[0]} if len(found) == 1 else {}

    def validate_order(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if slot_value == STOP:
            return self.stop()
        number = order_number(slot_value)
        if number is None:
            dispatcher.utter_message(response="utter_market_order_number_digits")
            return {self.order_slot: None}
        with session_scope() as session:
            refusal = self.refusal(session, resident_id(session, tracker), number)
        if refusal is not None:
            say_refusal(dispatcher, domain, refusal)
            return self.stop()
        return {self.order_slot: number}


class AskWhichOrder(OrderChoice, Action, ABC):
    """Asks which order, listing the fitting ones as lines and buttons: `question` is the response with the list
    ({orders}), and `question`_number the one asking for a number when none fits."""

    question: Text

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        with session_scope() as session:
            found = self.candidates(session, resident_id(session, tracker))
            if found:
                dispatcher.utter_message(
                    response=self.question, orders=order_lines(found), buttons=order_buttons(found)
                )
            else:
                dispatcher.utter_message(response=f"{self.question}_number")
        return []
