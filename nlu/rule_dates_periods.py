"""Spans of days said as a period: "this week", "last month", "the year before last", "last autumn", "at the
weekend", "for the last 3 months".

Works on text folded by `nlu.text_spans.fold_text`; the words are in `nlu/lexicon/dates.yml`. Every value is
{"from", "to"} with both ends included; the choices are documented in `nlu.rule_dates`.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Iterator

from nlu.date_calendar import add_months, full_year, last_season, monday, month_span, span
from nlu.lexicons import alternatives, lexicon
from nlu.rule_dates_relative import COUNT, UNITS, shift, unit_count
from nlu.text_spans import Found, prev_word

_WORDS = lexicon("dates")
_NEXT = tuple(_WORDS["modifier_stems"]["next"])

_PERIODS = _WORDS["periods"]
_MODIFIERS: dict[str, str] = _PERIODS["modifiers"]
_SEASONS: dict[str, int] = _PERIODS["seasons"]
_SEASON_START = {form[0]: month for form, month in _SEASONS.items()}  # by the season's first letter
_NOUNS = {"week": _PERIODS["week"], "month": _PERIODS["month"], "year": _PERIODS["year"]}
_TAKES = {
    "week": frozenset(_MODIFIERS),
    "month": frozenset(_MODIFIERS),
    "year": frozenset(_PERIODS["year_modifiers"]),
    "season": frozenset(_PERIODS["season_modifiers"]),
}
_PERIOD_RE = re.compile(
    r"\b(?:" + alternatives(f"(?P<{meaning}>{forms})" for meaning, forms in _MODIFIERS.items()) + r")\s+"
    + "(?:" + alternatives(f"(?P<{noun}>{forms})" for noun, forms in _NOUNS.items())
    + "|(?P<season>" + alternatives(_SEASONS) + r"))(?!\w)"
)  # fmt: skip
# How many weeks, months or years from this one: "current" is handled apart.
_STEP = {"next": 1, "last": -1, "before_last": -2}

_WEEKEND = _PERIODS["weekend"]
_WEEKEND_RE = re.compile(
    rf"\b(?:{alternatives(_WEEKEND['prepositions'])})\s+"
    rf"(?P<weekend>(?:(?P<emod>{alternatives(_WEEKEND['modifiers'])})\s+)?{_WEEKEND['noun']})(?!\w)"
)

_WINDOWS = _WORDS["last_windows"]
_WINDOW_RE = re.compile(rf"\b{_WINDOWS['word']}\s+{COUNT}?(?P<unit>{UNITS})(?!\w)")
_WINDOW_PREPOSITIONS = frozenset(_WINDOWS["prepositions"])


def _period(noun: str, meaning: str, first_letter: str, today: date) -> tuple[date, date]:
    """The first and last day of "this week", "last month", "the year before last", "last autumn"..."""
    if noun == "season":
        return last_season(today, _SEASON_START[first_letter], 0 if meaning == "last" else 1)
    if noun == "year":
        return full_year(today, _STEP[meaning])
    if noun == "week":
        start = monday(today) + timedelta(days=7 * _STEP.get(meaning, 0))
        return today if meaning == "current" else start, start + timedelta(days=6)
    if meaning == "current":
        return today, month_span(today)[1]
    return month_span(add_months(today.replace(day=1), _STEP[meaning]))


def _periods(norm: str, today: date) -> Iterator[Found]:
    for m in _PERIOD_RE.finditer(norm):
        meaning = next(key for key in _MODIFIERS if m.group(key))
        noun = next(key for key in _TAKES if m.group(key))
        if meaning in _TAKES[noun]:
            first, last = _period(noun, meaning, m.group(noun)[0], today)
            yield Found("date", m.start(), m.end(), span(first, last))


def _weekends(norm: str, today: date) -> Iterator[Found]:
    """ "at the weekend": the nearest Saturday on (a Saturday counts, a Sunday does not); "next weekend" is
    next calendar week's."""
    for m in _WEEKEND_RE.finditer(norm):
        if (m.group("emod") or "").startswith(_NEXT):
            saturday = monday(today) + timedelta(days=12)
        else:
            saturday = today + timedelta(days=(5 - today.weekday()) % 7)
        yield Found(
            "date", m.start("weekend"), m.end("weekend"), span(saturday, saturday + timedelta(days=1))
        )


def _windows(norm: str, today: date) -> Iterator[Found]:
    """ "for the last 3 months": from the day after the same day 3 months ago up to today."""
    for m in _WINDOW_RE.finditer(norm):
        raw, unit = m.group("n"), m.group("unit")
        if raw is None and prev_word(norm, m.start())[0] not in _WINDOW_PREPOSITIONS:
            continue  # "on the last day of the month" is no window; "for the last month" is
        count = unit_count(raw, unit)
        if count is not None:
            yield Found(
                "date", m.start(), m.end(), span(shift(today, -count, unit) + timedelta(days=1), today)
            )


def find_periods(norm: str, today: date) -> list[Found]:
    return [*_periods(norm, today), *_weekends(norm, today), *_windows(norm, today)]
