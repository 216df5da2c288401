"""Paying a fine: the resolution number (UIN) asked or read from the request, the fine's card with the amount due
today, a confirmation, the payment and its receipt. Money moves only after a «yes», once per confirmation shown
(its key is kept in a slot); a «yes» to an amount no longer due (the discount ended meanwhile) is asked again."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from engine.sdk import (
    STOP,
    PaymentRefused,
    TextAnswers,
    clock,
    corrects_other_slots,
    day_month_year,
    money,
    offer,
    payments_are_test,
    phrase,
    plural,
    receipt,
    resident_id,
    session_scope,
    skill_lexicon,
    value_before,
    yes_no_extraction,
)

from .. import fines
from ..models import Fine

UIN, CONFIRM, QUOTED, KEY = "gov_fine_uin", "gov_fine_confirm", "gov_fine_quoted", "gov_fine_key"
FINE_SLOTS = (UIN, CONFIRM, QUOTED, KEY)
DIGIT_FORMS = skill_lexicon(__file__, "fines.yml")["digit_forms"]
PROBLEMS = {
    fines.EMPTY: "utter_gov_fine_uin_empty",
    fines.NOT_DIGITS: "utter_gov_fine_uin_not_digits",
    fines.LENGTH: "utter_gov_fine_uin_length",
    fines.CHECK_DIGIT: "utter_gov_fine_uin_check_digit",
}


def latest_text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def paid_values(fine: Fine) -> Dict[str, Any]:
    return {
        "uin": fine.uin,
        "offence": fine.offence,
        "paid_on": day_month_year(clock.to_local(fine.paid_at).date()),
        "paid_amount": money(fine.paid_amount or 0),
    }


def card_values(domain: Dict[str, Any], fine: Fine, today: date) -> Dict[str, Any]:
    """The fine's card and its terms today (discount, its end, the deadline) as the resident reads them."""
    due = fines.amount_due(fine, today)
    deadline = fines.pay_until(fine)
    values = {
        "uin": fine.uin,
        "issued": day_month_year(fine.issued_on),
        "offence": fine.offence,
        "issuer": fine.issuer,
        "amount": money(fine.amount),
        "due": money(due),
        "deadline": day_month_year(deadline),
        "discount_until": day_month_year(fine.discount_until) if fine.discount_until else "",
    }
    if fines.discount_applies(fine, today):
        terms = "utter_gov_fine_terms_discount"
    elif today > deadline:
        terms = "utter_gov_fine_terms_overdue"
    elif fine.discount_until is not None:
        terms = "utter_gov_fine_terms_discount_over"
    else:
        terms = "utter_gov_fine_terms_no_discount"
    values["card"] = phrase(domain, "utter_gov_fine_card", **values)
    values["terms"] = phrase(domain, terms, **values)
    return values


def quoted_amount(tracker: Tracker) -> Optional[Decimal]:
    """The amount the confirmation named, None when the slot holds none (or no finite number)."""
    try:
        amount = Decimal(str(tracker.get_slot(QUOTED)))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None


class ValidateGovFineForm(TextAnswers, FormValidationAction):
    def name(self) -> Text:
        return "validate_gov_fine_form"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        """Only the number once the card of a fine paid already was shown: nothing is left to confirm."""
        return [UIN] if tracker.get_slot(QUOTED) == STOP else [UIN, CONFIRM]

    async def extract_gov_fine_uin(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """A number the model did not tag, typed with the request ("pay the fine 1881...") or at the
        confirmation (another fine instead); the answer to the question comes by the slot's mapping."""
        if tracker.get_slot(REQUESTED_SLOT) not in (None, CONFIRM):
            return {}
        if any(e.get("entity") == "fine_id" for e in tracker.latest_message.get("entities") or []):
            return {}
        found = fines.uin_in_text(latest_text(tracker))
        return {UIN: found} if found and found != tracker.get_slot(UIN) else {}

    async def extract_gov_fine_confirm(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return yes_no_extraction(tracker, CONFIRM)

    def validate_gov_fine_uin(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        reading = fines.read_uin(str(slot_value or ""))
        if reading.problem is not None and fines.uin_in_text(latest_text(tracker)):
            reading = fines.read_uin(latest_text(tracker))  # the model tagged a part of the number
        if reading.problem is not None:
            count = plural(reading.digits, DIGIT_FORMS)
            dispatcher.utter_message(response=PROBLEMS[reading.problem], count=count)
            return {UIN: None, CONFIRM: None}
        if reading.uin == value_before(tracker, UIN) and tracker.get_slot(QUOTED) is not None:
            return {UIN: reading.uin}  # the same number again ("yes, 1881..."): the confirmation stands
        with session_scope() as session:
            fine = fines.fine_by_uin(session, reading.uin)
            if fine is None:
                dispatcher.utter_message(response="utter_gov_fine_not_found", uin=reading.uin)
                return {UIN: None, CONFIRM: None}
            if fines.is_paid(fine):
                dispatcher.utter_message(response="utter_gov_fine_already_paid", **paid_values(fine))
                return {UIN: reading.uin, QUOTED: STOP}
        return {UIN: reading.uin, QUOTED: None, CONFIRM: None}

    def validate_gov_fine_confirm(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """A «yes» pays only the amount the confirmation named: if the amount due changed since (the discount
        ended), the new one is said and asked again; a fine paid meanwhile is told and ends the form."""
        if corrects_other_slots(tracker, CONFIRM) or tracker.get_slot(UIN) is None:
            return {CONFIRM: None}
        if not slot_value or tracker.get_slot(QUOTED) == STOP:
            return {CONFIRM: bool(slot_value)}
        with session_scope() as session:
            fine = fines.fine_by_uin(session, str(tracker.get_slot(UIN)))
            if fine is None:
                return {UIN: None, CONFIRM: None}
            if fines.is_paid(fine):
                dispatcher.utter_message(response="utter_gov_fine_already_paid", **paid_values(fine))
                return {CONFIRM: False, QUOTED: STOP}
            due = fines.amount_due(fine, clock.today())
        quoted = quoted_amount(tracker)
        if quoted is not None and due != quoted:
            dispatcher.utter_message(
                response="utter_gov_fine_amount_changed", due=money(due), quoted=money(quoted)
            )
            return {CONFIRM: None}
        return {CONFIRM: True}


class ActionAskGovFineConfirm(Action):
    """The fine's card and the amount due today; keeps that amount and a new payment key for this confirmation."""

    def name(self) -> str:
        return "action_ask_gov_fine_confirm"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        with session_scope() as session:
            fine = fines.fine_by_uin(session, str(tracker.get_slot(UIN) or ""))
            if fine is None or fines.is_paid(fine):  # paid between the check of the number and this question
                if fine is not None:
                    dispatcher.utter_message(response="utter_gov_fine_already_paid", **paid_values(fine))
                return [
                    ActiveLoop(None),
                    SlotSet(REQUESTED_SLOT, None),
                    *[SlotSet(s, None) for s in FINE_SLOTS],
                ]
            today = clock.today()
            due = fines.amount_due(fine, today)
            values = card_values(domain, fine, today)
        response = (
            "utter_ask_gov_fine_confirm_sandbox" if payments_are_test() else "utter_ask_gov_fine_confirm"
        )
        dispatcher.utter_message(
            response=response, card=values["card"], terms=values["terms"], due=values["due"]
        )
        return [SlotSet(QUOTED, str(due)), SlotSet(KEY, uuid.uuid4().hex)]


class ActionGovFineDone(Action):
    def name(self) -> str:
        return "action_gov_fine_done"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        cleared: List[EventType] = [SlotSet(slot, None) for slot in FINE_SLOTS]
        uin, key, quoted = tracker.get_slot(UIN), tracker.get_slot(KEY), quoted_amount(tracker)
        if tracker.get_slot(QUOTED) == STOP:
            return cleared  # the card of a paid fine said all there was
        if not tracker.get_slot(CONFIRM) or not key or not uin or quoted is None:
            dispatcher.utter_message(response="utter_gov_fine_declined")
            return cleared
        if fines.read_uin(str(uin)).uin != uin:  # no number of a fine: nothing to look up
            dispatcher.utter_message(response="utter_gov_fine_not_found", uin=uin)
            return cleared
        with session_scope() as session:
            try:
                outcome = fines.pay_fine(
                    session, resident_id(session, tracker), str(uin), quoted, key, clock.now()
                )
            except PaymentRefused:
                dispatcher.utter_message(response="utter_gov_fine_refused", uin=uin)
                return cleared
            self._tell(dispatcher, domain, outcome, str(uin))
        return cleared

    @staticmethod
    def _tell(
        dispatcher: CollectingDispatcher, domain: Dict[str, Any], outcome: fines.FineOutcome, uin: str
    ) -> None:
        if outcome.code in (fines.PAID, fines.DECLINED):
            name, values = receipt(outcome.payment)
            told = phrase(domain, name, **values)
            response = (
                "utter_gov_fine_paid" if outcome.code == fines.PAID else "utter_gov_fine_payment_declined"
            )
            dispatcher.utter_message(response=response, uin=uin, receipt=told)
        elif outcome.code == fines.ALREADY_PAID:
            dispatcher.utter_message(response="utter_gov_fine_already_paid", **paid_values(outcome.fine))
        elif outcome.code == fines.AMOUNT_CHANGED:
            dispatcher.utter_message(
                response="utter_gov_fine_amount_changed_after",
                due=money(outcome.amount),
                uin=uin,
                **offer("gov_pay_fine", fine_id=uin),
            )
        else:
            dispatcher.utter_message(response="utter_gov_fine_not_found", uin=uin)
