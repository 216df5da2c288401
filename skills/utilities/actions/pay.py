"""Paying for an account through the engine's payment interface: amount (what is due by default), yes/no, receipt.

The idempotency key is made once per confirmation prompt and kept in a slot, so a retried action or a repeated
"yes" within the same form returns the first payment instead of charging again. The account is settled when the
form starts (the one named, else the last linked) and kept in a slot too: the prompt names it and the payment goes
to exactly that account — never to one looked up again from the "yes" — once the store confirms it is still the
resident's.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy import select

from engine.sdk import (
    STOP,
    SUCCEEDED,
    PaymentRefused,
    TextAnswers,
    corrected_value,
    day_month,
    money,
    month_year,
    pay,
    payments_are_test,
    phrase,
    read_numbers,
    receipt,
    resident_id,
    session_scope,
    yes_no_extraction,
)

from .. import billing
from ..accounts import account_for
from ..models import UtilitiesPayment
from .common import is_sentinel, parse_amount, resident_account

AMOUNT, CONFIRM, KEY = "utilities_pay_amount", "utilities_pay_confirm", "utilities_pay_key"
ACCOUNT = "utilities_pay_account"  # the number of the account being paid: set by this module only
MIN_AMOUNT, MAX_AMOUNT = Decimal("1"), Decimal("500000")


class ValidateUtilitiesPayForm(TextAnswers, FormValidationAction):
    def name(self) -> Text:
        return "validate_utilities_pay_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        """The form's slots, and the account settled when the form starts: `extract_utilities_pay_amount` puts it
        in the tracker, but rasa_sdk returns only the form's own slots, and the form never asks for this one."""
        before = tracker.get_slot(ACCOUNT)
        events = await super().run(dispatcher, tracker, domain)
        settled = tracker.slots.get(ACCOUNT)
        return [*events, SlotSet(ACCOUNT, settled)] if settled != before else events

    async def extract_utilities_pay_confirm(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return yes_no_extraction(tracker, CONFIRM)

    async def extract_utilities_pay_amount(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """When the form starts: the account it pays (no account ends the form) and, without a sum, what is due
        on it, if anything."""
        if tracker.get_slot("requested_slot") is not None:
            return {}
        with session_scope() as session:
            _, account = resident_account(session, tracker, dispatcher)
            if account is None:
                return {AMOUNT: STOP, CONFIRM: False, ACCOUNT: None}
            if tracker.get_slot(AMOUNT) is not None:
                return {ACCOUNT: account.number}
            due = billing.balance_of(session, account).due
        if due > 0:
            return {AMOUNT: float(due), ACCOUNT: account.number}
        dispatcher.utter_message(response="utter_utilities_pay_nothing_due")
        return {ACCOUNT: account.number}

    def validate_utilities_pay_amount(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if is_sentinel(tracker, slot_value, (STOP,)):
            return {AMOUNT: STOP, CONFIRM: False}
        amount = parse_amount(slot_value)
        if amount is None or not MIN_AMOUNT <= amount <= MAX_AMOUNT:
            dispatcher.utter_message(
                response="utter_utilities_pay_amount_invalid",
                min_amount=money(MIN_AMOUNT),
                max_amount=money(MAX_AMOUNT),
            )
            return {AMOUNT: None}
        return {AMOUNT: float(amount.quantize(Decimal("0.01")))}

    def validate_utilities_pay_confirm(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        corrected = corrected_value(tracker, "amount", tracker.get_slot(AMOUNT), typed=read_numbers)
        if corrected is not None:  # another sum: confirm that one instead (or ask for a valid one)
            return {
                **self.validate_utilities_pay_amount(corrected, dispatcher, tracker, domain),
                CONFIRM: None,
            }
        return {CONFIRM: bool(slot_value)}


class ActionAskUtilitiesPayConfirm(Action):
    def name(self) -> str:
        return "action_ask_utilities_pay_confirm"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        amount = Decimal(str(tracker.get_slot(AMOUNT)))
        settled = tracker.get_slot(ACCOUNT)
        with session_scope() as session:
            _, account = resident_account(session, tracker, dispatcher, number=settled)
            if account is None:
                return [SlotSet(ACCOUNT, None)] if settled else []
            balance = billing.balance_of(session, account)
            values = {"amount": money(amount), "number": account.number}
        response = "utter_utilities_pay_confirm"
        if balance.due > 0 and balance.last_period:
            response += "_with_due"
            values.update(
                due=money(balance.due),
                month=month_year(balance.last_period),
                due_date=day_month(balance.due_date),
            )
        if payments_are_test():
            response += "_sandbox"
        dispatcher.utter_message(response=response, **values)
        events: List[EventType] = [] if settled == account.number else [SlotSet(ACCOUNT, account.number)]
        return events + ([] if tracker.get_slot(KEY) else [SlotSet(KEY, uuid.uuid4().hex)])


class ActionUtilitiesPayDone(Action):
    def name(self) -> str:
        return "action_utilities_pay_done"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        cleared = [SlotSet(slot, None) for slot in (AMOUNT, CONFIRM, KEY, ACCOUNT)]
        amount_slot, key, number = tracker.get_slot(AMOUNT), tracker.get_slot(KEY), tracker.get_slot(ACCOUNT)
        if amount_slot == STOP:
            return cleared
        if not tracker.get_slot(CONFIRM) or not key:
            dispatcher.utter_message(response="utter_utilities_pay_declined")
            return cleared
        if not number:  # no prompt named an account: nothing was confirmed
            dispatcher.utter_message(response="utter_utilities_pay_account_unknown")
            return cleared
        amount = Decimal(str(amount_slot)).quantize(Decimal("0.01"))
        with session_scope() as session:
            resident = resident_id(session, tracker)
            _, account = account_for(session, resident, str(number))  # still this resident's linked account?
            if account is None:
                dispatcher.utter_message(response="utter_utilities_pay_account_not_yours", number=str(number))
                return cleared
            try:
                payment = pay(
                    session,
                    resident_id=resident,
                    skill="utilities",
                    purpose=f"account:{account.number}",
                    amount=amount,
                    idempotency_key=f"utilities:{key}:{amount}",
                    description=phrase(domain, "utter_utilities_payment_description", number=account.number),
                )
            except PaymentRefused:
                dispatcher.utter_message(response="utter_utilities_pay_refused")
                return cleared
            credited = session.execute(
                select(UtilitiesPayment.id).where(UtilitiesPayment.payment_id == payment.id)
            ).first()
            if payment.status == SUCCEEDED and credited is None:
                session.add(
                    UtilitiesPayment(
                        account_id=account.id,
                        payment_id=payment.id,
                        amount=payment.amount,
                        channel="assistant",
                        receipt_number=payment.receipt_number,
                    )
                )
                session.flush()
            receipt_response, receipt_values = receipt(payment)
            balance = billing.balance_of(session, account)
        values = {"receipt": phrase(domain, receipt_response, **receipt_values)}
        if balance.due > 0:
            dispatcher.utter_message(response="utter_utilities_paid_due", due=money(balance.due), **values)
        elif balance.prepayment > 0:
            dispatcher.utter_message(
                response="utter_utilities_paid_prepaid", prepayment=money(balance.prepayment), **values
            )
        else:
            dispatcher.utter_message(response="utter_utilities_paid_settled", **values)
        return cleared
