"""The resident's profile, and linking a phone number with a one-time code (one account for all channels)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List, Text, Tuple

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from engine import residents
from engine.otp import code_sender
from engine.residents import CodeCheck, CodeRequest
from engine.sdk import channel_identity, full_date, load_lexicon, parse_phone, session_scope
from engine.skills.discovery import core_package

LINKED_SLOT_VALUE = "linked"
REQUEST_REFUSALS = {
    CodeRequest.TOO_MANY: "utter_profile_code_limit",
    CodeRequest.BUSY: "utter_profile_code_busy",
    CodeRequest.LOCKED: "utter_profile_phone_locked",
}


@lru_cache(maxsize=1)
def channel_names() -> Dict[str, str]:
    """{channel: its name as a resident reads it}, from the core's lexicon (domain/lexicon.yml)."""
    return dict(load_lexicon(core_package().root / "lexicon.yml").get("channel_names") or {})


def profile_answer(profile: residents.Profile) -> Tuple[str, Dict[str, str]]:
    """(response, its values) showing the profile: the phone (masked), the channels, the first day."""
    names = channel_names()
    values = {
        "channels": ", ".join(sorted({names.get(channel, channel) for channel, _ in profile.channels})),
        "member_since": full_date(profile.member_since),
    }
    if not profile.phone:
        return "utter_profile_without_phone", values
    return "utter_profile", {"masked_phone": residents.mask_phone(profile.phone), **values}


class ActionProfileShow(Action):
    def name(self) -> str:
        return "action_profile_show"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        channel, external_id = channel_identity(tracker)
        with session_scope() as session:
            identity = residents.identity_for(session, channel, external_id)
            response, values = profile_answer(residents.profile_of(session, identity))
        dispatcher.utter_message(response=response, **values)
        return []


class ValidateProfileLinkPhoneForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_profile_link_phone_form"

    def validate_phone(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        phone = parse_phone(str(slot_value or ""))
        if phone is None:
            dispatcher.utter_message(response="utter_profile_phone_invalid")
            return {"phone": None}
        channel, external_id = channel_identity(tracker)
        with session_scope() as session:
            identity = residents.identity_for(session, channel, external_id)
            outcome = residents.request_code(session, identity, phone, code_sender())
        if outcome is not CodeRequest.SENT:
            dispatcher.utter_message(response=REQUEST_REFUSALS[outcome])
            return {"phone": None}
        dispatcher.utter_message(response="utter_profile_code_sent", masked_phone=residents.mask_phone(phone))
        return {"phone": phone}

    def validate_otp_code(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        code = "".join(str(slot_value or "").split())
        if not code.isdigit():
            dispatcher.utter_message(response="utter_profile_code_not_digits")
            return {"otp_code": None}
        channel, external_id = channel_identity(tracker)
        with session_scope() as session:
            identity = residents.identity_for(session, channel, external_id)
            result = residents.confirm_code(session, identity, code)
        if result.outcome is CodeCheck.LINKED:
            return {"otp_code": LINKED_SLOT_VALUE}
        if result.outcome is CodeCheck.WRONG:
            dispatcher.utter_message(
                response="utter_profile_code_wrong", attempts_left=str(result.attempts_left)
            )
            return {"otp_code": None}
        if result.outcome is CodeCheck.CONFLICT:
            dispatcher.utter_message(
                response="utter_profile_phone_merge_conflict", masked_phone=residents.mask_phone(result.phone)
            )
            return {"otp_code": None, "phone": None}
        refusal = (
            "utter_profile_phone_locked"
            if result.outcome is CodeCheck.LOCKED
            else "utter_profile_code_expired"
        )
        dispatcher.utter_message(response=refusal)
        return {"otp_code": None, "phone": None}


class ActionProfileLinkPhoneDone(Action):
    def name(self) -> str:
        return "action_profile_link_phone_done"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        phone = tracker.get_slot("phone")
        if tracker.get_slot("otp_code") == LINKED_SLOT_VALUE and phone and self.linked(tracker, phone):
            dispatcher.utter_message(
                response="utter_profile_phone_linked", masked_phone=residents.mask_phone(phone)
            )
        return [SlotSet("phone", None), SlotSet("otp_code", None)]

    @staticmethod
    def linked(tracker: Tracker, phone: str) -> bool:
        """Whether the store says this conversation's identity is linked to `phone`: the slot alone is not proof."""
        channel, external_id = channel_identity(tracker)
        with session_scope() as session:
            identity = residents.identity_for(session, channel, external_id)
            return identity.linked_at is not None and identity.resident.phone == phone
