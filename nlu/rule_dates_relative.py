"""Single dates said relative to today: "tomorrow", "last Friday", "in 3 days", "two weeks ago".

Works on text folded by `nlu.text_spans.fold_text`; the words are in `nlu/lexicon/dates.yml`. The choices
(which Friday is "this Friday"...) are documented in `nlu.rule_dates`.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Iterator

from nlu.date_calendar import add_months, iso, monday
from nlu.lexicons import alternatives, lexicon, phrase_pattern
from nlu.number_words import NUMBER_RUN, NUMBER_WORDS, parse_number_words
from nlu.text_spans import Found, prev_word

_WORDS = lexicon("dates")

_DAY_OFFSETS: dict[str, int] = _WORDS["relative_days"]
_RELATIVE_DAY_RE = re.compile(r"\b(?:" + alternatives(map(phrase_pattern, _DAY_OFFSETS)) + r")(?!\w)")

_WEEKDAYS = _WORDS["weekdays"]
_WEEKDAY_BY_PREFIX: dict[str, int] = _WEEKDAYS["by_prefix"]
_AMBIGUOUS_WEEKDAYS = tuple(_WEEKDAYS["ambiguous_prefixes"])
_WEEKDAY = (
    "(?P<wd>" + alternatives(_WEEKDAYS["names"])
    + "|(?P<abbr>" + alternatives(_WEEKDAYS["abbreviations"]) + r")\.?)(?!\w)"
)  # fmt: skip
WEEKDAY_RE = re.compile(r"\b(?:(?P<mod>" + alternatives(_WEEKDAYS["modifiers"]) + r")\s+)?" + _WEEKDAY)
_STEMS = _WORDS["modifier_stems"]
_NEXT, _LAST, _BEFORE_LAST, _EVERY = (tuple(_STEMS[key]) for key in ("next", "last", "before_last", "every"))
_DATE_PREPOSITIONS = frozenset(_WORDS["date_prepositions"])

_INTERVALS = _WORDS["intervals"]
UNITS = _INTERVALS["units"]
# Digits may run into the unit ("3days"); number words are words of their own.
COUNT = rf"(?P<n>\d{{1,3}}(?!\d)\s*|{NUMBER_RUN}\s+)"
_INTERVAL_RE = re.compile(rf"\b{_INTERVALS['word']}\s+{COUNT}?(?P<unit>{UNITS})(?!\w)")
# Units by first letter: days and weeks count days; months and years are calendar ones.
_DAYS_PER_UNIT: dict[str, int] = _INTERVALS["days_per_unit"]
_MONTHS_PER_UNIT: dict[str, int] = _INTERVALS["months_per_unit"]
_INTERVAL_LIMITS: dict[str, int] = _INTERVALS["limits"]
_SINGLE_UNITS = frozenset(_INTERVALS["single"])

_AGO = _WORDS["ago"]
# Found from the end: the count before the units is read backwards (`_count_before`), so that a long run of
# number words is not rescanned from each of its words.
_AGO_RE = re.compile(rf"(?<![^\W\d])(?P<unit>{UNITS}|{_AGO['extra_units']})\s+{_AGO['word']}(?!\w)")
_DIGITS_BEFORE_RE = re.compile(r"(?<![\w.,:/])\d{1,3}\s*$")
# The longest count in words a unit takes ("three hundred sixty five").
_MAX_COUNT_WORDS = 4


def _weekday_date(today: date, weekday: int, modifier: str) -> date:
    if modifier.startswith(_NEXT):
        return monday(today) + timedelta(days=7 + weekday)
    if modifier.startswith(_LAST):
        return monday(today) + timedelta(days=weekday - 7)
    if modifier.startswith(_BEFORE_LAST):
        return monday(today) + timedelta(days=weekday - 14)
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def _relative_days(norm: str, today: date) -> Iterator[Found]:
    for m in _RELATIVE_DAY_RE.finditer(norm):
        offset = _DAY_OFFSETS[" ".join(m.group().split())]
        yield Found("date", m.start(), m.end(), iso(today + timedelta(days=offset)))


def find_weekdays(norm: str, today: date) -> list[Found]:
    found = []
    for m in WEEKDAY_RE.finditer(norm):
        modifier = m.group("mod") or ""
        if modifier.startswith(_EVERY):  # "every Wednesday" repeats, it is not a date
            continue
        weekday_text = m.group("wd")
        # Wednesday is also "environment", and abbreviations are too short to stand alone.
        needs_cue = m.group("abbr") is not None or weekday_text.startswith(_AMBIGUOUS_WEEKDAYS)
        if needs_cue and not modifier and prev_word(norm, m.start())[0] not in _DATE_PREPOSITIONS:
            continue
        weekday = _WEEKDAY_BY_PREFIX[weekday_text[:2]]
        found.append(Found("date", m.start(), m.end(), iso(_weekday_date(today, weekday, modifier))))
    return found


def unit_count(raw: str | None, unit: str) -> int | None:
    """How many units are counted: none written means one ("in a week"), but not for a plural unit."""
    if raw is None:
        return 1 if unit in _SINGLE_UNITS else None
    raw = raw.strip()
    count = float(raw) if raw.isdigit() else parse_number_words(raw)
    if count is None or not count.is_integer() or not 1 <= count <= _INTERVAL_LIMITS[unit[0]]:
        return None
    return int(count)


def shift(today: date, count: int, unit: str) -> date:
    """Today moved by `count` units (negative: back); months and years are calendar ones."""
    if unit[0] in _DAYS_PER_UNIT:
        return today + timedelta(days=count * _DAYS_PER_UNIT[unit[0]])
    return add_months(today, count * _MONTHS_PER_UNIT[unit[0]])


def _intervals(norm: str, today: date) -> Iterator[Found]:
    for m in _INTERVAL_RE.finditer(norm):
        unit = m.group("unit")
        count = unit_count(m.group("n"), unit)
        if count is not None:
            yield Found("date", m.start(), m.end(), iso(shift(today, count, unit)))


def _count_before(norm: str, start: int, unit: str) -> tuple[int | None, int]:
    """The count said right before the unit at `start` ("3 ", "3", "two ", "twenty one ") and where it begins;
    with none said, the count the unit alone means (one, or None for a plural unit) and `start`. A count that is
    said but out of range gives None: "500 days ago" is no date."""
    digits = _DIGITS_BEFORE_RE.search(norm, max(0, start - 24), start)
    if digits:
        return unit_count(digits.group(), unit), digits.start()
    words: list[tuple[str, int]] = []
    begin = start
    for _ in range(_MAX_COUNT_WORDS):
        word, begin = prev_word(norm, begin)
        if word not in NUMBER_WORDS:
            break
        words.insert(0, (word, begin))
    for first in range(len(words)):  # the longest run of words before the unit that is one number
        count = unit_count(" ".join(word for word, _ in words[first:]), unit)
        if count is not None:
            return count, words[first][1]
    return (None, start) if words else (unit_count(None, unit), start)


def _ago(norm: str, today: date) -> Iterator[Found]:
    for m in _AGO_RE.finditer(norm):
        unit = m.group("unit")
        count, begin = _count_before(norm, m.start(), unit)
        if count is not None:
            yield Found("date", begin, m.end(), iso(shift(today, -count, unit)))


def find_relative_dates(norm: str, today: date) -> list[Found]:
    """Relative days, "in N units" and "N units ago" (weekdays are found by `find_weekdays`)."""
    return [*_relative_days(norm, today), *_intervals(norm, today), *_ago(norm, today)]
