"""Seats and the waiting list: never more enrolments than seats, also when two residents take the last seat at once.

Every change to a course's enrolments starts by touching the course row (an UPDATE that changes nothing): on
PostgreSQL that locks the row, on SQLite it takes the database's write lock, so the seat count read afterwards
stays true until the transaction ends. A freed seat is offered to the first in line, held for them for HOLD; an
offer not taken in time expires and goes to the next.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import List, Optional

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .models import EduCourse, EduEnrollment

ACTIVE, WAITING, OFFERED, LEFT, EXPIRED = "active", "waiting", "offered", "left", "expired"
HOLDING = (ACTIVE, WAITING, OFFERED)
HOLD = timedelta(hours=24)


@dataclass(frozen=True)
class Enrolled:
    """The outcome of an enrolment: `status` is active, waiting or already (the same learner is on it)."""

    enrollment: EduEnrollment
    status: str
    position: int = 0  # in the waiting list, from 1


def lock_course(session: Session, course_id: int) -> Optional[EduCourse]:
    session.execute(update(EduCourse).where(EduCourse.id == course_id).values(seats=EduCourse.seats))
    return session.get(EduCourse, course_id, populate_existing=True)


def _expire_offers(session: Session, course_id: int, now: datetime) -> None:
    session.execute(
        update(EduEnrollment)
        .where(
            EduEnrollment.course_id == course_id,
            EduEnrollment.status == OFFERED,
            EduEnrollment.offered_until <= now,
        )
        .values(status=EXPIRED)
        .execution_options(synchronize_session="fetch")
    )


def seats_taken(session: Session, course_id: int, now: datetime) -> int:
    """Active enrolments and seats held for someone on the waiting list."""
    return int(
        session.execute(
            select(func.count(EduEnrollment.id)).where(
                EduEnrollment.course_id == course_id,
                (EduEnrollment.status == ACTIVE)
                | ((EduEnrollment.status == OFFERED) & (EduEnrollment.offered_until > now)),
            )
        ).scalar_one()
    )


def free_seats(session: Session, course: EduCourse, now: datetime) -> int:
    return max(course.seats - seats_taken(session, course.id, now), 0)


def waiting_position(session: Session, enrollment: EduEnrollment) -> int:
    ahead = session.execute(
        select(func.count(EduEnrollment.id)).where(
            EduEnrollment.course_id == enrollment.course_id,
            EduEnrollment.status == WAITING,
            EduEnrollment.id < enrollment.id,
        )
    ).scalar_one()
    return int(ahead) + 1


def current(
    session: Session, course_id: int, resident: int, learner: Optional[int]
) -> Optional[EduEnrollment]:
    """The learner's enrolment on the course that still holds or awaits a seat."""
    return (
        session.execute(
            select(EduEnrollment).where(
                EduEnrollment.course_id == course_id,
                EduEnrollment.resident_id == resident,
                EduEnrollment.learner_id.is_(None)
                if learner is None
                else EduEnrollment.learner_id == learner,
                EduEnrollment.status.in_(HOLDING),
            )
        )
        .scalars()
        .first()
    )


def enrol(
    session: Session, course: EduCourse, resident: int, learner: Optional[int], now: datetime
) -> Enrolled:
    """A seat when one is free (or held for this learner), else a place on the waiting list; naive UTC `now`."""
    lock_course(session, course.id)
    _expire_offers(session, course.id, now)
    found = current(session, course.id, resident, learner)
    if found is not None and found.status == OFFERED:
        found.status, found.offered_until = ACTIVE, None
        return Enrolled(found, ACTIVE)
    if found is not None:
        position = waiting_position(session, found) if found.status == WAITING else 0
        return Enrolled(found, "already", position)
    status = ACTIVE if seats_taken(session, course.id, now) < course.seats else WAITING
    enrollment = EduEnrollment(
        course_id=course.id, resident_id=resident, learner_id=learner, status=status, queued_at=now
    )
    session.add(enrollment)
    session.flush()
    return Enrolled(enrollment, status, waiting_position(session, enrollment) if status == WAITING else 0)


def leave(session: Session, enrollment: EduEnrollment, now: datetime) -> List[EduEnrollment]:
    """Ends the enrolment (or its place in line); returns the waiting enrolments the freed seat is now offered to."""
    lock_course(session, enrollment.course_id)
    session.refresh(enrollment)
    if enrollment.status not in HOLDING:
        return []
    enrollment.status, enrollment.left_at, enrollment.offered_until = LEFT, now, None
    session.flush()
    return offer_freed_seats(session, enrollment.course_id, now)


def offer_freed_seats(session: Session, course_id: int, now: datetime) -> List[EduEnrollment]:
    """Offers every free seat to the next in line, each held until now + HOLD; the course must be locked."""
    course = session.get(EduCourse, course_id)
    _expire_offers(session, course_id, now)
    offered: List[EduEnrollment] = []
    free = course.seats - seats_taken(session, course_id, now) if course else 0
    while free > 0:
        first = (
            session.execute(
                select(EduEnrollment)
                .where(EduEnrollment.course_id == course_id, EduEnrollment.status == WAITING)
                .order_by(EduEnrollment.id)
                .limit(1)
            )
            .scalars()
            .first()
        )
        if first is None:
            break
        first.status, first.offered_until = OFFERED, now + HOLD
        session.flush()
        offered.append(first)
        free -= 1
    return offered


def expire_offer(session: Session, enrollment_id: int, now: datetime) -> List[EduEnrollment]:
    """An offer's time is up: it expires unless taken, and the seat goes to the next in line."""
    enrollment = session.get(EduEnrollment, enrollment_id)
    if enrollment is None:
        return []
    lock_course(session, enrollment.course_id)
    return offer_freed_seats(session, enrollment.course_id, now)
