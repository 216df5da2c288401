"""Dates in Russian resident messages: relative days, weekdays, day and month, numeric dates, spans, periods.

Everything here works on text folded by `nlu.text_spans.fold_text`, so offsets of a match are offsets into the
original message. The words are in `nlu/lexicon/dates.yml`. Spans leave out prepositions ("for tomorrow" is
just "tomorrow") except where the preposition is the meaning ("in a week", "after lunch").

Documented choices:
* A weekday on its own or with "this/nearest" ("on Friday", "this Friday") is the nearest such day from today
  on, today included. "next …" is that weekday of next calendar week (weeks start on Monday), the usual
  reading of "next Wednesday": on a Monday it is nine days away, on a Sunday three. "last …" is last week's.
* A day and month without a year ("15 March", "15.03") is this year's, unless that is over `ROLLOVER_DAYS` ago:
  then next year's. In November "15 January" is next January, while "1 November" is still this year's
  (residents do report what happened three weeks ago).
* A day without a month ("the 15th", "by the 10th", "until the 10th day") is in this month, or in the next
  month that has that day once it has passed.
* "at the weekend" is the Saturday–Sunday from the nearest Saturday on (a Saturday counts, a Sunday does not);
  "this week" and "this month" run from today to their end.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_right
from datetime import date, timedelta
from typing import Iterator

from nlu.lexicons import alternatives, lexicon, longest_first, phrase_pattern
from nlu.number_words import NUMBER_RUN, parse_number_words
from nlu.text_spans import STOP_AFTER, Found, prev_word

ROLLOVER_DAYS = 60

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
_WEEKDAY_RE = re.compile(r"\b(?:(?P<mod>" + alternatives(_WEEKDAYS["modifiers"]) + r")\s+)?" + _WEEKDAY)
_NEXT = tuple(_WORDS["modifier_stems"]["next"])
_LAST = tuple(_WORDS["modifier_stems"]["last"])
_EVERY = tuple(_WORDS["modifier_stems"]["every"])
_DATE_PREPOSITIONS = frozenset(_WORDS["date_prepositions"])
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
_NUMERIC_DATE_RE = re.compile(
    r"(?<![\w.,:/])(?P<day>\d{1,2})(?P<sep>[./])(?P<month>\d{1,2})"
    rf"(?:(?P=sep)(?P<year>\d{{4}}|\d\d)(?:\s*(?:{_YEAR_WORD}))?)?(?!\d|[.,/:]\d)"
)
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

_INTERVALS = _WORDS["intervals"]
_INTERVAL_RE = re.compile(
    rf"\b{_INTERVALS['word']}\s+(?:(?P<n>\d{{1,3}}(?!\d)|{NUMBER_RUN})\s+)?(?P<unit>{_INTERVALS['units']})(?!\w)"
)
# Units by first letter: days and weeks count days; months and years are calendar ones.
_DAYS_PER_UNIT: dict[str, int] = _INTERVALS["days_per_unit"]
_MONTHS_PER_UNIT: dict[str, int] = _INTERVALS["months_per_unit"]
_INTERVAL_LIMITS: dict[str, int] = _INTERVALS["limits"]
_SINGLE_UNITS = frozenset(_INTERVALS["single"])

_WEEK, _MONTH_PERIOD, _WEEKEND = (_WORDS["periods"][key] for key in ("week", "month", "weekend"))
_PERIOD_RE = re.compile(
    rf"\b(?:{_WEEK['preposition']}\s+(?P<week>(?P<wmod>{alternatives(_WEEK['modifiers'])})\s+{_WEEK['noun']})"
    rf"|{_MONTH_PERIOD['preposition']}\s+"
    rf"(?P<mon>(?P<mmod>{alternatives(_MONTH_PERIOD['modifiers'])})\s+{_MONTH_PERIOD['noun']})"
    rf"|(?:{alternatives(_WEEKEND['prepositions'])})\s+"
    rf"(?P<weekend>(?:(?P<emod>{alternatives(_WEEKEND['modifiers'])})\s+)?{_WEEKEND['noun']}))(?!\w)"
)
_CURRENT_WEEK = frozenset(_WEEK["current"])
_CURRENT_MONTH = frozenset(_MONTH_PERIOD["current"])
_PAIR_GAP_RE = re.compile(rf"\s*-\s*|\s+(?:{_RANGE_JOIN})\s+")
# As far as a pair's gap can go: white space, one run of other characters (a dash or a join word, with the words
# of the longest join), white space. Every end of a `_PAIR_GAP_RE` match from the same start lies within it.
_JOIN_WORDS = max(len(join.split()) for join in _WORDS["range_joins"])
_PAIR_REACH_RE = re.compile(rf"\s*\S*(?:\s+\S+){{0,{_JOIN_WORDS - 1}}}\s*")


def _iso(day: date) -> str:
    return day.isoformat()


def _make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _monday(today: date) -> date:
    return today - timedelta(days=today.weekday())


def date_without_year(today: date, month: int, day: int) -> date | None:
    """This year's day, or next year's when this year's is more than ROLLOVER_DAYS ago."""
    for year in (today.year, today.year + 1):
        candidate = _make_date(year, month, day)
        if candidate is not None and (today - candidate).days <= ROLLOVER_DAYS:
            return candidate
    return None


def _day_of_month(today: date, day: int) -> date | None:
    """Day `day` of this month if it has not passed, else of the next month that has such a day."""
    year, month = today.year, today.month
    for _ in range(3):
        candidate = _make_date(year, month, day)
        if candidate is not None and candidate >= today:
            return candidate
        year, month = _next_month(year, month)
    return None


def _weekday_date(today: date, weekday: int, modifier: str) -> date:
    if modifier.startswith(_NEXT):
        return _monday(today) + timedelta(days=7 + weekday)
    if modifier.startswith(_LAST):
        return _monday(today) + timedelta(days=weekday - 7)
    return today + timedelta(days=(weekday - today.weekday()) % 7)


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


def _relative_days(norm: str, today: date) -> Iterator[Found]:
    for m in _RELATIVE_DAY_RE.finditer(norm):
        offset = _DAY_OFFSETS[" ".join(m.group().split())]
        yield Found("date", m.start(), m.end(), _iso(today + timedelta(days=offset)))


def _weekdays(norm: str, today: date) -> Iterator[Found]:
    for m in _WEEKDAY_RE.finditer(norm):
        modifier = m.group("mod") or ""
        if modifier.startswith(_EVERY):  # "every Wednesday" repeats, it is not a date
            continue
        weekday_text = m.group("wd")
        # Wednesday is also "environment", and abbreviations are too short to stand alone.
        needs_cue = m.group("abbr") is not None or weekday_text.startswith(_AMBIGUOUS_WEEKDAYS)
        if needs_cue and not modifier and prev_word(norm, m.start())[0] not in _DATE_PREPOSITIONS:
            continue
        weekday = _WEEKDAY_BY_PREFIX[weekday_text[:2]]
        yield Found("date", m.start(), m.end(), _iso(_weekday_date(today, weekday, modifier)))


def _day_months(norm: str, today: date) -> Iterator[Found]:
    for m in _DAY_MONTH_RE.finditer(norm):
        day = _day_number(m)
        if day is None:
            continue
        month = _MONTH_BY_PREFIX[m.group("month")[:3]]
        year = m.group("year")
        value = _make_date(int(year), month, day) if year else date_without_year(today, month, day)
        if value is not None:
            yield Found("date", m.start(), m.end(), _iso(value))


def _numeric_dates(norm: str, today: date) -> Iterator[Found]:
    for m in _NUMERIC_DATE_RE.finditer(norm):
        day, month, year = int(m.group("day")), int(m.group("month")), m.group("year")
        if year:
            value = _make_date(int(year) + (2000 if len(year) == 2 else 0), month, day)
        elif (
            len(m.group("month")) == 2
            and not STOP_AFTER.match(norm, m.end())
            and not _NUMBER_OWNER_RE.fullmatch(prev_word(norm, m.start())[0])
        ):
            value = date_without_year(today, month, day)
        else:
            continue
        if value is not None and 1900 <= value.year <= 2100:
            yield Found("date", m.start(), m.end(), _iso(value))


def _days_of_month(norm: str, today: date) -> Iterator[Found]:
    for m in _DAY_OF_MONTH_RE.finditer(norm):
        day = int(m.group("sday")) if m.group("sday") else _day_number(m)
        value = _day_of_month(today, day) if day else None
        if value is not None:
            yield Found("date", m.start(), m.end(), _iso(value))


def _day_spans(norm: str, today: date) -> Iterator[Found]:
    """ "from 15 to 20 November", "15-20 November": the first day takes the month of the second."""
    for m in _DAY_SPAN_RE.finditer(norm):
        if m.group("join") and prev_word(norm, m.start())[0] not in _RANGE_START:
            continue
        last = date_without_year(today, _MONTH_BY_PREFIX[m.group("month")[:3]], int(m.group("day")))
        first = _make_date(last.year, last.month, int(m.group("first"))) if last else None
        if first is not None and first < last:
            yield Found("date", m.start(), m.end(), {"from": _iso(first), "to": _iso(last)})


def _interval_count(raw: str | None, unit: str) -> int | None:
    """How many units "in …" counts: none written means one ("in a week"), but not for a plural unit."""
    if raw is None:
        return 1 if unit in _SINGLE_UNITS else None
    count = float(raw) if raw.isdigit() else parse_number_words(raw)
    if count is None or not count.is_integer() or not 1 <= count <= _INTERVAL_LIMITS[unit[0]]:
        return None
    return int(count)


def _intervals(norm: str, today: date) -> Iterator[Found]:
    for m in _INTERVAL_RE.finditer(norm):
        unit = m.group("unit")
        count = _interval_count(m.group("n"), unit)
        if count is None:
            continue
        if unit[0] in _DAYS_PER_UNIT:
            value = today + timedelta(days=count * _DAYS_PER_UNIT[unit[0]])
        else:
            value = _add_months(today, count * _MONTHS_PER_UNIT[unit[0]])
        yield Found("date", m.start(), m.end(), _iso(value))


def _period(m: re.Match[str], today: date) -> tuple[date, date]:
    """The first and last day of "this week", "next month", "at the weekend"..."""
    if m.group("week"):
        monday = _monday(today) + timedelta(days=0 if m.group("wmod") in _CURRENT_WEEK else 7)
        return max(monday, today), monday + timedelta(days=6)
    if m.group("mon"):
        first = today if m.group("mmod") in _CURRENT_MONTH else date(*_next_month(today.year, today.month), 1)
        return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])
    modifier = m.group("emod") or ""
    if modifier.startswith(_NEXT):
        saturday = _monday(today) + timedelta(days=12)
    else:
        saturday = today + timedelta(days=(5 - today.weekday()) % 7)
    return saturday, saturday + timedelta(days=1)


def _periods(norm: str, today: date) -> Iterator[Found]:
    for m in _PERIOD_RE.finditer(norm):
        group = "week" if m.group("week") else "mon" if m.group("mon") else "weekend"
        first, last = _period(m, today)
        yield Found("date", m.start(group), m.end(group), {"from": _iso(first), "to": _iso(last)})


def _date_pairs(norm: str, dates: list[Found]) -> Iterator[Found]:
    """ "from Monday to Friday", "from 25 December to 10 January": two single dates joined into a range.

    The second date starts within `_PAIR_REACH_RE`'s reach of the first one's end, so only the singles starting
    there are tried (found by bisection): linear in the number of dates, not quadratic, on a long message."""
    singles = sorted((f for f in dates if isinstance(f.value, str)), key=lambda f: f.start)
    starts = [f.start for f in singles]
    for first in singles:
        if prev_word(norm, first.start)[0] not in _RANGE_START:
            continue
        reach = _PAIR_REACH_RE.match(norm, first.end).end()
        nearby = singles[bisect_right(starts, first.end) : bisect_right(starts, reach)]
        for last in nearby:
            if _PAIR_GAP_RE.fullmatch(norm, first.end, last.start):
                start, end = date.fromisoformat(first.value), date.fromisoformat(last.value)
                if end < start and _WEEKDAY_RE.fullmatch(norm, last.start, last.end):
                    end += timedelta(days=7)  # "from Friday to Monday"
                if start < end:
                    yield Found("date", first.start, last.end, {"from": _iso(start), "to": _iso(end)})


def find_dates(norm: str, today: date) -> list[Found]:
    """Every date candidate in folded text, overlapping ones included."""
    found = [
        *_relative_days(norm, today),
        *_weekdays(norm, today),
        *_day_months(norm, today),
        *_numeric_dates(norm, today),
        *_days_of_month(norm, today),
        *_day_spans(norm, today),
        *_intervals(norm, today),
        *_periods(norm, today),
    ]
    return found + list(_date_pairs(norm, found))
