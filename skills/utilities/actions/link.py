"""Linking a personal account: the resident names it, and it links if their confirmed phone is its holder's
(accounts.py: link_account). Nothing the resident types at this form proves ownership or ends it as linked."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from engine.sdk import offer, read_account_number, remember_address, resident_id, session_scope, utcnow

from .. import clock
from ..accounts import Ownership, find_account, link_account

NUMBER, CHECK = "utilities_account_number", "utilities_ownership_check"
# Values of the ownership slot: how the form ended. Only the number's validator below sets them — the slot has no
# mapping from what the resident types (domain.yml) — and the done action believes the store, not the slot.
LINKED, ALREADY, NO_PHONE = "linked", "already", "no_phone"
ENDINGS = {Ownership.LINKED: LINKED, Ownership.ALREADY_YOURS: ALREADY, Ownership.NO_PHONE: NO_PHONE}
REFUSALS = {
    Ownership.NOT_FOUND: "utter_utilities_link_not_found",
    Ownership.TAKEN: "utter_utilities_link_taken",
    Ownership.NOT_HOLDER: "utter_utilities_link_not_holder",
    Ownership.LOCKED: "utter_utilities_link_locked",
}
PHONE_INTENT = "profile_link_phone"  # the core's: confirming a phone with a one-time code


def local_time(moment_utc: datetime) -> str:
    """HH:MM in the assistant's time zone of a naive UTC moment from the store."""
    return clock.to_local(moment_utc).strftime("%H:%M")


class ValidateUtilitiesLinkAccountForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_utilities_link_account_form"

    async def extract_utilities_account_number(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """The number said with the request itself when the model did not tag it."""
        if tracker.get_slot(NUMBER) is not None or tracker.get_slot(REQUESTED_SLOT) is not None:
            return {}
        number = read_account_number(tracker.latest_message.get("text") or "")
        return {NUMBER: number} if number else {}

    def validate_utilities_account_number(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Links the account named, or says why not: a refusal asks for the number again, and the form ends when
        the account is linked, already the resident's, or waits for the resident to confirm a phone."""
        number = read_account_number(str(slot_value or ""))
        if number is None:
            dispatcher.utter_message(response="utter_utilities_link_number_invalid")
            return {NUMBER: None, CHECK: None}
        with session_scope() as session:
            result = link_account(session, number, resident_id(session, tracker), utcnow())
        if result.outcome is Ownership.ALREADY_YOURS:
            dispatcher.utter_message(response="utter_utilities_link_already_yours", number=number)
        elif result.outcome is Ownership.NO_PHONE:
            dispatcher.utter_message(response="utter_utilities_link_verify_phone", **offer(PHONE_INTENT))
        if result.outcome in ENDINGS:
            return {NUMBER: number, CHECK: ENDINGS[result.outcome]}
        values = {"until": local_time(result.locked_until)} if result.locked_until else {}
        dispatcher.utter_message(response=REFUSALS[result.outcome], number=number, **values)
        return {NUMBER: None, CHECK: None}


class ActionUtilitiesLinkAccountDone(Action):
    def name(self) -> str:
        return "action_utilities_link_account_done"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        cleared: List[EventType] = [SlotSet(NUMBER, None), SlotSet(CHECK, None)]
        number = tracker.get_slot(NUMBER)
        if tracker.get_slot(CHECK) != LINKED or not number:
            return cleared
        with session_scope() as session:
            resident = resident_id(session, tracker)
            account = find_account(session, str(number))
            if account is None or account.resident_id != resident:  # the store says whose it is, not the slot
                return cleared
            remember_address(session, resident, account.address, skill="utilities")
            dispatcher.utter_message(
                response="utter_utilities_link_done",
                number=account.number,
                address=account.address,
                company=account.management_company,
            )
        return cleared
