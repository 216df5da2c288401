"""Reception hours of an institution and the slots made from them.

An institution's week is given as data (demo.yml): hours per weekday ("mon-fri": "08:00-20:00", "sat":
"09:00-15:00"), an optional lunch break, how long one visit is and how many desks receive at once. A weekday not
named is closed. `open_reception` turns the week into slots for a run of days, one per desk and visit, skipping the
lunch break; it adds only the slots that are not there yet, so a later run can open the next days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from engine.sdk import clock, weekday_short

from .models import Slot

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MONDAY = date(2024, 1, 1)  # any Monday: the weekday names of the hours text are read from its week
DASH = "\u2013"

Span = Tuple[time, time]


@dataclass(frozen=True)
class Schedule:
    """The reception week: `week[weekday]` (Monday is 0) is the span a desk receives in, end excluded."""

    week: Dict[int, Span]
    lunch: Optional[Span]
    visit_minutes: int
    desks: int

    def visits(self, day: date) -> Iterator[time]:
        """The local start times of the visits of one day, the lunch break left out."""
        span = self.week.get(day.weekday())
        if span is None:
            return
        step = timedelta(minutes=self.visit_minutes)
        moment, end = datetime.combine(day, span[0]), datetime.combine(day, span[1])
        while moment + step <= end:
            if not self._at_lunch(moment.time(), (moment + step).time()):
                yield moment.time()
            moment += step

    def _at_lunch(self, start: time, end: time) -> bool:
        return self.lunch is not None and start < self.lunch[1] and end > self.lunch[0]


def _clock(text: str) -> time:
    hours, minutes = str(text).strip().split(":")
    return time(int(hours), int(minutes))


def _span(text: str) -> Span:
    start, end = str(text).split("-")
    parsed = (_clock(start), _clock(end))
    if parsed[0] >= parsed[1]:
        raise ValueError(f"reception span {text!r} ends before it starts")
    return parsed


def _weekdays(key: str) -> List[int]:
    """ "mon-fri" -> [0..4], "sat" -> [5]."""
    first, _, last = str(key).partition("-")
    start, end = WEEKDAYS.index(first), WEEKDAYS.index(last or first)
    return list(range(start, end + 1))


def read_schedule(data: Mapping[str, Any]) -> Schedule:
    """The schedule of one institution of demo.yml (`hours`, `lunch`, `visit_minutes`, `desks`)."""
    week: Dict[int, Span] = {}
    for key, hours in (data.get("hours") or {}).items():
        for weekday in _weekdays(key):
            week[weekday] = _span(hours)
    lunch = _span(data["lunch"]) if data.get("lunch") else None
    return Schedule(week, lunch, int(data.get("visit_minutes") or 20), int(data.get("desks") or 1))


def hours_text(schedule: Schedule) -> str:
    """The week as residents read it: weekdays with the same hours run together ("mon-fri 08:00-20:00, sat ...")."""
    parts: List[str] = []
    weekday = 0
    while weekday < len(WEEKDAYS):
        span = schedule.week.get(weekday)
        if span is None:
            weekday += 1
            continue
        last = weekday
        while schedule.week.get(last + 1) == span:
            last += 1
        days = _weekday_name(weekday) + (f"{DASH}{_weekday_name(last)}" if last > weekday else "")
        parts.append(f"{days} {span[0]:%H:%M}{DASH}{span[1]:%H:%M}")
        weekday = last + 1
    return ", ".join(parts)


def _weekday_name(weekday: int) -> str:
    return weekday_short(MONDAY + timedelta(days=weekday))


def open_reception(
    session: Session, institution_id: int, schedule: Schedule, first_day: date, days: int
) -> int:
    """Adds the slots of `days` days from `first_day` that are not there yet; how many were added."""
    wanted = [
        (desk, clock.local_moment(day, visit.hour, visit.minute))
        for day in (first_day + timedelta(days=n) for n in range(days))
        for visit in schedule.visits(day)
        for desk in range(1, schedule.desks + 1)
    ]
    if not wanted:
        return 0
    existing = set(
        session.execute(
            select(Slot.desk, Slot.starts_at).where(
                Slot.institution_id == institution_id,
                Slot.starts_at >= min(at for _, at in wanted),
                Slot.starts_at <= max(at for _, at in wanted),
            )
        ).all()
    )
    rows = [
        {"institution_id": institution_id, "desk": desk, "starts_at": at}
        for desk, at in wanted
        if (desk, at) not in existing
    ]
    if rows:
        session.execute(insert(Slot), rows)
    return len(rows)


def reception_days(schedule: Schedule, after: date, count: int) -> List[date]:
    """The first `count` days after `after` on which the institution receives."""
    found: List[date] = []
    day = after
    while len(found) < count and schedule.week:
        day += timedelta(days=1)
        if day.weekday() in schedule.week:
            found.append(day)
    return found
