"""When the car is wanted: now, in 20 minutes, at 18:30, tomorrow by 7 in the morning.

The rule extractor gives dates as ISO strings ("2026-12-06") and times as "HH:MM" or a range {"from", "to"} (its
start is taken). A time alone that has passed today by more than `PAST_GRACE` is tomorrow's ("at 7 in the morning" said at
nine in the evening). A day without a time needs the hour, which the form then asks.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any, Optional, Union

from engine.sdk import clock, fold_spelling, read_minutes, skill_lexicon

NOW = "now"
PAST_GRACE = timedelta(minutes=10)
MAX_AHEAD_DAYS = 7
_LEXICON = skill_lexicon(__file__)
_NOW_WORDS = re.compile(r"(?<!\w)(?:" + "|".join(_LEXICON["now_words"]) + r")(?!\w)")
_IN_WORDS = re.compile(r"(?<!\w)(?:" + "|".join(_LEXICON["in_words"]) + r")\s+(?P<rest>.+)")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")


def _first(value: Any) -> Any:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("from") or value.get("start")
    return value


def _day(value: Any) -> Optional[date]:
    try:
        return date.fromisoformat(str(_first(value))[:10]) if value else None
    except ValueError:
        return None


def _clock_time(value: Any) -> Optional[time]:
    match = _CLOCK.match(str(_first(value) or "").strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        return None
    return time(int(match.group(1)), int(match.group(2)))


def read_pickup(text: str, day: Any, hour: Any, now: datetime) -> Optional[Union[str, date]]:
    """What the message says of the pickup: NOW, an ISO local date-time, a `date` when only the day was said,
    or None when it says nothing of it."""
    moment = _clock_time(hour)
    when = _day(day)
    if moment is not None:
        base = when or now.date()
        at = datetime.combine(base, moment, tzinfo=now.tzinfo)
        if when is None and at < now - PAST_GRACE:
            at += timedelta(days=1)
        return at.isoformat(timespec="minutes")
    folded = fold_spelling((text or "").lower())
    later = _IN_WORDS.search(folded)
    minutes = read_minutes(later.group("rest")) if later else None
    if minutes:
        return (now + timedelta(minutes=minutes)).isoformat(timespec="minutes")
    if when is not None:
        return NOW if when == now.date() and not later else when
    if _NOW_WORDS.search(folded):
        return NOW
    return None


def pickup_moment(value: Any, now: datetime) -> Optional[datetime]:
    """The aware local moment a slot value stands for (NOW is `now`), None for a day without an hour."""
    if value in (None, NOW):
        return now
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None
    return parsed.astimezone(clock.local_zone())


def is_past(moment: datetime, now: datetime) -> bool:
    return moment < now - PAST_GRACE


def is_too_far(moment: datetime, now: datetime) -> bool:
    return moment > now + timedelta(days=MAX_AHEAD_DAYS)
