"""Balance, charges of a month, payment history and tariffs: answers that change nothing."""

from __future__ import annotations

from datetime import date
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from engine.sdk import session_scope

from .. import billing, clock
from ..models import UtilitiesPayment
from ..texts import MONTH_BY_CANONICAL, MONTHS_PREPOSITIONAL, day_month, full_date, money, month_name
from .common import entity_value, resident_account

BREAKDOWN_WORDS = ("подробн", "услуг", "разбивк", "детал", "расшифр")
HISTORY_SIZE = 6


def wants_breakdown(text: str) -> bool:
    lowered = (text or "").lower()
    return any(word in lowered for word in BREAKDOWN_WORDS)


def period_asked(month: Optional[str], latest: date) -> date:
    """The billed month the resident means: the named month's latest occurrence up to the last bill."""
    number = MONTH_BY_CANONICAL.get(str(month or ""))
    if number is None:
        return latest
    year = latest.year if number <= latest.month else latest.year - 1
    return date(year, number, 1)


class ActionUtilitiesBalance(Action):
    def name(self) -> str:
        return "action_utilities_balance"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        with session_scope() as session:
            _, account = resident_account(session, tracker, dispatcher)
            if account is None:
                return []
            balance = billing.balance_of(session, account)
            lines = [f"Лицевой счёт № {account.number}, {account.address}."]
            if balance.due > 0:
                lines.append(f"К оплате: {money(balance.due)}"
                             + (f" до {day_month(balance.due_date)}." if balance.due_date else "."))
                if balance.debt > 0:
                    lines.append(f"Из них долг за прошлые месяцы: {money(balance.debt)}.")
            elif balance.prepayment > 0:
                lines.append(f"Долга нет, переплата (аванс): {money(balance.prepayment)}.")
            else:
                lines.append("Долга нет, всё оплачено.")
            if wants_breakdown(tracker.latest_message.get("text") or "") and balance.last_period:
                lines.append(f"Начислено за {month_name(balance.last_period)}:")
                lines += [billing.charge_line(c) for c in billing.charges_for(session, account, balance.last_period)]
        buttons = [{"title": "Подробно по услугам", "payload": "/utilities_charges"}]
        if balance.due > 0:
            buttons.insert(0, {"title": "Оплатить", "payload": "/utilities_pay"})
        dispatcher.utter_message(text="\n".join(lines), buttons=buttons)
        return []


class ActionUtilitiesCharges(Action):
    def name(self) -> str:
        return "action_utilities_charges"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        with session_scope() as session:
            _, account = resident_account(session, tracker, dispatcher)
            if account is None:
                return []
            latest = billing.latest_period(session, account)
            if latest is None:
                dispatcher.utter_message(text="По этому счёту ещё нет начислений.")
                return []
            period = period_asked(entity_value(tracker, "month"), latest)
            charges = billing.charges_for(session, account, period)
            if not charges:
                dispatcher.utter_message(text=f"За {month_name(period)} начислений по счёту № {account.number} нет.")
                return []
            previous = billing.charges_for(session, account, clock.add_months(period, -1))
            total = sum(c.amount for c in charges)
            lines = [f"Начисления за {month_name(period)} по счёту № {account.number}:"]
            lines += [billing.charge_line(c) for c in charges]
            lines.append(f"Итого: {money(total)}.")
            changes = billing.explain_changes(charges, previous)
            if previous:
                before = sum(c.amount for c in previous)
                trend = "больше" if total > before else "меньше"
                lines.append(f"Это на {money(abs(total - before))} {trend}, чем в "
                             f"{MONTHS_PREPOSITIONAL[previous[0].period.month - 1]}."
                             + (" Что изменилось:" if changes else ""))
                lines += [f"• {change}" for change in changes]
        dispatcher.utter_message(text="\n".join(lines))
        return []


class ActionUtilitiesPaymentHistory(Action):
    def name(self) -> str:
        return "action_utilities_payment_history"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        with session_scope() as session:
            _, account = resident_account(session, tracker, dispatcher)
            if account is None:
                return []
            payments = list(session.execute(
                select(UtilitiesPayment).where(UtilitiesPayment.account_id == account.id)
                .order_by(UtilitiesPayment.paid_at.desc(), UtilitiesPayment.id.desc()).limit(HISTORY_SIZE)
            ).scalars())
            if not payments:
                dispatcher.utter_message(text=f"По счёту № {account.number} платежей пока нет.")
                return []
            channels = {"assistant": "через помощника", "bank": "через банк", "cash": "в кассе"}
            lines = [f"Последние платежи по счёту № {account.number}:"]
            for payment in payments:
                receipt = f", квитанция № {payment.receipt_number}" if payment.receipt_number else ""
                lines.append(f"• {full_date(payment.paid_at.date())} — {money(payment.amount)}, "
                             f"{channels.get(payment.channel, payment.channel)}{receipt}")
        dispatcher.utter_message(text="\n".join(lines))
        return []


class ActionUtilitiesTariffs(Action):
    def name(self) -> str:
        return "action_utilities_tariffs"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        asked = set(tracker.get_latest_entity_values("meter_type"))
        with session_scope() as session:
            histories = billing.tariff_histories(session, clock.today())
            lines = [billing.tariff_line(history) for (service, _), history in histories.items()
                     if not asked or service in asked]
        if not lines:
            dispatcher.utter_message(text="Тарифов по этой услуге у меня нет.")
            return []
        dispatcher.utter_message(text="\n".join(["Действующие тарифы:"] + lines))
        return []
