"""nlu.rule_dates: dates without a year, and relative dates seen from days other than the tests' Sunday."""

from __future__ import annotations

from datetime import date

import pytest

from nlu.rule_dates import date_without_year, find_dates
from nlu.text_spans import fold_text

MONDAY = date(2026, 11, 23)
SATURDAY = date(2026, 11, 28)


def dates(text: str, today: date) -> list:
    """The date values found in `text`, longest first (extract_rule_entities keeps the longest)."""
    found = sorted(find_dates(fold_text(text), today), key=lambda f: f.start - f.end)
    return [f.value for f in found]


@pytest.mark.parametrize(
    "today,month,day,expected",
    [
        (date(2026, 11, 22), 3, 15, date(2027, 3, 15)),
        (date(2026, 11, 22), 9, 23, date(2026, 9, 23)),  # 60 days ago: still this year
        (date(2026, 11, 22), 9, 22, date(2027, 9, 22)),  # 61 days ago: next year
        (date(2026, 2, 10), 12, 31, date(2026, 12, 31)),
        (date(2026, 11, 22), 2, 29, None),  # neither 2026 nor 2027 has one
    ],
)
def test_date_without_year(today: date, month: int, day: int, expected: date | None) -> None:
    assert date_without_year(today, month, day) == expected


@pytest.mark.parametrize(
    "text,today,expected",
    [
        ("в среду", MONDAY, "2026-11-25"),
        ("в следующую среду", MONDAY, "2026-12-02"),  # next calendar week, not the nearest Wednesday
        ("в понедельник", MONDAY, "2026-11-23"),
        ("в следующий понедельник", MONDAY, "2026-11-30"),
        ("в субботу", SATURDAY, "2026-11-28"),
        ("в выходные", SATURDAY, {"from": "2026-11-28", "to": "2026-11-29"}),
        ("в следующие выходные", SATURDAY, {"from": "2026-12-05", "to": "2026-12-06"}),
        ("на этой неделе", MONDAY, {"from": "2026-11-23", "to": "2026-11-29"}),
        ("через месяц", date(2026, 1, 31), "2026-02-28"),
        ("15-го", date(2026, 11, 15), "2026-11-15"),
        ("1 ноября", date(2026, 11, 22), "2026-11-01"),
    ],
)
def test_relative_dates(text: str, today: date, expected: object) -> None:
    assert dates(text, today)[0] == expected
