"""Dates as residents see them (the assistant's time zone), and the reading submission window.

The window is configurable with `UTILITIES_READING_WINDOW` ("15-25": from the 15th to the 25th inclusive). It must
open on a day every month has (1–28); it may last to the end of the month ("25-31").
The skill asks the time only through `now` and `today` here, so tests replace them to fix the date.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from typing import Tuple

from engine.sdk import clock as engine_clock

WINDOW_ENV = "UTILITIES_READING_WINDOW"
DEFAULT_WINDOW = (15, 25)

local_zone = engine_clock.local_zone
to_local = engine_clock.to_local
to_store = engine_clock.to_store


def now() -> datetime:
    """Aware datetime in the assistant's time zone."""
    return engine_clock.now()


def today() -> date:
    return now().date()


def reading_window() -> Tuple[int, int]:
    """(first day, last day) of the month when readings are accepted."""
    raw = os.environ.get(WINDOW_ENV, "")
    try:
        first, last = (int(part) for part in raw.split("-"))
        if 1 <= first <= 28 and first <= last <= 31:
            return first, last
    except ValueError:
        pass
    return DEFAULT_WINDOW


def window_is_open(day: date) -> bool:
    first, last = reading_window()
    return first <= day.day <= last


def next_window_opening(day: date) -> date:
    first, _ = reading_window()
    if day.day < first:
        return day.replace(day=first)
    following = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
    return following.replace(day=first)


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` away."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
