"""When the car is wanted (pickup.py): now, in so many minutes, at an hour today or tomorrow, a day then its hour."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from skills.transport.pickup import NOW, is_past, is_too_far, pickup_moment, read_pickup

MOSCOW = ZoneInfo("Europe/Moscow")
NOW_AT = datetime(2026, 11, 20, 9, 0, tzinfo=MOSCOW)


def test_nothing_said_of_the_time():
    assert read_pickup("вызови такси до вокзала", None, None, NOW_AT) is None


def test_now_in_words():
    assert read_pickup("нужна машина прямо сейчас", None, None, NOW_AT) == NOW
    assert read_pickup("щас", None, None, NOW_AT) == NOW


def test_in_so_many_minutes():
    assert read_pickup("через 20 минут", None, None, NOW_AT) == "2026-11-20T09:20+03:00"
    assert read_pickup("через полчаса подайте", None, None, NOW_AT) == "2026-11-20T09:30+03:00"


def test_an_hour_today_or_tomorrow_when_it_has_passed():
    assert read_pickup("в 18:30", None, "18:30", NOW_AT) == "2026-11-20T18:30+03:00"
    assert read_pickup("к 7 утра", None, "07:00", NOW_AT) == "2026-11-21T07:00+03:00"
    # just past: still today (the car is wanted as soon as possible)
    assert read_pickup("в 8:55", None, "08:55", NOW_AT) == "2026-11-20T08:55+03:00"


def test_a_day_and_an_hour():
    assert read_pickup("завтра к 7", "2026-11-21", "07:00", NOW_AT) == "2026-11-21T07:00+03:00"
    assert read_pickup("", "2026-11-22", {"from": "13:00", "to": "18:00"}, NOW_AT) == "2026-11-22T13:00+03:00"


def test_a_day_without_an_hour_needs_the_hour():
    assert read_pickup("на завтра", "2026-11-21", None, NOW_AT) == date(2026, 11, 21)
    assert read_pickup("сегодня", "2026-11-20", None, NOW_AT) == NOW


def test_unreadable_values_are_ignored():
    assert read_pickup("", "не дата", "25:99", NOW_AT) is None


def test_moments_of_slot_values():
    assert pickup_moment(NOW, NOW_AT) == NOW_AT
    assert pickup_moment(None, NOW_AT) == NOW_AT
    assert pickup_moment("2026-11-21T07:00+03:00", NOW_AT) == datetime(2026, 11, 21, 7, 0, tzinfo=MOSCOW)
    assert pickup_moment("2026-11-21", NOW_AT) is None  # a day only
    assert pickup_moment("2026-11-21T07:00", NOW_AT) is None  # no zone: not ours
    assert pickup_moment("мусор", NOW_AT) is None


def test_past_and_too_far():
    assert is_past(NOW_AT - timedelta(minutes=30), NOW_AT)
    assert not is_past(NOW_AT - timedelta(minutes=5), NOW_AT)
    assert is_too_far(NOW_AT + timedelta(days=8), NOW_AT)
    assert not is_too_far(NOW_AT + timedelta(days=6), NOW_AT)
