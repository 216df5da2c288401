"""Reminders to pay or to send readings: a row in the skill's table, delivered by the engine's notifications.

"Remind me to pay by the 10th" → once, the day before at 10:00; "keep reminding me to send readings" → every month
when the submission window opens, at 10:00 (re-scheduled for the next opening each time it fires); "stop
reminding" cancels them (the words are in lexicon.yml). A resident has at most one active reminder of each kind,
and the conversation one pending notification of each kind. The notification carries the kind as the entity
`utilities_reminder_kind`, so the reminder that fired is the one said; it survives restarts and arrives once.
"""

from __future__ import annotations

import itertools
import re
from datetime import date, datetime, time, timedelta
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.sdk import (
    audit_record,
    cancel_notifications,
    day_month,
    delivered_now,
    entity_value,
    lemma,
    notify_later,
    resident_id,
    session_scope,
    skill_lexicon,
)

from .. import billing, clock
from ..accounts import linked_accounts
from ..models import UtilitiesReminder

_WORDS = skill_lexicon(__file__)
DUE_INTENT = "EXTERNAL_utilities_reminder_due"
KIND_ENTITY = "utilities_reminder_kind"
KINDS = ("pay", "readings")
REMIND_AT = time(10, 0)
SKILL = "utilities"
# A reminder the assistant could not deliver in time (it was down) is dropped this long after it was due.
LATE_BY = {"pay": timedelta(hours=12), "readings": timedelta(days=3)}
CANCEL_LEMMAS = frozenset(_WORDS["cancel_lemmas"])
CANCEL_NEGATION: str = _WORDS["cancel_negation"]
CANCEL_NEGATED_STEMS = tuple(_WORDS["cancel_negated_stems"])
CANCEL_NEGATED_LEMMAS = frozenset(_WORDS["cancel_negated_lemmas"])
READING_LEMMAS = frozenset(_WORDS["reading_reminder_lemmas"])
PAY_LEMMAS = frozenset(_WORDS["pay_reminder_lemmas"])
DAY_OF_MONTH = re.compile(_WORDS["day_of_month"])
WORD = re.compile(r"[^\W\d_]+")


def words_in(text: str) -> List[str]:
    """The lemmas of the words of a message (numbers left out)."""
    return [lemma(word) for word in WORD.findall(text)]


def wants_cancel(words: List[str]) -> bool:
    if CANCEL_LEMMAS & set(words):
        return True
    return any(
        a == CANCEL_NEGATION and (b.startswith(CANCEL_NEGATED_STEMS) or b in CANCEL_NEGATED_LEMMAS)
        for a, b in itertools.pairwise(words)
    )


def reminder_kind(words: List[str]) -> Optional[str]:
    """'readings', 'pay', or None when the message does not say which (a cancel of everything)."""
    if READING_LEMMAS & set(words):
        return "readings"
    if PAY_LEMMAS & set(words):
        return "pay"
    return None


def pay_deadline(text: str, iso_date: Optional[str], today: date, fallback: Optional[date]) -> date:
    """The day to pay by: a recognised date, a bare day of the month ("by the 10th"), or the bill's due date."""
    if iso_date:
        try:
            return date.fromisoformat(str(iso_date)[:10])
        except ValueError:
            pass
    match = DAY_OF_MONTH.search(text)
    if match and 1 <= int(match.group(1)) <= 28:
        candidate = today.replace(day=int(match.group(1)))
        return candidate if candidate > today else clock.add_months(today, 1).replace(day=candidate.day)
    return fallback if fallback and fallback > today else today + timedelta(days=7)


def at_ten(day: date) -> datetime:
    return datetime.combine(day, REMIND_AT, tzinfo=clock.local_zone())


def schedule(session: Session, tracker: Tracker, kind: str, moment: datetime) -> None:
    notify_later(
        session,
        tracker,
        skill=SKILL,
        name=kind,
        intent=DUE_INTENT,
        at=moment,
        entities={KIND_ENTITY: kind},
        expires_after=LATE_BY[kind],
    )


def keep_one(session: Session, resident: int, kind: str, moment: datetime, recurring: bool) -> None:
    """The resident's active reminder of this kind moves to the new time (a new one if there is none)."""
    reminder = (
        session.execute(
            select(UtilitiesReminder)
            .where(
                UtilitiesReminder.resident_id == resident,
                UtilitiesReminder.kind == kind,
                UtilitiesReminder.status == "active",
            )
            .order_by(UtilitiesReminder.id)
        )
        .scalars()
        .first()
    )
    if reminder is None:
        session.add(
            UtilitiesReminder(
                resident_id=resident,
                kind=kind,
                remind_at=clock.to_store(moment),
                recurring=recurring,
                status="active",
            )
        )
    else:
        reminder.remind_at, reminder.recurring = clock.to_store(moment), recurring


class ActionUtilitiesReminder(Action):
    def name(self) -> str:
        return "action_utilities_reminder"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        text = tracker.latest_message.get("text") or ""
        words = words_in(text)
        kind = entity_value(tracker, KIND_ENTITY) or reminder_kind(words)  # the entity: an accepted offer
        today = clock.today()
        with session_scope() as session:
            resident = resident_id(session, tracker)
            if wants_cancel(words):
                self._cancel(session, dispatcher, tracker, resident, kind)
                return []
            if kind == "readings":
                first, _ = clock.reading_window()
                opens_today = clock.window_is_open(today) and clock.now().time() < REMIND_AT
                day = today if opens_today else clock.next_window_opening(today)
                moment, recurring = at_ten(day), True
                response, values = (
                    "utter_utilities_reminder_readings_set",
                    {"first": str(first), "day": day_month(day)},
                )
            else:
                accounts = linked_accounts(session, resident)
                due = billing.balance_of(session, accounts[-1]).due_date if accounts else None
                deadline = pay_deadline(text, entity_value(tracker, "date"), today, due)
                day = max(deadline - timedelta(days=1), today)
                moment, recurring, kind = at_ten(day), False, "pay"
                if moment <= clock.now():
                    moment = clock.now() + timedelta(hours=1)
                response = "utter_utilities_reminder_pay_set"
                values = {
                    "day": day_month(moment.date()),
                    "time": f"{moment:%H:%M}",
                    "deadline": day_month(deadline),
                }
            keep_one(session, resident, kind, moment, recurring)
            schedule(session, tracker, kind, moment)
            audit_record(
                session,
                skill="utilities",
                action="reminder_set",
                resident_id=resident,
                details={"kind": kind, "at": moment.isoformat()},
            )
        dispatcher.utter_message(response=response, **values)
        return []

    @staticmethod
    def _cancel(
        session: Session,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        resident: int,
        kind: Optional[str],
    ) -> None:
        query = select(UtilitiesReminder).where(
            UtilitiesReminder.resident_id == resident, UtilitiesReminder.status == "active"
        )
        if kind:
            query = query.where(UtilitiesReminder.kind == kind)
        reminders = list(session.execute(query).scalars())
        for reminder in reminders:
            reminder.status = "cancelled"
        cancel_notifications(session, tracker, skill=SKILL, name=kind)
        if not reminders:
            dispatcher.utter_message(response="utter_utilities_reminder_none")
            return
        audit_record(
            session,
            skill="utilities",
            action="reminder_cancelled",
            resident_id=resident,
            details={"count": len(reminders)},
        )
        dispatcher.utter_message(response="utter_utilities_reminder_cancelled")


class ActionUtilitiesReminderDue(Action):
    """A reminder's notification has arrived: said once, and a readings reminder is set for the next window."""

    def name(self) -> str:
        return "action_utilities_reminder_due"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        fired = entity_value(tracker, KIND_ENTITY)
        with session_scope() as session:
            if fired not in KINDS or not delivered_now(session, tracker):
                return []  # cancelled, said already, or typed by hand
            resident = resident_id(session, tracker)
            reminder = (
                session.execute(
                    select(UtilitiesReminder).where(
                        UtilitiesReminder.resident_id == resident,
                        UtilitiesReminder.status == "active",
                        UtilitiesReminder.kind == fired,
                    )
                )
                .scalars()
                .first()
            )
            if reminder is None:
                return []
            if reminder.kind == "readings":
                dispatcher.utter_message(response="utter_utilities_reminder_readings_due")
                following = at_ten(clock.next_window_opening(clock.today()))
                reminder.remind_at = clock.to_store(following)
                schedule(session, tracker, "readings", following)
            else:
                dispatcher.utter_message(response="utter_utilities_reminder_pay_due")
                reminder.status = "done"
        return []
