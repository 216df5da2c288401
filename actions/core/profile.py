"""The resident's profile, and linking a phone number with a one-time code (one account for all channels)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from engine import residents
from engine.otp import code_sender
from engine.residents import CodeCheck, CodeRequest
from engine.sdk import channel_identity, session_scope
from nlu.rule_patterns import extract_rule_entities

CHANNEL_NAMES = {
    "telegram": "Telegram",
    "socketio": "веб-чат",
    "rest": "веб-чат",
    "voice": "голосовой помощник",
    "cmdline": "терминал",
}
LINKED_SLOT_VALUE = "linked"


def parse_phone(text: str) -> Optional[str]:
    """+7XXXXXXXXXX if the text holds exactly one Russian phone number."""
    phones = [e.value for e in extract_rule_entities(text, datetime.now()) if e.entity == "phone"]
    return phones[0] if len(phones) == 1 else None


def profile_text(profile: residents.Profile) -> str:
    phone = residents.mask_phone(profile.phone) if profile.phone else "не привязан (напишите «привяжи телефон»)"
    channels = sorted({CHANNEL_NAMES.get(channel, channel) for channel, _ in profile.channels})
    return "\n".join(
        [
            "Ваш профиль:",
            f"• телефон: {phone}",
            f"• каналы связи: {', '.join(channels)}",
            f"• с нами с {profile.member_since:%d.%m.%Y}",
        ]
    )


class ActionProfileShow(Action):
    def name(self) -> str:
        return "action_profile_show"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        channel, external_id = channel_identity(tracker)
        with session_scope() as session:
            identity = residents.identity_for(session, channel, external_id)
            text = profile_text(residents.profile_of(session, identity))
        dispatcher.utter_message(text=text)
        return []


class ValidateProfileLinkPhoneForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_profile_link_phone_form"

    def validate_phone(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        phone = parse_phone(str(slot_value or ""))
        if phone is None:
            dispatcher.utter_message(
                text="Не похоже на российский номер телефона. Напишите его так: +7 912 345-67-89."
            )
            return {"phone": None}
        channel, external_id = channel_identity(tracker)
        with session_scope() as session:
            identity = residents.identity_for(session, channel, external_id)
            outcome = residents.request_code(session, identity, phone, code_sender())
        if outcome is CodeRequest.TOO_MANY:
            dispatcher.utter_message(
                text="Слишком много кодов за последний час. Попробуйте позже или напишите «отмена»."
            )
            return {"phone": None}
        dispatcher.utter_message(text=f"Отправил код на номер {residents.mask_phone(phone)}.")
        return {"phone": phone}

    def validate_otp_code(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        code = "".join(str(slot_value or "").split())
        if not code.isdigit():
            dispatcher.utter_message(text="В коде только цифры. Напишите 6 цифр из сообщения.")
            return {"otp_code": None}
        channel, external_id = channel_identity(tracker)
        with session_scope() as session:
            identity = residents.identity_for(session, channel, external_id)
            result = residents.confirm_code(session, identity, code)
        if result.outcome is CodeCheck.LINKED:
            return {"otp_code": LINKED_SLOT_VALUE}
        if result.outcome is CodeCheck.WRONG:
            dispatcher.utter_message(text=f"Код не подошёл. Осталось попыток: {result.attempts_left}.")
            return {"otp_code": None}
        dispatcher.utter_message(
            text="Этот код больше не действует. Давайте отправлю новый: напишите номер телефона ещё раз."
        )
        return {"otp_code": None, "phone": None}


class ActionProfileLinkPhoneDone(Action):
    def name(self) -> str:
        return "action_profile_link_phone_done"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        phone = tracker.get_slot("phone")
        if tracker.get_slot("otp_code") == LINKED_SLOT_VALUE and phone:
            dispatcher.utter_message(
                text=(
                    f"Готово: телефон {residents.mask_phone(phone)} привязан. "
                    "Теперь в любом канале, где вы привяжете этот же номер, будет один и тот же профиль."
                )
            )
        return [SlotSet("phone", None), SlotSet("otp_code", None)]
