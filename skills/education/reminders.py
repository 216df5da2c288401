"""Lesson reminders and seat offers as the engine's notifications: they survive restarts and arrive once.

A reminder is scheduled for the next lesson of an active enrolment, `reminder_minutes` before it; when it is said,
the next one is scheduled. A new lead moves the pending one; reminders turned off (`leads.OFF`) or leaving the
course cancel it. A freed seat offered to the first in line is told in
that resident's conversation, and a second notification at the end of the hold lets the seat go to the next.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Dict

from rasa_sdk import Tracker
from sqlalchemy.orm import Session

from engine.sdk import cancel_notifications, clock, notify_later, notify_resident, plural, skill_lexicon

from .leads import OFF
from .lessons import next_lesson
from .models import EduCourse, EduEnrollment

_WORDS = skill_lexicon(__file__)
SKILL = "education"
NOTICE = "EXTERNAL_edu_notice"
KIND, ENROLLMENT = "edu_notice_kind", "edu_notice_enrollment"
LESSON, SEAT_OFFERED, OFFER_EXPIRED = "lesson", "seat_offered", "offer_expired"
HOUR, DAY = 60, 24 * 60


def lead_text(minutes: int) -> str:
    """The lead time in days or hours when whole, else in hours and minutes ("1 hour 30 minutes"), each noun in
    its form."""
    if minutes >= DAY and minutes % DAY == 0:
        return plural(minutes // DAY, _WORDS["days_forms"])
    hours, rest = divmod(minutes, HOUR)
    parts = [plural(hours, _WORDS["hours_forms"])] if hours else []
    return " ".join(parts + ([plural(rest, _WORDS["minutes_forms"])] if rest else []))


def _entities(kind: str, enrollment: EduEnrollment) -> Dict[str, Any]:
    return {KIND: kind, ENROLLMENT: enrollment.id}


def schedule_lesson_reminder(
    session: Session, tracker: Tracker, enrollment: EduEnrollment, course: EduCourse, after: datetime
) -> bool:
    """The reminder of the first lesson whose reminder time is still ahead of `after` (aware), moving the one
    pending in this conversation; False when there is none to schedule (reminders off, the course over)."""
    if enrollment.reminder_minutes == OFF:
        return False
    lead = timedelta(minutes=enrollment.reminder_minutes)
    lesson = next_lesson(course, after + lead)
    if lesson is None:
        return False
    notify_later(
        session,
        tracker,
        skill=SKILL,
        name=f"lesson_{enrollment.id}",
        intent=NOTICE,
        at=lesson - lead,
        entities=_entities(LESSON, enrollment),
        expires_after=lead,
    )
    return True


def cancel_lesson_reminders(session: Session, tracker: Tracker, enrollment: EduEnrollment) -> None:
    cancel_notifications(session, tracker, skill=SKILL, name=f"lesson_{enrollment.id}")


def change_lead(
    session: Session,
    tracker: Tracker,
    enrollment: EduEnrollment,
    course: EduCourse,
    minutes: int,
    now: datetime,
) -> None:
    """Reminders of the enrolment come `minutes` before each lesson from now on (OFF: none): the pending one
    moves to the new time, or is cancelled when reminders are off or no lesson is left to remind of."""
    enrollment.reminder_minutes = minutes
    if not schedule_lesson_reminder(session, tracker, enrollment, course, now):
        cancel_lesson_reminders(session, tracker, enrollment)


def tell_seat_offered(session: Session, enrollment: EduEnrollment) -> None:
    """The first in line hears at once that a seat is held for them, and again when the hold ends."""
    held_until = clock.to_local(enrollment.offered_until)
    for kind, at in ((SEAT_OFFERED, clock.now()), (OFFER_EXPIRED, held_until)):
        notify_resident(
            session,
            enrollment.resident_id,
            skill=SKILL,
            name=f"{kind}_{enrollment.id}",
            intent=NOTICE,
            at=at,
            entities=_entities(kind, enrollment),
        )
