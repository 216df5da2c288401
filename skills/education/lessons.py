"""When lessons happen: a course meets on fixed weekdays at one local time, from its first day to its last."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import List, Optional, Sequence

from engine.sdk import clock

from .models import EduCourse

MAX_DAYS_AHEAD = 400


def start_clock(start_time: str) -> time:
    hours, minutes = start_time.split(":")
    return time(int(hours), int(minutes))


def lessons_after(
    weekdays: Sequence[int],
    start_time: str,
    first_day: date,
    last_day: date,
    after: datetime,
    count: int = 1,
) -> List[datetime]:
    """The next `count` lessons (aware, local time) that start after `after` (aware)."""
    at = start_clock(start_time)
    zone = clock.local_zone()
    day = max(first_day, after.astimezone(zone).date())
    found: List[datetime] = []
    for _ in range(MAX_DAYS_AHEAD):
        if day > last_day or len(found) == count:
            break
        if day.weekday() in weekdays:
            moment = datetime.combine(day, at, tzinfo=zone)
            if moment > after:
                found.append(moment)
        day += timedelta(days=1)
    return found


def next_lesson(course: EduCourse, after: datetime) -> Optional[datetime]:
    """The course's next lesson after `after`, or None when it has ended."""
    found = lessons_after(course.weekdays, course.start_time, course.starts_on, course.ends_on, after)
    return found[0] if found else None
