"""What every utilities action needs: which of the resident's accounts is meant, the usual refusals, sums typed,
and form sentinels that a resident's own words never pass for."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Collection, Optional, Tuple

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from engine.sdk import entity_value, offer, resident_id

from ..accounts import AccountChoice, account_for
from ..models import UtilitiesAccount

LINK_INTENT = "utilities_link_account"


def resident_account(
    session: Session, tracker: Tracker, dispatcher: CollectingDispatcher, number: Optional[str] = None
) -> Tuple[int, Optional[UtilitiesAccount]]:
    """(resident, the account meant) — or the account is None and the resident has been told why. The account is
    `number` when given (one an earlier step settled on), else the one the latest message names, else the last
    linked; a number is always checked in the store to be one of the resident's linked accounts."""
    resident = resident_id(session, tracker)
    number = number or entity_value(tracker, "account_number")
    choice, account = account_for(session, resident, str(number) if number else None)
    if choice is AccountChoice.NOT_YOURS:
        dispatcher.utter_message(
            response="utter_utilities_account_not_yours",
            number=str(number),
            **offer(LINK_INTENT, account_number=str(number)),
        )
    elif choice is AccountChoice.NONE_LINKED:
        dispatcher.utter_message(
            response="utter_utilities_no_account", **offer(LINK_INTENT, accepts=["account_number"])
        )
    return resident, account


def parse_amount(value: Any) -> Optional[Decimal]:
    """A sum in rubles from an entity value or text: 2000, "1 500,50 rub", 3500.0."""
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value))
    text = "".join(ch for ch in str(value or "") if ch.isdigit() or ch in ",.").replace(",", ".").strip(".")
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


def is_sentinel(tracker: Tracker, value: Any, sentinels: Collection[str]) -> bool:
    """Whether a form slot holds one of the skill's sentinel values, set by its own validators or extractors (such
    as engine.sdk.STOP): never when the value is what the resident typed, which a from_text mapping copies as is."""
    if value not in sentinels:
        return False
    return str(value).strip() != (tracker.latest_message.get("text") or "").strip()
