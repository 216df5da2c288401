"""«Which order?» — the first step the pay, cancel, review and warranty forms share.

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

from engine.sdk import session_scope

from ..models import MarketOrder
from .common import STOP, order_buttons, order_lines, order_number, resident_id


class OrderChoice(ABC):
    """Which orders fit a step, and why a named one does not."""

    @abstractmethod
    def candidates(self, session: Session, customer: int) -> List[MarketOrder]:
        """The resident's orders this step applies to, newest first."""

    @abstractmethod
    def refusal(self, session: Session, customer: int, order_id: int) -> Optional[str]:
        """Why the step cannot go on with this order, or None."""

    def nothing_text(self, session: Session, customer: int) -> str:
        return "Подходящих заказов у вас нет."


class OrderChoiceForm(OrderChoice, FormValidationAction, ABC):
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
            nothing = self.nothing_text(session, customer) if not found else ""
        if nothing:
            dispatcher.utter_message(text=nothing)
            return self.stop()
        return {self.order_slot: found[0]} if len(found) == 1 else {}

    def validate_order(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if slot_value == STOP:
            return self.stop()
        number = order_number(slot_value)
        if number is None:
            dispatcher.utter_message(text="Напишите номер заказа цифрами, например «15».")
            return {self.order_slot: None}
        with session_scope() as session:
            refusal = self.refusal(session, resident_id(session, tracker), number)
        if refusal:
            dispatcher.utter_message(text=refusal)
            return self.stop()
        return {self.order_slot: number}


class AskWhichOrder(OrderChoice, Action, ABC):
    """Asks which order, listing the fitting ones as buttons."""

    question: Text

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        with session_scope() as session:
            found = self.candidates(session, resident_id(session, tracker))
            text = f"{self.question}\n{order_lines(found)}" if found else f"{self.question} Напишите номер заказа."
            dispatcher.utter_message(text=text, buttons=order_buttons(found))
        return []
