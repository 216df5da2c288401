"""Linking a personal account: the number, then proof of ownership (last 4 digits of the phone on file)."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from engine.sdk import session_scope, utcnow

from .. import clock
from ..accounts import Linkable, Ownership, account_number_in, find_account, linkable, verify_and_link
from .common import resident_id

LINKED, ALREADY, LOCKED = "linked", "already", "locked"


def local_time(moment_utc: datetime) -> str:
    """HH:MM in the assistant's time zone of a naive UTC moment from the store."""
    return moment_utc.replace(tzinfo=timezone.utc).astimezone(clock.now().tzinfo).strftime("%H:%M")


class ValidateUtilitiesLinkAccountForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_utilities_link_account_form"

    def validate_utilities_account_number(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        number = account_number_in(str(slot_value or ""))
        if number is None:
            dispatcher.utter_message(text="Номер лицевого счёта — это 6–12 цифр из квитанции, например 1002003004.")
            return {"utilities_account_number": None}
        with session_scope() as session:
            state, account = linkable(session, number, resident_id(session, tracker), utcnow())
            locked_until = account.locked_until if account is not None else None
        if state is Linkable.READY:
            return {"utilities_account_number": number}
        if state is Linkable.ALREADY_YOURS:
            dispatcher.utter_message(text=f"Лицевой счёт № {number} уже привязан к вашему профилю.")
            return {"utilities_account_number": number, "utilities_ownership_check": ALREADY}
        messages = {
            Linkable.NOT_FOUND: f"Не нашёл лицевой счёт № {number}. Проверьте номер в квитанции и напишите ещё раз.",
            Linkable.TAKEN: f"Лицевой счёт № {number} уже привязан к другому профилю. Если счёт ваш, "
            "обратитесь в управляющую компанию.",
            Linkable.LOCKED: f"Привязка счёта № {number} временно заблокирована после трёх неверных ответов. "
            f"Попробуйте после {local_time(locked_until) if locked_until else 'истечения часа'}.",
        }
        dispatcher.utter_message(text=messages[state] + " Чтобы прервать, напишите «отмена».")
        return {"utilities_account_number": None}

    def validate_utilities_ownership_check(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if slot_value in (ALREADY, LINKED, LOCKED):
            return {"utilities_ownership_check": slot_value}
        if account_number_in(str(slot_value or "")) is not None:
            # A corrected account number, not an answer: validate_utilities_account_number has judged it (and may have
            # found the account already linked); the check is then asked for the new number.
            settled = tracker.get_slot("utilities_ownership_check")
            return {"utilities_ownership_check": settled if settled == ALREADY else None}
        digits = re.sub(r"\D", "", str(slot_value or ""))
        if len(digits) != 4:
            dispatcher.utter_message(text="Нужны ровно 4 цифры — последние цифры телефона, например 4321.")
            return {"utilities_ownership_check": None}
        number = tracker.get_slot("utilities_account_number")
        with session_scope() as session:
            result = verify_and_link(session, number, resident_id(session, tracker), digits, utcnow())
        if result.outcome is Ownership.LINKED:
            return {"utilities_ownership_check": LINKED}
        if result.outcome is Ownership.WRONG:
            dispatcher.utter_message(text=f"Цифры не совпадают. Осталось попыток: {result.attempts_left}.")
            return {"utilities_ownership_check": None}
        if result.outcome is Ownership.LOCKED:
            dispatcher.utter_message(
                text="Три неверных ответа подряд: привязка этого счёта заблокирована на час, до "
                f"{local_time(result.locked_until)}. Если телефон в договоре сменился, обратитесь в управляющую компанию."
            )
            return {"utilities_ownership_check": LOCKED}
        dispatcher.utter_message(text="Этот счёт сейчас нельзя привязать. Напишите «позови оператора», если нужна помощь.")
        return {"utilities_ownership_check": LOCKED}


class ActionUtilitiesLinkAccountDone(Action):
    def name(self) -> str:
        return "action_utilities_link_account_done"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        if tracker.get_slot("utilities_ownership_check") == LINKED:
            with session_scope() as session:
                account = find_account(session, tracker.get_slot("utilities_account_number"))
                address, company = account.address, account.management_company
            dispatcher.utter_message(
                text=f"Готово: лицевой счёт № {account.number} ({address}, {company}) привязан к вашему профилю. "
                "Теперь можно узнать остаток, передать показания и оплатить.",
                buttons=[{"title": "Остаток по счёту", "payload": "/utilities_balance"},
                         {"title": "Передать показания", "payload": "/utilities_submit_reading"}],
            )
        return [SlotSet("utilities_account_number", None), SlotSet("utilities_ownership_check", None)]
