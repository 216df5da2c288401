"""Dates in Russian resident messages: relative days, weekdays, day and month, numeric dates, spans, periods.

Everything here works on text folded by `nlu.text_spans.fold_text`, so offsets of a match are offsets into the
original message. The words are in `nlu/lexicon/dates.yml`; the finders are by topic in
`nlu.rule_dates_absolute` (written days), `nlu.rule_dates_relative` (days relative to today) and
`nlu.rule_dates_periods` (weeks, months, years, seasons, windows), with their arithmetic in `nlu.date_calendar`.
This module joins their candidates into ranges. A value is an ISO date or {"from", "to"} with both ends
included. Spans leave out prepositions ("for tomorrow" is just "tomorrow") except where the preposition is the
meaning ("in a week", "after lunch").

Documented choices:
* A weekday on its own or with "this/nearest" ("on Friday", "this Friday") is the nearest such day from today
  on, today included. "next …" is that weekday of next calendar week (weeks start on Monday), the usual
  reading of "next Wednesday": on a Monday it is nine days away, on a Sunday three. "last …" is last week's,
  "the … before last" the week before's.
* A day and month without a year ("15 March", "15.03") is this year's, unless that is over `ROLLOVER_DAYS` ago:
  then next year's. In November "15 January" is next January, while "1 November" is still this year's
  (residents do report what happened three weeks ago). A two-digit year is this century's unless that is more
  than ten years ahead ("31.10.74" is 1974).
* A day without a month ("the 15th", "by the 10th", "until the 10th day") is in this month, or in the next
  month that has that day once it has passed.
* "N units ago" ("3 days ago", "half a year ago") and "in N units" are calendar arithmetic: a month back from
  March 31 is February's last day.
* "at the weekend" is the Saturday–Sunday from the nearest Saturday on (a Saturday counts, a Sunday does not);
  "this week" and "this month" run from today to their end; "last week/month/year" and the ones before last
  are the whole calendar week (Monday–Sunday), month or year. "This year" is not read: it looks back as often
  as ahead. "Last autumn" is the latest whole autumn over before today (in November, the year before's).
* "for the last N units" ("for the last 3 months", "the last 10 days") is a window ending today: from the day
  after the same day N units ago up to today ("the last 7 days" are today and the six before).
* Two dates joined by "from … to/until …" or by a dash make a range; a first date without a year takes the year of
  a second one written with its year ("from 25.12 to 10.01.2027"). A weekday right before a written date
  ("Friday, 18 July") is part of that date.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from datetime import date, timedelta
from typing import Iterator

from nlu.date_calendar import ROLLOVER_DAYS, date_without_year, make_date, span
from nlu.lexicons import alternatives, lexicon
from nlu.rule_dates_absolute import find_day_spans, find_days_of_month, find_written_dates, year_written
from nlu.rule_dates_periods import find_periods
from nlu.rule_dates_relative import WEEKDAY_RE, find_relative_dates, find_weekdays
from nlu.text_spans import Found, prev_word

__all__ = ["ROLLOVER_DAYS", "date_without_year", "find_dates"]

_WORDS = lexicon("dates")
_RANGE_START = frozenset(_WORDS["range_start"])
_RANGE_JOIN = alternatives(_WORDS["range_joins"])
# The dot that may end a numeric date ("14.10. - 15.10.") is left out of its span, so a gap may start with it.
_PAIR_GAP_RE = re.compile(rf"\.?(?:\s*-\s*|\s+(?:{_RANGE_JOIN})\s+)")
_DASH_GAP_RE = re.compile(r"\.?\s*-\s*")
# As far as a pair's gap can go: a dot, white space, a dash or a join word (with the words of the longest join),
# white space. Every end of a `_PAIR_GAP_RE` match from the same start lies within it. The runs of other characters
# are bounded by the longest join word: unbounded, a message of dates joined by dashes ("01.10-01.10-…") would
# make every date reach to its end, and the pairing quadratic.
_JOIN_WORDS = max(len(join.split()) for join in _WORDS["range_joins"])
_JOIN_CHARS = max(1, *(len(word) for join in _WORDS["range_joins"] for word in join.split()))
_PAIR_REACH_RE = re.compile(
    rf"\.?\s*\S{{0,{_JOIN_CHARS}}}(?:\s+\S{{1,{_JOIN_CHARS}}}){{0,{_JOIN_WORDS - 1}}}\s*"
)
# Between a weekday and the date it names: "Friday, 18 July", "Mon 18.02".
_WEEKDAY_GAP_RE = re.compile(r"\s*,?\s*")


def _nearby(singles: list[Found], starts: list[int], end: int, reach: int) -> list[Found]:
    """The dates that start after `end` and no later than `reach` (found by bisection: linear in the number of
    dates, not quadratic, on a long message)."""
    return singles[bisect_right(starts, end) : bisect_right(starts, reach)]


def _range_start(first: Found, last: Found, norm: str, written: set[int]) -> date:
    """The first day of a range: a written day without a year takes the year of the last day when that one has
    its year written, or the year before when the day would come after it."""
    start, end = date.fromisoformat(first.value), date.fromisoformat(last.value)
    if first.start not in written or year_written(norm, first) or not year_written(norm, last):
        return start
    for year in (end.year, end.year - 1):
        moved = make_date(year, start.month, start.day)
        if moved is not None and moved <= end:
            return moved
    return start


def _date_pairs(norm: str, dates: list[Found], written: set[int]) -> Iterator[Found]:
    """ "from Monday to Friday", "from 25 December to 10 January", "13 July - 15 July": two single dates joined
    into a range. The second date starts within `_PAIR_REACH_RE`'s reach of the first one's end."""
    singles = sorted((f for f in dates if isinstance(f.value, str)), key=lambda f: f.start)
    starts = [f.start for f in singles]
    for first in singles:
        gap = _PAIR_GAP_RE if prev_word(norm, first.start)[0] in _RANGE_START else _DASH_GAP_RE
        reach = _PAIR_REACH_RE.match(norm, first.end).end()
        for last in _nearby(singles, starts, first.end, reach):
            if gap.fullmatch(norm, first.end, last.start):
                start, end = _range_start(first, last, norm, written), date.fromisoformat(last.value)
                if end < start and WEEKDAY_RE.fullmatch(norm, last.start, last.end):
                    end += timedelta(days=7)  # "from Friday to Monday"
                if start < end:
                    yield Found("date", first.start, last.end, span(start, end))


def _dated_weekdays(norm: str, weekdays: list[Found], written: list[Found]) -> Iterator[Found]:
    """ "Friday, 18 July 2014": a weekday followed by a written date is that date. A date starts with neither a
    space nor a comma, so it can only start where the gap after the weekday ends."""
    starting_at = {f.start: f for f in sorted(written, key=lambda f: f.end)}  # the longest one at each start
    for weekday in weekdays:
        day = starting_at.get(_WEEKDAY_GAP_RE.match(norm, weekday.end).end())
        if day is not None:
            yield Found("date", weekday.start, day.end, day.value)


def find_dates(norm: str, today: date) -> list[Found]:
    """Every date candidate in folded text, overlapping ones included."""
    written = find_written_dates(norm, today)
    days_of_month = find_days_of_month(norm, today)
    weekdays = find_weekdays(norm, today)
    found = [
        *written,
        *days_of_month,
        *weekdays,
        *find_relative_dates(norm, today),
        *find_day_spans(norm, today),
        *find_periods(norm, today),
    ]
    found += _dated_weekdays(norm, weekdays, written + days_of_month)
    return found + list(_date_pairs(norm, found, {f.start for f in written}))
