"""Linking a personal account: the number, then proof of ownership (last 4 digits of the phone on file)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from engine.sdk import read_account_number, remember_address, resident_id, session_scope, utcnow

from .. import clock
from ..accounts import Linkable, Ownership, find_account, linkable, verify_and_link
from .common import is_sentinel

NUMBER, CHECK = "utilities_account_number", "utilities_ownership_check"
# Values of the ownership slot that end the form, set only by the validators below (test stories name them too).
LINKED, ALREADY, LOCKED = "linked", "already", "locked"
SENTINELS = (LINKED, ALREADY, LOCKED)
REFUSALS = {
    Linkable.NOT_FOUND: "utter_utilities_link_not_found",
    Linkable.TAKEN: "utter_utilities_link_taken",
    Linkable.LOCKED: "utter_utilities_link_locked",
}


def local_time(moment_utc: datetime) -> str:
    """HH:MM in the assistant's time zone of a naive UTC moment from the store."""
    return clock.to_local(moment_utc).strftime("%H:%M")


class ValidateUtilitiesLinkAccountForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_utilities_link_account_form"

    async def extract_utilities_account_number(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """The number said with the request itself when the model did not tag it: an answer to a later question
        (the phone digits) is never taken for it."""
        if tracker.get_slot(NUMBER) is not None or tracker.get_slot(REQUESTED_SLOT) is not None:
            return {}
        number = read_account_number(tracker.latest_message.get("text") or "")
        return {NUMBER: number} if number else {}

    def validate_utilities_account_number(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        number = read_account_number(str(slot_value or ""))
        if number is None:
            dispatcher.utter_message(response="utter_utilities_link_number_invalid")
            return {NUMBER: None}
        with session_scope() as session:
            state, account = linkable(session, number, resident_id(session, tracker), utcnow())
            locked_until = account.locked_until if state is Linkable.LOCKED else None
        if state is Linkable.READY:
            return {NUMBER: number}
        if state is Linkable.ALREADY_YOURS:
            dispatcher.utter_message(response="utter_utilities_link_already_yours", number=number)
            return {NUMBER: number, CHECK: ALREADY}
        values = {"until": local_time(locked_until)} if locked_until else {}
        dispatcher.utter_message(response=REFUSALS[state], number=number, **values)
        return {NUMBER: None}

    def validate_utilities_ownership_check(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if is_sentinel(tracker, slot_value, SENTINELS):
            return {CHECK: slot_value}
        if read_account_number(str(slot_value or "")) is not None:
            # A corrected account number, not an answer: validate_utilities_account_number has judged it (and may have
            # found the account already linked); the check is then asked for the new number.
            settled = tracker.get_slot(CHECK)
            return {CHECK: settled if settled == ALREADY else None}
        digits = re.sub(r"\D", "", str(slot_value or ""))
        if len(digits) != 4:
            dispatcher.utter_message(response="utter_utilities_link_check_invalid")
            return {CHECK: None}
        with session_scope() as session:
            result = verify_and_link(
                session, tracker.get_slot(NUMBER), resident_id(session, tracker), digits, utcnow()
            )
        if result.outcome is Ownership.LINKED:
            return {CHECK: LINKED}
        if result.outcome is Ownership.WRONG:
            dispatcher.utter_message(
                response="utter_utilities_link_check_wrong", attempts_left=str(result.attempts_left)
            )
            return {CHECK: None}
        if result.outcome is Ownership.LOCKED:
            dispatcher.utter_message(
                response="utter_utilities_link_check_locked", until=local_time(result.locked_until)
            )
            return {CHECK: LOCKED}
        dispatcher.utter_message(response="utter_utilities_link_unavailable")
        return {CHECK: LOCKED}


class ActionUtilitiesLinkAccountDone(Action):
    def name(self) -> str:
        return "action_utilities_link_account_done"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        if tracker.get_slot(CHECK) == LINKED:
            with session_scope() as session:
                account = find_account(session, tracker.get_slot(NUMBER))
                remember_address(session, resident_id(session, tracker), account.address, skill="utilities")
                dispatcher.utter_message(
                    response="utter_utilities_link_done",
                    number=account.number,
                    address=account.address,
                    company=account.management_company,
                )
        return [SlotSet(NUMBER, None), SlotSet(CHECK, None)]
