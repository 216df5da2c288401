"""Balance, charges of a month, payment history and tariffs: answers that change nothing."""

from __future__ import annotations

from datetime import date
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from engine.sdk import (
    day_month,
    day_month_year,
    entity_value,
    full_date,
    money,
    month_prepositional,
    month_year,
    number,
    phrase,
    session_scope,
    skill_lexicon,
)

from .. import billing, clock
from ..billing import ChargeChange
from ..models import UtilitiesCharge, UtilitiesPayment, UtilitiesTariff
from ..names import area_unit, payment_channel_name, service_name
from .common import resident_account

BREAKDOWN_STEMS = tuple(skill_lexicon(__file__)["breakdown_stems"])
MONTH_BY_CANONICAL = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
}
HISTORY_SIZE = 6


def wants_breakdown(text: str) -> bool:
    lowered = (text or "").lower()
    return any(stem in lowered for stem in BREAKDOWN_STEMS)


def period_asked(month: Optional[str], latest: date) -> date:
    """The billed month the resident means: the named month's latest occurrence up to the last bill."""
    asked = MONTH_BY_CANONICAL.get(str(month or ""))
    if asked is None:
        return latest
    year = latest.year if asked <= latest.month else latest.year - 1
    return date(year, asked, 1)


def charge_line(charge: UtilitiesCharge) -> str:
    """One line of a bill: service, quantity × tariff = sum."""
    unit = area_unit() if charge.service in billing.PER_AREA_SERVICES else charge.unit
    return (
        f"• {service_name(charge.service, charge.zone)}: {number(charge.quantity)} {unit} × {money(charge.tariff)}"
        f" = {money(charge.amount)}"
    )


def payment_line(domain: Dict[str, Any], payment: UtilitiesPayment) -> str:
    """One payment: when, how much, how it came, and its receipt if it has one."""
    line = f"• {full_date(payment.paid_at.date())} — {money(payment.amount)}, {payment_channel_name(payment.channel)}"
    if payment.receipt_number:
        line += ", " + phrase(
            domain, "utter_utilities_payment_receipt", receipt_number=payment.receipt_number
        )
    return line


def change_line(domain: Dict[str, Any], change: ChargeChange) -> str:
    """What moved a service's sum since last month, in plain words."""
    charge = change.charge
    name = service_name(charge.service, charge.zone).capitalize()
    if change.is_new:
        return phrase(domain, "utter_utilities_change_new", service=name, amount=money(charge.amount))
    reasons = []
    if change.tariff_before is not None:
        rose = charge.tariff > change.tariff_before
        reasons.append(
            phrase(
                domain,
                "utter_utilities_change_reason_tariff_up"
                if rose
                else "utter_utilities_change_reason_tariff_down",
                before=money(change.tariff_before),
                now=money(charge.tariff),
            )
        )
    if change.quantity_before is not None:
        more = charge.quantity > change.quantity_before
        reasons.append(
            phrase(
                domain,
                "utter_utilities_change_reason_more" if more else "utter_utilities_change_reason_less",
                quantity=number(charge.quantity),
                unit=charge.unit,
                before=number(change.quantity_before),
            )
        )
    direction = "up" if change.difference > 0 else "down"
    response = f"utter_utilities_change_{direction}" + ("_because" if reasons else "")
    return phrase(
        domain, response, service=name, difference=money(abs(change.difference)), reasons=", ".join(reasons)
    )


def tariff_line(domain: Dict[str, Any], history: List[UtilitiesTariff]) -> str:
    """A tariff in force, with the change from the one before it if there was one."""
    latest = history[0]
    values = {
        "service": service_name(latest.service, latest.zone),
        "price": money(latest.price),
        "unit": latest.unit,
    }
    if len(history) == 1:
        return phrase(domain, "utter_utilities_tariff_line", **values)
    before = history[1]
    percent = billing.percent_change(before.price, latest.price)
    change = f"{'+' if percent >= 0 else ''}{percent:.1f}".replace(".", ",")
    return phrase(
        domain,
        "utter_utilities_tariff_line_changed",
        **values,
        since=day_month_year(latest.effective_from),
        before=money(before.price),
        change=change,
    )


class ActionUtilitiesBalance(Action):
    def name(self) -> str:
        return "action_utilities_balance"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        with session_scope() as session:
            _, account = resident_account(session, tracker, dispatcher)
            if account is None:
                return []
            balance = billing.balance_of(session, account)
            lines = []
            if balance.due > 0:
                lines.append(
                    phrase(
                        domain,
                        "utter_utilities_balance_due",
                        due=money(balance.due),
                        due_date=day_month(balance.due_date),
                    )
                    if balance.due_date
                    else phrase(domain, "utter_utilities_balance_due_undated", due=money(balance.due))
                )
                if balance.debt > 0:
                    lines.append(phrase(domain, "utter_utilities_balance_debt", debt=money(balance.debt)))
            elif balance.prepayment > 0:
                lines.append(
                    phrase(domain, "utter_utilities_balance_prepaid", prepayment=money(balance.prepayment))
                )
            else:
                lines.append(phrase(domain, "utter_utilities_balance_settled"))
            if wants_breakdown(tracker.latest_message.get("text") or "") and balance.last_period:
                lines.append(
                    phrase(domain, "utter_utilities_balance_breakdown", month=month_year(balance.last_period))
                )
                lines += [charge_line(c) for c in billing.charges_for(session, account, balance.last_period)]
            response = "utter_utilities_balance_to_pay" if balance.due > 0 else "utter_utilities_balance"
            dispatcher.utter_message(
                response=response, number=account.number, address=account.address, lines="\n".join(lines)
            )
        return []


class ActionUtilitiesCharges(Action):
    def name(self) -> str:
        return "action_utilities_charges"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        with session_scope() as session:
            _, account = resident_account(session, tracker, dispatcher)
            if account is None:
                return []
            latest = billing.latest_period(session, account)
            if latest is None:
                dispatcher.utter_message(response="utter_utilities_charges_none")
                return []
            period = period_asked(entity_value(tracker, "month"), latest)
            charges = billing.charges_for(session, account, period)
            if not charges:
                dispatcher.utter_message(
                    response="utter_utilities_charges_none_for_month",
                    month=month_year(period),
                    number=account.number,
                )
                return []
            previous = billing.charges_for(session, account, clock.add_months(period, -1))
            total = sum(c.amount for c in charges)
            lines = [charge_line(c) for c in charges]
            lines.append(phrase(domain, "utter_utilities_charges_total", total=money(total)))
            if previous:
                changes = billing.explain_changes(charges, previous)
                before = sum(c.amount for c in previous)
                trend = "more" if total > before else "less"
                lines.append(
                    phrase(
                        domain,
                        f"utter_utilities_charges_{trend}" + ("_changed" if changes else ""),
                        difference=money(abs(total - before)),
                        previous_month=month_prepositional(previous[0].period.month),
                    )
                )
                lines += [change_line(domain, change) for change in changes]
            dispatcher.utter_message(
                response="utter_utilities_charges",
                month=month_year(period),
                number=account.number,
                lines="\n".join(lines),
            )
        return []


class ActionUtilitiesPaymentHistory(Action):
    def name(self) -> str:
        return "action_utilities_payment_history"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        with session_scope() as session:
            _, account = resident_account(session, tracker, dispatcher)
            if account is None:
                return []
            payments = list(
                session.execute(
                    select(UtilitiesPayment)
                    .where(UtilitiesPayment.account_id == account.id)
                    .order_by(UtilitiesPayment.paid_at.desc(), UtilitiesPayment.id.desc())
                    .limit(HISTORY_SIZE)
                ).scalars()
            )
            if not payments:
                dispatcher.utter_message(response="utter_utilities_payments_none", number=account.number)
                return []
            lines = [payment_line(domain, p) for p in payments]
            dispatcher.utter_message(
                response="utter_utilities_payments", number=account.number, lines="\n".join(lines)
            )
        return []


class ActionUtilitiesTariffs(Action):
    def name(self) -> str:
        return "action_utilities_tariffs"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        asked = set(tracker.get_latest_entity_values("meter_type"))
        with session_scope() as session:
            histories = billing.tariff_histories(session, clock.today())
            lines = [
                tariff_line(domain, history)
                for (service, _), history in histories.items()
                if not asked or service in asked
            ]
        if not lines:
            dispatcher.utter_message(response="utter_utilities_tariffs_none")
            return []
        dispatcher.utter_message(response="utter_utilities_tariffs", lines="\n".join(lines))
        return []
