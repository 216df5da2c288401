"""What every utilities action needs: who is writing, which of their accounts is meant, the usual refusals."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Optional, Tuple

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from engine import residents
from engine.sdk import channel_identity

from ..accounts import AccountChoice, account_for
from ..models import UtilitiesAccount

STOP = "__stop__"  # a form slot value meaning "nothing more to ask: the reason was already said"
LINK_BUTTON = {"title": "Привязать лицевой счёт", "payload": "/utilities_link_account"}


def resident_id(session: Session, tracker: Tracker) -> int:
    channel, external_id = channel_identity(tracker)
    return residents.identity_for(session, channel, external_id).resident_id


def entity_value(tracker: Tracker, entity: str) -> Optional[Any]:
    return next(tracker.get_latest_entity_values(entity), None)


def resident_account(
    session: Session, tracker: Tracker, dispatcher: CollectingDispatcher
) -> Tuple[int, Optional[UtilitiesAccount]]:
    """(resident, the account meant) — or the account is None and the resident has been told why."""
    resident = resident_id(session, tracker)
    number = entity_value(tracker, "account_number")
    choice, account = account_for(session, resident, str(number) if number else None)
    if choice is AccountChoice.NOT_YOURS:
        dispatcher.utter_message(
            text=f"Лицевой счёт № {number} не привязан к вашему профилю, поэтому я не могу показать по нему данные. "
            "Если это ваш счёт, привяжите его.",
            buttons=[LINK_BUTTON],
        )
    elif choice is AccountChoice.NONE_LINKED:
        dispatcher.utter_message(
            text="К вашему профилю пока не привязан лицевой счёт. Привяжем? Понадобится номер из квитанции.",
            buttons=[LINK_BUTTON],
        )
    return resident, account


def parse_amount(value: Any) -> Optional[Decimal]:
    """A sum in rubles from an entity value or text: 2000, "1 500,50 руб", 3500.0."""
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value))
    text = "".join(ch for ch in str(value or "") if ch.isdigit() or ch in ",.").replace(",", ".").strip(".")
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None
