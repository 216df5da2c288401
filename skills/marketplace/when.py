"""Reading the day and the hour of a visit from what the NLU found or the resident typed.

Dates come from the rule extractor as ISO strings ("2026-12-02"), times as "10:00" or as a range
{"from": "13:00", "to": "18:00"} (an afternoon); a resident asked for the hour may type just "10" or a phrase
of lexicon.yml's hour_pattern.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, List, Optional, Tuple

from engine.sdk import skill_lexicon

LEXICON = skill_lexicon(__file__)
HOUR_TEXT = re.compile(LEXICON["hour_pattern"])
AFTERNOON_WORDS = frozenset(LEXICON["afternoon_words"])
CLOCK = re.compile(r"(\d{1,2}):(\d{2})")


@dataclass(frozen=True)
class Hours:
    """The whole hours a resident would accept, earliest first; `minutes` set when they asked for e.g. 10:30."""

    hours: List[int]
    minutes: int = 0


def parse_day(value: Any) -> Optional[date]:
    if isinstance(value, dict):
        value = value.get("from") or value.get("start")
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _clock(text: str) -> Optional[Tuple[int, int]]:
    match = CLOCK.fullmatch(text.strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        return None
    return int(match.group(1)), int(match.group(2))


def parse_hours(value: Any) -> Optional[Hours]:
    """Hours from "10:00", {"from": "13:00", "to": "18:00"}, "10" or a typed phrase (an evening 7 is 19);
    None when unreadable."""
    if isinstance(value, list):
        value = value[-1] if value else None
    if isinstance(value, dict):
        start, end = _clock(str(value.get("from", ""))), _clock(str(value.get("to", "")))
        if start is None or end is None:
            return None
        first = start[0] + (1 if start[1] else 0)
        return Hours(list(range(first, end[0]))) if first < end[0] else None
    if value is None:
        return None
    text = str(value).strip().lower()
    clock = _clock(text)
    if clock is not None:
        return Hours([clock[0]], clock[1])
    match = HOUR_TEXT.match(text)
    if not match:
        return None
    hour, minutes = int(match.group(1)), int(match.group(2) or 0)
    if match.group(3) in AFTERNOON_WORDS and hour < 12:
        hour += 12
    if hour > 23 or minutes > 59:
        return None
    return Hours([hour], minutes)


def hour_text(hour: int) -> str:
    return f"{hour:02d}:00"
