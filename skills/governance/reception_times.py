"""The free reception times of an institution: which days and hours still have a free desk, and why a day has
none (over, a day off, all taken, not open for booking yet). Days are local; `now` is aware or naive UTC."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import List, Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.sdk import clock

from .models import Slot

# What a day is for an institution: free times left, over, not a reception day, all taken, not open for booking yet
FREE, PAST, CLOSED, FULL, NOT_OPEN = "free", "past", "closed", "full", "not_open"


def store_moment(moment: Optional[datetime]) -> datetime:
    """The moment as the store keeps it (naive UTC); now when None."""
    return clock.to_store(moment if moment is not None else clock.now())


def day_bounds(day: date) -> tuple[datetime, datetime]:
    return clock.local_moment(day, 0), clock.local_moment(day + timedelta(days=1), 0)


def free_times(
    session: Session, institution_id: int, day: date, now: Optional[datetime] = None
) -> List[datetime]:
    """The local start times of the day at which at least one desk is free, future ones only, earliest first."""
    start, end = day_bounds(day)
    rows = session.execute(
        select(Slot.starts_at)
        .where(
            Slot.institution_id == institution_id,
            Slot.starts_at >= start,
            Slot.starts_at < end,
            Slot.starts_at > store_moment(now),
            Slot.resident_id.is_(None),
        )
        .distinct()
        .order_by(Slot.starts_at)
    ).scalars()
    return [clock.to_local(at) for at in rows]


def nearest_free_times(
    session: Session, institution_id: int, after: datetime, limit: int, now: Optional[datetime] = None
) -> List[datetime]:
    """The first `limit` free local times at or after `after` (and after now), whatever the day."""
    since = max(store_moment(after), store_moment(now) + timedelta(seconds=1))
    rows = session.execute(
        select(Slot.starts_at)
        .where(Slot.institution_id == institution_id, Slot.starts_at >= since, Slot.resident_id.is_(None))
        .distinct()
        .order_by(Slot.starts_at)
        .limit(limit)
    ).scalars()
    return [clock.to_local(at) for at in rows]


def free_days(
    session: Session,
    institution_id: int,
    limit: int,
    now: Optional[datetime] = None,
    first: Optional[date] = None,
    last: Optional[date] = None,
) -> List[date]:
    """The nearest local days (from `first`, up to `last` when given) with a free time, earliest first."""
    since = store_moment(now)
    if first is not None:
        since = max(since, day_bounds(first)[0])
    query = select(Slot.starts_at).where(
        Slot.institution_id == institution_id, Slot.starts_at > since, Slot.resident_id.is_(None)
    )
    if last is not None:
        query = query.where(Slot.starts_at < day_bounds(last)[1])
    days: List[date] = []
    for at in session.execute(query.distinct().order_by(Slot.starts_at)).scalars():
        day = clock.to_local(at).date()
        if day not in days:
            days.append(day)
            if len(days) == limit:
                break
    return days


def reception_span(session: Session, institution_id: int, day: date) -> Optional[tuple[datetime, datetime]]:
    """The first and the last local start time of the day's reception, taken or free; None on a day off."""
    start, end = day_bounds(day)
    first, last = session.execute(
        select(func.min(Slot.starts_at), func.max(Slot.starts_at)).where(
            Slot.institution_id == institution_id, Slot.starts_at >= start, Slot.starts_at < end
        )
    ).one()
    return (clock.to_local(first), clock.to_local(last)) if first is not None else None


def last_open_day(session: Session, institution_id: int) -> Optional[date]:
    last = session.execute(
        select(func.max(Slot.starts_at)).where(Slot.institution_id == institution_id)
    ).scalar_one_or_none()
    return clock.to_local(last).date() if last is not None else None


def day_state(session: Session, institution_id: int, day: date, now: Optional[datetime] = None) -> str:
    """FREE when the day has a free time left, else why not: PAST, CLOSED, FULL or NOT_OPEN."""
    today = clock.to_local(store_moment(now)).date()
    if day < today:
        return PAST
    if free_times(session, institution_id, day, now):
        return FREE
    if reception_span(session, institution_id, day) is not None:
        return FULL
    last = last_open_day(session, institution_id)
    return NOT_OPEN if last is None or day > last else CLOSED
