"""Submitting meter readings: one or several values in a message, which meter if unclear, confirm outliers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.sdk import (
    STOP,
    TextAnswers,
    audit_record,
    button,
    channel_identity,
    day_month,
    money,
    number,
    offer,
    phrase,
    resident_id,
    session_scope,
)

from .. import billing, clock
from ..meter_readings import ValueProblem, candidates, check_value, choice_word, lock_meters, meters_of
from ..models import UtilitiesAccount, UtilitiesMeter, UtilitiesReading
from ..names import meter_label
from ..readings_parser import parse_readings
from .common import is_sentinel, resident_account

REMIND = "utilities_reminder"

VALUES, PENDING, CHOICE, CONFIRM = (
    "utilities_reading_values",
    "utilities_reading_pending",
    "utilities_meter_choice",
    "utilities_reading_confirm",
)
PROBLEMS = {
    ValueProblem.TOO_MANY_DIGITS: "utter_utilities_reading_too_many_digits",
    ValueProblem.BELOW_PREVIOUS: "utter_utilities_reading_below_previous",
}


def label(meter: UtilitiesMeter) -> str:
    return meter_label(meter.resource, meter.zone, meter.place)


def _owned_meters(session: Session, resident: int, ids: List[int]) -> Dict[int, UtilitiesMeter]:
    """Meters by id, only those on the resident's own accounts."""
    rows = session.execute(
        select(UtilitiesMeter)
        .join(UtilitiesAccount, UtilitiesMeter.account_id == UtilitiesAccount.id)
        .where(UtilitiesMeter.id.in_(ids), UtilitiesAccount.resident_id == resident)
    ).scalars()
    return {meter.id: meter for meter in rows}


def _problem_line(
    domain: Dict[str, Any], problem: ValueProblem, meter: UtilitiesMeter, value: Decimal
) -> str:
    """Why the value cannot be accepted for the meter, in a line."""
    return phrase(
        domain,
        PROBLEMS[problem],
        meter=label(meter),
        value=number(value),
        digits=str(meter.digits),
        previous=number(Decimal(meter.last_reading)),
        previous_on=day_month(meter.last_reading_on),
    )


def _pending_item(
    session: Session, domain: Dict[str, Any], meter: UtilitiesMeter, value: Decimal, problems: List[str]
) -> Dict[str, Any]:
    """The value as the form keeps it until submitted; why it cannot be accepted, if so, is added to `problems`."""
    check = check_value(session, meter, value)
    if check.problem:
        problems.append(_problem_line(domain, check.problem, meter, value))
    return {"meter_id": meter.id, "value": str(value), "candidates": [], "suspicious": check.suspicious}


def _reject(dispatcher: CollectingDispatcher, problems: List[str]) -> None:
    dispatcher.utter_message(response="utter_utilities_readings_rejected", problems="\n".join(problems))


class ValidateUtilitiesReadingForm(TextAnswers, FormValidationAction):
    def name(self) -> Text:
        return "validate_utilities_reading_form"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        slots = [VALUES]
        pending = tracker.get_slot(PENDING) or []
        if tracker.get_slot(VALUES) != STOP:
            if any(item["candidates"] for item in pending):
                slots.append(CHOICE)
            if any(item["suspicious"] for item in pending):
                slots.append(CONFIRM)
        return slots

    async def extract_utilities_reading_values(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Readings typed with no request (an `inform` naming a meter and a value) are the values the form starts
        with."""
        if tracker.get_slot(VALUES) is not None or tracker.get_slot("requested_slot") is not None:
            return {}
        latest = tracker.latest_message
        entities = {entity.get("entity") for entity in latest.get("entities") or []}
        if (latest.get("intent") or {}).get("name") == "inform" and {"meter_type", "reading"} <= entities:
            return {VALUES: latest.get("text")}
        return {}

    def validate_utilities_reading_values(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if is_sentinel(tracker, slot_value, (STOP,)):
            return {VALUES: STOP}
        text = str(slot_value or "")
        remind = {"utilities_reminder_kind": "readings"}
        with session_scope() as session:
            _, account = resident_account(session, tracker, dispatcher)
            if account is None:
                return {VALUES: STOP, PENDING: None}
            today = clock.today()
            if not clock.window_is_open(today):
                first, last = clock.reading_window()
                dispatcher.utter_message(
                    response="utter_utilities_readings_window_closed",
                    first=str(first),
                    last=str(last),
                    opening=day_month(clock.next_window_opening(today)),
                    buttons=[
                        button(phrase(domain, "utter_utilities_readings_remind_button"), REMIND, **remind)
                    ],
                    **offer(REMIND, **remind),
                )
                return {VALUES: STOP, PENDING: None}
            parsed = parse_readings(text, tracker.latest_message.get("entities") or [])
            if not parsed:
                return {VALUES: None, PENDING: None}  # no values yet: the form asks for them
            meters = meters_of(session, account)
            problems: List[str] = []
            pending = []
            for reading in parsed:
                if reading.value is None:
                    problems.append(phrase(domain, "utter_utilities_reading_in_words", value=reading.text))
                    continue
                found = candidates(meters, reading)
                if not found:
                    problems.append(phrase(domain, "utter_utilities_reading_no_meter", value=reading.text))
                elif len(found) == 1:
                    pending.append(_pending_item(session, domain, found[0], reading.value, problems))
                else:
                    pending.append(
                        {
                            "meter_id": None,
                            "value": str(reading.value),
                            "candidates": [m.id for m in found],
                            "suspicious": False,
                        }
                    )
        if problems:
            _reject(dispatcher, problems)
            return {VALUES: None, PENDING: None, CHOICE: None, CONFIRM: None}
        return {VALUES: text, PENDING: pending, CHOICE: None, CONFIRM: None}

    def validate_utilities_meter_choice(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        pending = [dict(item) for item in tracker.get_slot(PENDING) or []]
        item = next((i for i in pending if i["candidates"]), None)
        if item is None:
            return {CHOICE: None}
        answer = str(slot_value or "").lower()
        with session_scope() as session:
            meters = _owned_meters(session, resident_id(session, tracker), item["candidates"])
            chosen = [m for m in meters.values() if choice_word(m).lower()[:4] in answer]
            if len(chosen) != 1:
                dispatcher.utter_message(response="utter_utilities_meter_choice_unclear")
                return {CHOICE: None}
            problems: List[str] = []
            item.update(_pending_item(session, domain, chosen[0], Decimal(item["value"]), problems))
        if problems:
            _reject(dispatcher, problems)
            return {VALUES: None, PENDING: None, CHOICE: None}
        more = any(i["candidates"] for i in pending)
        return {CHOICE: None if more else answer, PENDING: pending}

    def validate_utilities_reading_confirm(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if slot_value:
            return {CONFIRM: True}
        dispatcher.utter_message(response="utter_utilities_reading_not_confirmed")
        return {CONFIRM: None, VALUES: None, PENDING: None, CHOICE: None}


class ActionAskUtilitiesReadingValues(Action):
    def name(self) -> str:
        return "action_ask_utilities_reading_values"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        with session_scope() as session:
            _, account = resident_account(session, tracker, dispatcher)
            if account is None:
                return []
            lines = [
                phrase(
                    domain,
                    "utter_utilities_meter_line",
                    meter=label(m),
                    value=number(m.last_reading),
                    date=day_month(m.last_reading_on),
                )
                for m in meters_of(session, account)
            ]
            dispatcher.utter_message(
                response="utter_utilities_readings_request", number=account.number, lines="\n".join(lines)
            )
        return []


class ActionAskUtilitiesMeterChoice(Action):
    def name(self) -> str:
        return "action_ask_utilities_meter_choice"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        item = next((i for i in tracker.get_slot(PENDING) or [] if i["candidates"]), None)
        if item is None:
            return []
        with session_scope() as session:
            meters = _owned_meters(session, resident_id(session, tracker), item["candidates"]).values()
            # The payload is the word itself: the resident may as well type it.
            buttons = [
                {
                    "title": phrase(
                        domain,
                        "utter_utilities_meter_choice_button",
                        meter=label(m),
                        value=number(m.last_reading),
                    ),
                    "payload": choice_word(m),
                }
                for m in meters
            ]
        dispatcher.utter_message(
            response="utter_utilities_meter_choice", value=number(Decimal(item["value"])), buttons=buttons
        )
        return []


class ActionAskUtilitiesReadingConfirm(Action):
    def name(self) -> str:
        return "action_ask_utilities_reading_confirm"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        items = [i for i in tracker.get_slot(PENDING) or [] if i["suspicious"]]
        with session_scope() as session:
            meters = _owned_meters(session, resident_id(session, tracker), [i["meter_id"] for i in items])
            lines = []
            for item in items:
                meter = meters[item["meter_id"]]
                used = Decimal(item["value"]) - Decimal(meter.last_reading)
                usual = billing.median_consumption(session, meter) or Decimal(0)
                lines.append(
                    phrase(
                        domain,
                        "utter_utilities_outlier_line",
                        meter=label(meter),
                        value=number(Decimal(item["value"])),
                        used=number(used),
                        usual=number(usual.quantize(Decimal("0.1"))),
                    )
                )
        dispatcher.utter_message(response="utter_utilities_outliers_confirm", lines="\n".join(lines))
        return []


class ActionUtilitiesSubmitReadingDone(Action):
    def name(self) -> str:
        return "action_utilities_submit_reading_done"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        cleared = [SlotSet(slot, None) for slot in (VALUES, PENDING, CHOICE, CONFIRM)]
        items = [i for i in tracker.get_slot(PENDING) or [] if i.get("meter_id")]
        if tracker.get_slot(VALUES) == STOP or not items:
            return cleared
        channel, _ = channel_identity(tracker)
        today = clock.today()
        lines: List[str] = []
        problems: List[str] = []
        accepted: List[Dict[str, Any]] = []
        total = Decimal(0)
        with session_scope() as session:
            resident = resident_id(session, tracker)
            meters = _owned_meters(session, resident, [i["meter_id"] for i in items])
            # Checked again under the meters' locks: another submission may have been accepted since the form
            # checked these values (a lower value would pass, a reading would be lost).
            lock_meters(session, list(meters))
            for item in items:
                meter = meters.get(item["meter_id"])
                if meter is None:
                    continue
                value = Decimal(item["value"])
                previous = Decimal(meter.last_reading)
                problem = check_value(session, meter, value).problem
                if problem is not None:
                    problems.append(_problem_line(domain, problem, meter, value))
                    continue
                used = value - previous
                session.add(UtilitiesReading(meter_id=meter.id, value=value, taken_on=today, channel=channel))
                meter.last_reading, meter.last_reading_on = value, today
                accepted.append({"meter_id": meter.id, "value": item["value"]})
                expected = billing.expected_charge(session, meter, used, today)
                total += expected or 0
                values = {"meter": label(meter), "value": number(value), "used": number(used)}
                if expected is None:
                    lines.append(phrase(domain, "utter_utilities_accepted_line", **values))
                else:
                    lines.append(
                        phrase(domain, "utter_utilities_accepted_line_cost", cost=money(expected), **values)
                    )
            if accepted:
                audit_record(
                    session,
                    skill="utilities",
                    action="readings_submitted",
                    resident_id=resident,
                    details={"readings": accepted},
                )
        if problems:
            dispatcher.utter_message(
                response="utter_utilities_readings_not_accepted", problems="\n".join(problems)
            )
        if accepted:
            dispatcher.utter_message(
                response="utter_utilities_readings_accepted", lines="\n".join(lines), total=money(total)
            )
        return cleared
