"""The reminder of an appointment: the evening before (REMIND_AT local), as the engine's notification in the
conversation the appointment was booked in. An appointment booked after that evening gets none. Cancelling or
moving the appointment cancels it (a move schedules the new one); the notice action checks the appointment is
still the resident's before saying anything, for a change made from another conversation."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Optional

from rasa_sdk import Tracker
from sqlalchemy.orm import Session

from engine.sdk import cancel_notifications, clock, notify_later

SKILL = "governance"
NOTICE = "EXTERNAL_gov_appointment_notice"
APPOINTMENT_ENTITY = "gov_appointment_id"
REMIND_AT = time(18, 0)


def reminder_name(slot_id: int) -> str:
    return f"appointment_{slot_id}"


def reminder_moment(starts_at: datetime, now: datetime) -> Optional[datetime]:
    """REMIND_AT on the local evening before the appointment (aware), or None when that is not ahead of now."""
    local = starts_at.astimezone(clock.local_zone())
    moment = datetime.combine(local.date() - timedelta(days=1), REMIND_AT, tzinfo=clock.local_zone())
    return moment if moment > now else None


def schedule_reminder(
    session: Session, tracker: Tracker, slot_id: int, starts_at: datetime, now: datetime
) -> Optional[datetime]:
    """Schedules the reminder of the appointment in this conversation; when it comes (None: too late for one).
    It expires when the appointment starts: a reminder delivered late is not said at all."""
    moment = reminder_moment(starts_at, now)
    if moment is None:
        return None
    notify_later(
        session,
        tracker,
        skill=SKILL,
        name=reminder_name(slot_id),
        intent=NOTICE,
        at=moment,
        entities={APPOINTMENT_ENTITY: str(slot_id)},
        expires_after=starts_at - moment,
    )
    return moment


def cancel_reminder(session: Session, tracker: Tracker, slot_id: int) -> None:
    cancel_notifications(session, tracker, skill=SKILL, name=reminder_name(slot_id))
