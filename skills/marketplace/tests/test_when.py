"""Reading the day and the hour of a visit (when.py)."""

from datetime import date

import pytest

from skills.marketplace import when


@pytest.mark.parametrize(
    "value, hours, minutes",
    [
        ("10:00", [10], 0),
        ("10:30", [10], 30),
        ({"from": "13:00", "to": "18:00"}, [13, 14, 15, 16, 17], 0),
        ({"from": "13:30", "to": "16:00"}, [14, 15], 0),
        ("10", [10], 0),
        ("в 7 вечера", [19], 0),
        ("к 3 дня", [15], 0),
        ("в 9 утра", [9], 0),
        (["09:00", "11:00"], [11], 0),
    ],
)
def test_parse_hours(value, hours, minutes):
    assert when.parse_hours(value) == when.Hours(hours, minutes)


@pytest.mark.parametrize(
    "value", [None, "", "завтра", "25", "24:00", {"from": "18:00", "to": "13:00"}, {"from": "13:00"}]
)
def test_parse_hours_unreadable(value):
    assert when.parse_hours(value) is None


@pytest.mark.parametrize(
    "value, day",
    [
        ("2026-12-02", date(2026, 12, 2)),
        ("2026-12-02T00:00:00.000+03:00", date(2026, 12, 2)),
        ({"from": "2026-12-05", "to": "2026-12-06"}, date(2026, 12, 5)),
        (["2026-12-07"], date(2026, 12, 7)),
        (date(2026, 12, 8), date(2026, 12, 8)),
        ("завтра", None),
        (None, None),
        ([], None),
    ],
)
def test_parse_day(value, day):
    assert when.parse_day(value) == day


@pytest.mark.parametrize("hour, text", [(9, "09:00"), (18, "18:00")])
def test_hour_text(hour, text):
    assert when.hour_text(hour) == text


@pytest.mark.parametrize(
    "text, hours",
    [
        ("в 10" + " " * 100_000 + "x", None),  # spaces both the gap and the tail could take: once quadratic
        ("в 10" + " " * 99_992 + "утра", [10]),
        ("10" + "!" * 100_000, [10]),
        ("к 7" + " " * 50_000 + "вечера" + " " * 49_991 + "!", [19]),
        ("в " * 50_000 + "10", None),
        ("1" * 100_000, None),
    ],
    ids=[
        "spaces-then-a-letter",
        "spaces-then-a-word",
        "punctuation",
        "spaces-around-a-word",
        "prepositions",
        "digits",
    ],
)
def test_a_hundred_thousand_character_message_is_read(text, hours):
    assert len(text) >= 100_000
    found = when.parse_hours(text)
    assert (found.hours if found else None) == hours
