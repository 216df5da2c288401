"""Lesson reminders and seat offers as the engine's notifications: they survive restarts and arrive once.

A reminder is scheduled for the next lesson of an active enrolment, `reminder_minutes` before it; when it is said,
the next one is scheduled. Leaving the course cancels it. A freed seat offered to the first in line is told in
that resident's conversation, and a second notification at the end of the hold lets the seat go to the next.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Dict

from rasa_sdk import Tracker
from sqlalchemy.orm import Session

from engine.sdk import cancel_notifications, clock, notify_later, notify_resident, plural, skill_lexicon

from .lessons import next_lesson
from .models import EduCourse, EduEnrollment

_WORDS = skill_lexicon(__file__)
SKILL = "education"
NOTICE = "EXTERNAL_edu_notice"
KIND, ENROLLMENT = "edu_notice_kind", "edu_notice_enrollment"
LESSON, SEAT_OFFERED, OFFER_EXPIRED = "lesson", "seat_offered", "offer_expired"


def lead_text(minutes: int) -> str:
    """The lead time in hours when whole, else in minutes, with the noun in its form."""
    if minutes % 60 == 0:
        return plural(minutes // 60, _WORDS["hours_forms"])
    return plural(minutes, _WORDS["minutes_forms"])


def _entities(kind: str, enrollment: EduEnrollment) -> Dict[str, Any]:
    return {KIND: kind, ENROLLMENT: enrollment.id}


def schedule_lesson_reminder(
    session: Session, tracker: Tracker, enrollment: EduEnrollment, course: EduCourse, after: datetime
) -> None:
    """The reminder of the first lesson whose reminder time is still ahead of `after` (aware)."""
    lead = timedelta(minutes=enrollment.reminder_minutes)
    lesson = next_lesson(course, after + lead)
    if lesson is None:
        return
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


def cancel_lesson_reminders(session: Session, tracker: Tracker, enrollment: EduEnrollment) -> None:
    cancel_notifications(session, tracker, skill=SKILL, name=f"lesson_{enrollment.id}")


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
