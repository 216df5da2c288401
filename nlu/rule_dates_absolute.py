"""Dates written with their day: "15 March", "the twenty fifth of December", "15.03.2026", "by the 10th",
"15-20 November".

Works on text folded by `nlu.text_spans.fold_text`; the words are in `nlu/lexicon/dates.yml`. How a day
without a year or month is placed in time is documented in `nlu.rule_dates`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Iterator

from nlu.date_calendar import date_without_year, day_of_month, iso, make_date, span, two_digit_year
from nlu.lexicons import alternatives, lexicon, longest_first
from nlu.text_spans import STOP_AFTER, Found, prev_word

_WORDS = lexicon("dates")

_RANGE_START = frozenset(_WORDS["range_start"])
_RANGE_JOIN = alternatives(_WORDS["range_joins"])

_MONTHS = _WORDS["months"]
_MONTH = (
    "(?P<month>(?:" + alternatives(_MONTHS["names"]) + r")(?!\w)"
    + "|(?:" + alternatives(_MONTHS["abbreviations"]) + r")(?:\.|(?!\w)))"
)  # fmt: skip
_MONTH_BY_PREFIX: dict[str, int] = _MONTHS["by_prefix"]

_ORDINALS = _WORDS["ordinals"]
_ORDINAL_STEMS: dict[str, int] = _ORDINALS["stems"]
_ORDINAL_TENS: dict[str, int] = _ORDINALS["tens"]
_SOFT_STEMS = frozenset(_ORDINALS["soft_stems"])
_SOFT_ENDINGS = frozenset(_ORDINALS["soft_endings"])
_ORDINAL = (
    r"(?:(?P<otens>" + alternatives(_ORDINAL_TENS) + r")\s+)?(?P<ostem>" + longest_first(_ORDINAL_STEMS)
    + r")(?P<oend>" + alternatives(_ORDINALS["soft_endings"] + _ORDINALS["hard_endings"]) + r")(?!\w)"
)  # fmt: skip
_DAY_DIGITS = r"(?P<day>\d{1,2})(?:-?(?:" + alternatives(_WORDS["day_suffixes"]) + "))?"
_YEAR_WORD = _WORDS["year_word"]
# A year must not be the start of an amount.
_NOT_MONEY = _WORDS["not_money_after_year"]
_DAY_MONTH_RE = re.compile(
    rf"(?<![\w.,:/])(?:{_DAY_DIGITS}\s*|{_ORDINAL}\s+){_MONTH}"
    rf"(?:\s+(?P<year>(?:19|20)\d\d)(?!\d){_NOT_MONEY}(?:\s*(?:{_YEAR_WORD}))?)?"
)
_NUMERIC_DATE = (
    r"(?P<day>\d{1,2})(?P<sep>[./])(?P<month>\d{1,2})"
    rf"(?:(?P=sep)(?P<year>\d{{4}}|\d\d)(?:\s*(?:{_YEAR_WORD}))?)?(?!\d|[.,/:]\d)"
)
_NUMERIC_DATE_RE = re.compile(r"(?<![\w.,:/])" + _NUMERIC_DATE)
# Words after which a numeric "date" is a house, flat, order or meter reading.
_NUMBER_OWNER_RE = re.compile(alternatives(_WORDS["number_owners"]))
_DAY_OF_MONTH_RE = re.compile(
    rf"(?<![\w.,:/])(?:{_DAY_DIGITS}|{_ORDINAL})\s+{_WORDS['day_word']}(?!\w)"
    rf"|(?<![\w.,:/])(?P<sday>\d{{1,2}})-?(?:{alternatives(_WORDS['day_of_month_suffixes'])})(?!\w)"
    rf"(?!{STOP_AFTER.pattern})"
)
_DAY_SPAN_RE = re.compile(
    rf"(?<![\w.,:/])(?P<first>\d{{1,2}})(?:-?(?:{alternatives(_WORDS['span_day_suffixes'])}))?"
    rf"(?:\s*-\s*|\s+(?P<join>{_RANGE_JOIN})\s+){_DAY_DIGITS}\s*{_MONTH}"
)
# "14-15.10", "14. - 15.10.2026", "14./15.10": a day, then a numeric date that gives it its month and year.
_NUMERIC_SPAN_RE = re.compile(r"(?<![\w.,:/])(?P<first>\d{1,2})(?:\.?\s*-\s*|\./)" + _NUMERIC_DATE)
# A year written in a date's text: "15 March 2026", "15.03.26".
_YEAR_WRITTEN_RE = re.compile(r"(?:19|20)\d\d|\d[./]\d{1,2}[./]\d")


def year_written(norm: str, found: Found) -> bool:
    return _YEAR_WRITTEN_RE.search(norm, found.start, found.end) is not None


def _ordinal_day(m: re.Match[str]) -> int | None:
    """The day an ordinal word names ("twenty fifth" → 25), None for a malformed one (a soft stem with a hard
    ending or the other way round)."""
    stem = m.group("ostem")
    if (stem in _SOFT_STEMS) != (m.group("oend") in _SOFT_ENDINGS):
        return None
    value = _ORDINAL_STEMS[stem]
    tens = m.group("otens")
    if tens is None:
        return value
    return _ORDINAL_TENS[tens] + value if value <= 9 else None


def _day_number(m: re.Match[str]) -> int | None:
    return int(m.group("day")) if m.group("day") else _ordinal_day(m)


def _day_months(norm: str, today: date) -> Iterator[Found]:
    for m in _DAY_MONTH_RE.finditer(norm):
        day = _day_number(m)
        if day is None:
            continue
        month = _MONTH_BY_PREFIX[m.group("month")[:3]]
        year = m.group("year")
        value = make_date(int(year), month, day) if year else date_without_year(today, month, day)
        if value is not None:
            yield Found("date", m.start(), m.end(), iso(value))


def _numeric_value(m: re.Match[str], norm: str, today: date) -> date | None:
    """The date "15.03.2026" or "15.03" names; None for a house, meter reading or decimal ("1.5", "house 15/03")."""
    day, month, year = int(m.group("day")), int(m.group("month")), m.group("year")
    if year:
        value = make_date(int(year) if len(year) == 4 else two_digit_year(int(year), today), month, day)
    elif (
        len(m.group("month")) == 2
        and not STOP_AFTER.match(norm, m.end())
        and not _NUMBER_OWNER_RE.fullmatch(prev_word(norm, m.start())[0])
    ):
        value = date_without_year(today, month, day)
    else:
        return None
    return value if value is not None and 1900 <= value.year <= 2100 else None


def _numeric_dates(norm: str, today: date) -> Iterator[Found]:
    for m in _NUMERIC_DATE_RE.finditer(norm):
        value = _numeric_value(m, norm, today)
        if value is not None:
            yield Found("date", m.start(), m.end(), iso(value))


def _days_of_month(norm: str, today: date) -> Iterator[Found]:
    for m in _DAY_OF_MONTH_RE.finditer(norm):
        day = int(m.group("sday")) if m.group("sday") else _day_number(m)
        value = day_of_month(today, day) if day else None
        if value is not None:
            yield Found("date", m.start(), m.end(), iso(value))


def _day_spans(norm: str, today: date) -> Iterator[Found]:
    """ "from 15 to 20 November", "15-20 November": the first day takes the month of the second."""
    for m in _DAY_SPAN_RE.finditer(norm):
        if m.group("join") and prev_word(norm, m.start())[0] not in _RANGE_START:
            continue
        last = date_without_year(today, _MONTH_BY_PREFIX[m.group("month")[:3]], int(m.group("day")))
        first = make_date(last.year, last.month, int(m.group("first"))) if last else None
        if first is not None and first < last:
            yield Found("date", m.start(), m.end(), span(first, last))


def _numeric_spans(norm: str, today: date) -> Iterator[Found]:
    """ "14-15.10.2026": the first day takes the month and year of the numeric date after it."""
    for m in _NUMERIC_SPAN_RE.finditer(norm):
        last = _numeric_value(m, norm, today)
        first = make_date(last.year, last.month, int(m.group("first"))) if last else None
        if first is not None and first < last:
            yield Found("date", m.start(), m.end(), span(first, last))


def find_written_dates(norm: str, today: date) -> list[Found]:
    """Single dates written with their day and month: "15 March 2026", "15.03"."""
    return [*_day_months(norm, today), *_numeric_dates(norm, today)]


def find_days_of_month(norm: str, today: date) -> list[Found]:
    """A day of this or next month: "the 15th", "until the 10th day"."""
    return list(_days_of_month(norm, today))


def find_day_spans(norm: str, today: date) -> list[Found]:
    """Spans of days written as one phrase: "15-20 November", "from 15 to 20 November", "14-15.10"."""
    return [*_day_spans(norm, today), *_numeric_spans(norm, today)]
