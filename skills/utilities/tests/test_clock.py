from datetime import date

import pytest

from skills.utilities import clock


@pytest.mark.parametrize(
    "raw, window",
    [
        ("10-20", (10, 20)),
        ("25-31", (25, 31)),  # to the end of the month
        ("29-31", clock.DEFAULT_WINDOW),  # would not open in February
        ("20-10", clock.DEFAULT_WINDOW),
        ("пятнадцатое", clock.DEFAULT_WINDOW),
        ("", clock.DEFAULT_WINDOW),
    ],
)
def test_the_window_setting(monkeypatch, raw, window):
    monkeypatch.setenv(clock.WINDOW_ENV, raw)
    assert clock.reading_window() == window


def test_a_window_to_the_end_of_the_month(monkeypatch):
    monkeypatch.setenv(clock.WINDOW_ENV, "25-31")
    assert clock.window_is_open(date(2026, 12, 31)) and not clock.window_is_open(date(2026, 12, 24))
    assert clock.next_window_opening(date(2026, 12, 31)) == date(2027, 1, 25)


def test_the_skill_asks_the_engine_for_the_time():
    from engine.sdk import clock as engine_clock

    assert clock.now().tzinfo == engine_clock.local_zone()
    assert clock.today() == clock.now().date()
    assert clock.add_months(date(2026, 11, 20), 2) == date(2027, 1, 1)
    assert clock.add_months(date(2026, 1, 5), -1) == date(2025, 12, 1)
