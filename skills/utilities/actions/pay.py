"""Paying for an account through the engine's payment interface: amount (what is due by default), Да/Нет, receipt.

The idempotency key is made once per confirmation prompt and kept in a slot, so a retried action or a repeated
"Да" within the same form returns the first payment instead of charging again.
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

from engine.payments import payment_provider
from engine.sdk import PaymentRefused, pay, receipt_line, session_scope

from .. import billing
from ..models import UtilitiesPayment
from ..texts import day_month, money, month_name
from .common import STOP, parse_amount, resident_account

AMOUNT, CONFIRM, KEY = "utilities_pay_amount", "utilities_pay_confirm", "utilities_pay_key"
MIN_AMOUNT, MAX_AMOUNT = Decimal("1"), Decimal("500000")
YES_NO = [{"title": "Да", "payload": "/affirm"}, {"title": "Нет", "payload": "/deny"}]


class ValidateUtilitiesPayForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_utilities_pay_form"

    async def extract_utilities_pay_amount(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """When the form starts without a sum: what is due, if anything; no account ends the form."""
        if tracker.get_slot(AMOUNT) is not None or tracker.get_slot("requested_slot") is not None:
            return {}
        with session_scope() as session:
            _, account = resident_account(session, tracker, dispatcher)
            if account is None:
                return {AMOUNT: STOP, CONFIRM: False}
            due = billing.balance_of(session, account).due
        if due > 0:
            return {AMOUNT: float(due)}
        dispatcher.utter_message(text="Долга по счёту нет. Можно внести аванс.")
        return {}

    def validate_utilities_pay_amount(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if slot_value == STOP:
            return {AMOUNT: STOP, CONFIRM: False}
        amount = parse_amount(slot_value)
        if amount is None or not MIN_AMOUNT <= amount <= MAX_AMOUNT:
            dispatcher.utter_message(
                text=f"Сумма должна быть числом от {money(MIN_AMOUNT)} до {money(MAX_AMOUNT)}, например «2000»."
            )
            return {AMOUNT: None}
        return {AMOUNT: float(amount.quantize(Decimal("0.01")))}

    def validate_utilities_pay_confirm(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return {CONFIRM: bool(slot_value)}


class ActionAskUtilitiesPayConfirm(Action):
    def name(self) -> str:
        return "action_ask_utilities_pay_confirm"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        amount = Decimal(str(tracker.get_slot(AMOUNT)))
        with session_scope() as session:
            _, account = resident_account(session, tracker, dispatcher)
            if account is None:
                return []
            balance = billing.balance_of(session, account)
            number = account.number
        lines = [f"Оплатить {money(amount)} по лицевому счёту № {number}?"]
        if balance.due > 0 and balance.last_period:
            lines.append(f"К оплате сейчас {money(balance.due)} (по {month_name(balance.last_period)}, "
                         f"срок — {day_month(balance.due_date)}).")
        if payment_provider().name == "sandbox":
            lines.append("Это ТЕСТОВЫЙ ПЛАТЁЖ (песочница): деньги не спишутся.")
        dispatcher.utter_message(text="\n".join(lines), buttons=YES_NO)
        return [] if tracker.get_slot(KEY) else [SlotSet(KEY, uuid.uuid4().hex)]


class ActionUtilitiesPayDone(Action):
    def name(self) -> str:
        return "action_utilities_pay_done"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        cleared = [SlotSet(AMOUNT, None), SlotSet(CONFIRM, None), SlotSet(KEY, None)]
        amount_slot, key = tracker.get_slot(AMOUNT), tracker.get_slot(KEY)
        if amount_slot == STOP:
            return cleared
        if not tracker.get_slot(CONFIRM) or not key:
            dispatcher.utter_message(text="Хорошо, оплату не провожу. Деньги не списаны.")
            return cleared
        amount = Decimal(str(amount_slot)).quantize(Decimal("0.01"))
        with session_scope() as session:
            resident, account = resident_account(session, tracker, dispatcher)
            if account is None:
                return cleared
            try:
                payment = pay(
                    session, resident_id=resident, skill="utilities", purpose=f"account:{account.number}",
                    amount=amount, idempotency_key=f"utilities:{key}:{amount}",
                    description=f"ЖКУ, лицевой счёт {account.number}",
                )
            except PaymentRefused:
                dispatcher.utter_message(text="Платёж не принят: проверьте сумму и попробуйте ещё раз.")
                return cleared
            credited = session.execute(
                select(UtilitiesPayment.id).where(UtilitiesPayment.payment_id == payment.id)
            ).first()
            if payment.status == "succeeded" and credited is None:
                session.add(UtilitiesPayment(account_id=account.id, payment_id=payment.id, amount=payment.amount,
                                             channel="assistant", receipt_number=payment.receipt_number))
                session.flush()
            receipt = receipt_line(payment)
            balance = billing.balance_of(session, account)
        after = (f"Осталось к оплате: {money(balance.due)}." if balance.due > 0
                 else f"Долга нет{', аванс ' + money(balance.prepayment) if balance.prepayment > 0 else ''}.")
        dispatcher.utter_message(text=f"{receipt}\n{after} Платёж виден в истории платежей.")
        return cleared
