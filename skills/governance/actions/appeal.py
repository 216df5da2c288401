"""Filing an appeal to the city administration: the category (a button, or read from the words of the problem),
the address, the description, an optional photo link, a confirmation, and the appeal's number. The same
confirmation answered twice files one appeal (its key is kept in a slot)."""

from __future__ import annotations

import re
import uuid
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from engine.sdk import (
    HOUSE_NUMBER,
    TextAnswers,
    clock,
    corrects_other_slots,
    phrase,
    picked_position,
    read_address,
    resident_id,
    session_scope,
    urgent_handover,
    yes_no_extraction,
)

from .. import appeals
from ..appeal_texts import category_title

CATEGORY, ADDRESS, DESCRIPTION = "gov_appeal_category", "gov_appeal_address", "gov_appeal_description"
PHOTO, CONFIRM, KEY = "gov_appeal_photo", "gov_appeal_confirm", "gov_appeal_key"
APPEAL_SLOTS = (CATEGORY, ADDRESS, DESCRIPTION, PHOTO, CONFIRM, KEY)
NO_PHOTO = "-"
DESCRIPTION_PROBLEMS = {
    appeals.TOO_SHORT: "utter_gov_appeal_description_short",
    appeals.TOO_LONG: "utter_gov_appeal_description_long",
    appeals.MARKUP: "utter_gov_appeal_description_markup",
}
# What an address may hold: letters, digits and the punctuation of Russian addresses (no markup, no symbols).
ADDRESS_PUNCTUATION = set(" .,-/()\"'\u00ab\u00bb\u2116")
CONFIRMATION_KEY = re.compile(r"[0-9a-f]{32}")  # the key ActionAskGovAppealConfirm keeps (uuid4().hex)


def latest_text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def confirmation_correction(tracker: Tracker) -> Dict[Text, Any]:
    """Clears the confirmation when the value just validated replaced another at the confirmation."""
    return {CONFIRM: None} if tracker.get_slot(REQUESTED_SLOT) == CONFIRM else {}


def read_category(text: str) -> Optional[str]:
    """A category code (a button), the category of the words said, or its place in the list ("the third", "3")."""
    if text in appeals.CATEGORIES:
        return text
    found = appeals.category_of(text)
    if found is not None:
        return found
    position = text.strip() if re.fullmatch(r"[0-9]{1,2}", text.strip()) else picked_position(text)
    if re.fullmatch(r"[0-9]{1,2}", str(position or "")) and 0 < int(position) <= len(appeals.CATEGORIES):
        return appeals.CATEGORIES[int(position) - 1]
    return None


def safe_address(text: str) -> bool:
    return all(ch.isalnum() or ch in ADDRESS_PUNCTUATION for ch in text)


class ValidateGovAppealForm(TextAnswers, FormValidationAction):
    def name(self) -> Text:
        return "validate_gov_appeal_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        """A gas smell or a burst pipe read as an appeal is an emergency of another service: handed over at once."""
        if tracker.get_slot(REQUESTED_SLOT) is None:
            handover = urgent_handover(tracker, *APPEAL_SLOTS)
            if handover is not None:
                return handover
        return await super().run(dispatcher, tracker, domain)

    async def extract_gov_appeal_category(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """The category of the problem told with the request ("a pothole on the road at Lenina 5" is roads)."""
        if tracker.get_slot(REQUESTED_SLOT) is not None or tracker.get_slot(CATEGORY) is not None:
            return {}
        found = appeals.category_of(latest_text(tracker))
        return {CATEGORY: found} if found else {}

    async def extract_gov_appeal_confirm(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return yes_no_extraction(tracker, CONFIRM)

    def validate_gov_appeal_category(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        found = read_category(str(slot_value or "")[: appeals.MAX_DESCRIPTION])
        if found is None:
            dispatcher.utter_message(response="utter_gov_appeal_category_unknown")
            return {CATEGORY: None}
        return {CATEGORY: found}

    def validate_gov_appeal_address(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        text = appeals.plain_text(str(slot_value or "")).replace("\n", " ")
        if not text or len(text) > appeals.MAX_ADDRESS or not safe_address(text):
            dispatcher.utter_message(response="utter_gov_appeal_address_unreadable")
            return {ADDRESS: None}
        reading = read_address(text)
        if reading.address is None:
            missing_house = HOUSE_NUMBER in reading.missing and len(reading.missing) == 1
            response = (
                "utter_gov_appeal_address_no_house" if missing_house else "utter_gov_appeal_address_no_street"
            )
            dispatcher.utter_message(response=response)
            return {ADDRESS: None}
        return {ADDRESS: reading.address, **confirmation_correction(tracker)}

    def validate_gov_appeal_description(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        description, problem = appeals.read_description(str(slot_value or ""))
        if problem is not None:
            dispatcher.utter_message(response=DESCRIPTION_PROBLEMS[problem], limit=appeals.MAX_DESCRIPTION)
            return {DESCRIPTION: None}
        return {DESCRIPTION: description}

    def validate_gov_appeal_photo(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        text = str(slot_value or "")
        if text == NO_PHOTO or (len(text) <= appeals.MAX_URL and appeals.skips_photo(text)):
            return {PHOTO: NO_PHOTO}
        link, _ = appeals.read_photo_url(text)
        if link is None:
            dispatcher.utter_message(response="utter_gov_appeal_photo_bad", limit=appeals.MAX_URL)
            return {PHOTO: None}
        return {PHOTO: link}

    def validate_gov_appeal_confirm(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if corrects_other_slots(tracker, CONFIRM):
            return {CONFIRM: None}
        return {CONFIRM: slot_value}


class ActionAskGovAppealConfirm(Action):
    """The appeal as it will be sent, and a new key for this very confirmation."""

    def name(self) -> str:
        return "action_ask_gov_appeal_confirm"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        photo = tracker.get_slot(PHOTO)
        dispatcher.utter_message(
            response="utter_ask_gov_appeal_confirm",
            category=category_title(domain, str(tracker.get_slot(CATEGORY))),
            address=tracker.get_slot(ADDRESS),
            description=tracker.get_slot(DESCRIPTION),
            photo=phrase(domain, "utter_gov_appeal_no_photo") if photo in (None, NO_PHOTO) else photo,
        )
        return [SlotSet(KEY, uuid.uuid4().hex)]


def confirmed_values(tracker: Tracker) -> Optional[Dict[str, Any]]:
    """The appeal as the form validated it, read again from the slots (a value that would not pass the form, typed
    into a payload, files nothing): category, address, description, photo link (None without one)."""
    category = read_category(str(tracker.get_slot(CATEGORY) or "")[: appeals.MAX_DESCRIPTION])
    address = appeals.plain_text(str(tracker.get_slot(ADDRESS) or "")).replace("\n", " ")
    description, problem = appeals.read_description(str(tracker.get_slot(DESCRIPTION) or ""))
    photo = str(tracker.get_slot(PHOTO) or NO_PHOTO)
    link = None if photo == NO_PHOTO else appeals.read_photo_url(photo)[0]
    if category is None or problem is not None or (photo != NO_PHOTO and link is None):
        return None
    if not address or len(address) > appeals.MAX_ADDRESS or not safe_address(address):
        return None
    return {"category": category, "address": address, "description": description, "photo_url": link}


class ActionGovAppealDone(Action):
    def name(self) -> str:
        return "action_gov_appeal_done"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        cleared: List[EventType] = [SlotSet(slot, None) for slot in APPEAL_SLOTS]
        key = str(tracker.get_slot(KEY) or "")
        values = confirmed_values(tracker)
        if not tracker.get_slot(CONFIRM) or not CONFIRMATION_KEY.fullmatch(key) or values is None:
            dispatcher.utter_message(response="utter_gov_appeal_declined")
            return cleared
        with session_scope() as session:
            appeal = appeals.file_appeal(
                session, resident_id(session, tracker), key=key, now=clock.now(), **values
            )
            number = appeal.id
        dispatcher.utter_message(response="utter_gov_appeal_filed", number=number)
        return cleared
