"""Calendar arithmetic shared by the date rules (`nlu.rule_dates*`): months, weeks, seasons, years said short.

Dates are plain `datetime.date`s; the rules turn them into ISO strings ("2026-11-22") or {"from", "to"} spans
with `iso` and `span`.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

ROLLOVER_DAYS = 60
# A two-digit year is this century's unless that is more than this many years ahead: then last century's.
TWO_DIGIT_YEAR_AHEAD = 10


def iso(day: date) -> str:
    return day.isoformat()


def span(first: date, last: date) -> dict[str, str]:
    return {"from": iso(first), "to": iso(last)}


def make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later (or earlier), clipped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def month_span(first: date) -> tuple[date, date]:
    """The first and last day of the month `first` is in."""
    start = first.replace(day=1)
    return start, start.replace(day=calendar.monthrange(start.year, start.month)[1])


def months_span(start: date, months: int) -> tuple[date, date]:
    """`months` whole calendar months from the first of `start`'s month."""
    first = start.replace(day=1)
    return first, add_months(first, months) - timedelta(days=1)


def monday(today: date) -> date:
    return today - timedelta(days=today.weekday())


def full_year(today: date, years: int) -> tuple[date, date]:
    """January 1 to December 31 of the year `years` after today's (negative: before)."""
    year = today.year + years
    return date(year, 1, 1), date(year, 12, 31)


def last_season(today: date, first_month: int, years_back: int) -> tuple[date, date]:
    """The latest three-month season starting in `first_month` that is over before today, or the one
    `years_back` years before it: "last autumn" in November is the year before's."""
    start = date(today.year, first_month, 1)
    while months_span(start, 3)[1] >= today:
        start = add_months(start, -12)
    return months_span(add_months(start, -12 * years_back), 3)


def two_digit_year(short: int, today: date) -> int:
    """ "26" is 2026, "74" is 1974: this century's year unless that is too far ahead."""
    year = today.year // 100 * 100 + short
    return year - 100 if year > today.year + TWO_DIGIT_YEAR_AHEAD else year


def date_without_year(today: date, month: int, day: int) -> date | None:
    """This year's day, or next year's when this year's is more than ROLLOVER_DAYS ago."""
    for year in (today.year, today.year + 1):
        candidate = make_date(year, month, day)
        if candidate is not None and (today - candidate).days <= ROLLOVER_DAYS:
            return candidate
    return None


def day_of_month(today: date, day: int) -> date | None:
    """Day `day` of this month if it has not passed, else of the next month that has such a day."""
    year, month = today.year, today.month
    for _ in range(3):
        candidate = make_date(year, month, day)
        if candidate is not None and candidate >= today:
            return candidate
        year, month = next_month(year, month)
    return None
