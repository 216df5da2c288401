"""Reading an appointment request: the institution, the service, the day and the hour a resident names.

Days come from the rule extractor as ISO dates ("2026-11-24") or a span {"from", "to"} ("next week"); hours as
"10:00" or a span ("in the morning": {"from": "08:00", "to": "12:00"}). The form keeps a day as "2026-11-24" or
"2026-11-23/2026-11-29" and a wanted hour as "10:00" or "08:00-12:00" until it is matched with the free times.
A bare number typed when the hour is asked ("10", "13 30") is an hour too; 1 to 7 without a part of the day is
afternoon, as the rule extractor reads "at 3".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, List, Optional, Sequence, Tuple

from engine.sdk import canonical_values, picked_position, read_typed, words_of

from .models import InstitutionService

MAX_TEXT = 200  # longer messages are not read for a bare value
AFTERNOON_UNTIL = 7  # a bare 1..7 is 13:00..19:00
SEARCH = timedelta(minutes=60)  # a taken hour gives the nearest free time at or after it within this
MIN_WORD = 3
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
_NUMBERS = re.compile(r"\d+")
_SPAN_SEPARATOR = "-"
_DAYS_SEPARATOR = "/"

FOUND, SHIFTED, TAKEN, PAST, CLOSED, NONE_IN_SPAN = "found", "shifted", "taken", "past", "closed", "none"


# ---- the institution and the service ----


def institution_named(text: str, order: Sequence[str] = ()) -> Optional[str]:
    """The canonical code of the one institution the text names by a phrase of the manifest, or picks by its place
    in `order` (the buttons shown: "the second"); None when it names none or several."""
    if not text or len(text) > MAX_TEXT:
        return None
    said = set(words_of(text))
    found = set()
    for code, phrases in canonical_values(__file__, "institution").items():
        if any(set(words_of(phrase)) <= said for phrase in phrases):
            found.add(code)
    if len(found) == 1:
        return found.pop()
    position = picked_position(text)
    if not found and position and int(position) <= len(order):
        return order[int(position) - 1]
    return None


def _service_words(service: InstitutionService) -> set:
    return {word for word in words_of(f"{service.title} {service.keywords}") if len(word) >= MIN_WORD}


def service_named(
    services: Sequence[InstitutionService], text: str, positions: bool = False
) -> Optional[InstitutionService]:
    """The one service the text names by a word only it has (a word of two services' titles names neither), or,
    with `positions` (the list was shown), picks by its place in the list ("the second")."""
    if not text or len(text) > MAX_TEXT:
        return None
    said = set(words_of(text))
    words = {service.id: _service_words(service) for service in services}
    voted = set()
    for word in said:
        having = [service_id for service_id, known in words.items() if word in known]
        if len(having) == 1:
            voted.add(having[0])
    if len(voted) == 1:
        return next(s for s in services if s.id in voted)
    position = picked_position(text) if positions else None
    if not voted and position and int(position) <= len(services):
        return services[int(position) - 1]
    return None


# ---- the day ----


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _iso_day(value: Any) -> Optional[date]:
    try:
        return date.fromisoformat(str(value)[:10])
    except (TypeError, ValueError):
        return None


def day_value(entity: Any, text: str = "", typed: bool = False) -> Optional[str]:
    """The day a date entity (or, with `typed`, the text itself) names, as the form keeps it; None when none."""
    value = _first(entity)
    if value is None and typed and text and len(text) <= MAX_TEXT:
        value = _first(read_typed("date", text))
    if isinstance(value, dict):
        first, last = _iso_day(value.get("from")), _iso_day(value.get("to"))
        if first and last and first <= last:
            return (
                first.isoformat()
                if first == last
                else f"{first.isoformat()}{_DAYS_SEPARATOR}{last.isoformat()}"
            )
        return None
    day = _iso_day(value) if value is not None else None
    return day.isoformat() if day else None


def day_span(value: Any) -> Optional[Tuple[date, date]]:
    """(first, last) of a kept day value: the same day twice for one day."""
    first, _, last = str(value or "").partition(_DAYS_SEPARATOR)
    start, end = _iso_day(first), _iso_day(last) if last else _iso_day(first)
    return (start, end) if start and end and start <= end else None


# ---- the hour ----


@dataclass(frozen=True)
class Wanted:
    """The hour a resident asked for: a time, or a span of the day (end excluded)."""

    start: time
    end: Optional[time] = None

    def text(self) -> str:
        return f"{self.start:%H:%M}" + (f"{_SPAN_SEPARATOR}{self.end:%H:%M}" if self.end else "")


def _clock(value: Any) -> Optional[time]:
    match = _CLOCK.match(str(value or "").strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        return None
    return time(int(match.group(1)), int(match.group(2)))


def _bare_time(text: str) -> Optional[time]:
    """ "10", "13 30", "14.20": one or two numbers and a few short words around them."""
    numbers = _NUMBERS.findall(text)
    if not numbers or len(numbers) > 2 or len(text) > 20:
        return None
    hour, minutes = int(numbers[0]), int(numbers[1]) if len(numbers) == 2 else 0
    if hour > 23 or minutes > 59 or (len(numbers) == 2 and len(numbers[1]) != 2):
        return None
    if 1 <= hour <= AFTERNOON_UNTIL:
        hour += 12
    return time(hour, minutes)


def time_value(entity: Any, text: str = "", typed: bool = False) -> Optional[str]:
    """The hour a time entity (or, with `typed`, the text: a phrase or a bare number) names, as the form keeps
    it; None when none."""
    value = _first(entity)
    if value is None and typed and text and len(text) <= MAX_TEXT:
        value = _first(read_typed("time", text))
        if value is None:
            bare = _bare_time(text.strip())
            return f"{bare:%H:%M}" if bare else None
    if isinstance(value, dict):
        start, end = _clock(value.get("from")), _clock(value.get("to"))
        return Wanted(start, end).text() if start and end and start < end else None
    start = _clock(value)
    return Wanted(start).text() if start else None


def wanted(value: Any) -> Optional[Wanted]:
    """The kept hour value read back."""
    first, _, last = str(value or "").partition(_SPAN_SEPARATOR)
    start = _clock(first)
    if start is None:
        return None
    return Wanted(start, _clock(last) if last else None)


# ---- matching the hour with the free times ----


@dataclass(frozen=True)
class Pick:
    """`status` FOUND (exactly), SHIFTED (the nearest free after it), TAKEN, PAST (today, already over), CLOSED (no
    reception then) or NONE_IN_SPAN (a part of the day with nothing free); `at` the free local time picked."""

    status: str
    at: Optional[datetime] = None


def pick_time(
    asked: Wanted,
    day: date,
    free: Sequence[datetime],
    span: Optional[Tuple[datetime, datetime]],
    now: datetime,
    visit: timedelta,
) -> Pick:
    """The free time for the hour asked on `day`: the span's first free time; the hour itself; or the nearest free
    one at or after it within SEARCH. `span` is the day's first and last reception start."""
    zone = now.tzinfo
    start = datetime.combine(day, asked.start, tzinfo=zone)
    if asked.end is not None:
        end = datetime.combine(day, asked.end, tzinfo=zone)
        inside = [at for at in free if start <= at < end]
        return Pick(FOUND, inside[0]) if inside else Pick(NONE_IN_SPAN)
    if start < now:
        return Pick(PAST)
    if span is None or start < span[0] - SEARCH or start >= span[1] + visit:
        return Pick(CLOSED)
    near = [at for at in free if start <= at <= start + SEARCH]
    if not near:
        return Pick(TAKEN)
    return Pick(FOUND if near[0] == start else SHIFTED, near[0])


def around(free: Sequence[datetime], moment: datetime, count: int) -> List[datetime]:
    """Up to `count` free times around `moment`, half before and half after it where there are, in order of time."""
    before = [at for at in free if at < moment]
    after = [at for at in free if at >= moment]
    after_count = min(len(after), max(count // 2, count - len(before)))
    before_count = min(len(before), count - after_count)
    return before[len(before) - before_count :] + after[:after_count]


def spread(free: Sequence[datetime], count: int) -> List[datetime]:
    """Up to `count` free times spread over the day (the first and the last included), in order of time."""
    if len(free) <= count:
        return list(free)
    step = (len(free) - 1) / (count - 1)
    return [free[round(n * step)] for n in range(count)]
