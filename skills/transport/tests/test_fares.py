"""Fares: the formula of tariffs.yml, the period by the local hour, the minimum and rounding up to 10 roubles."""

import math
from datetime import datetime
from decimal import Decimal

import pytest

from skills.transport.fares import estimate
from skills.transport.geo import Point, distance_km

from .conftest import AIRPORT, MFC, MOSCOW, STATION, THEATRE

NOON = datetime(2026, 11, 20, 12, 0, tzinfo=MOSCOW)


def at(hour, minute=0):
    return datetime(2026, 11, 20, hour, minute, tzinfo=MOSCOW)


def test_a_day_ride_is_base_plus_per_km_of_road_rounded_up_to_ten():
    fare = estimate(STATION[1], THEATRE[1], NOON)
    road = distance_km(STATION[1], THEATRE[1]) * 1.35
    assert fare.km == pytest.approx(road, abs=0.01)
    assert fare.amount == math.ceil((60 + 22 * road) / 10) * 10 == 140
    assert (fare.period, fare.coefficient) == ("day", Decimal("1.0"))
    assert fare.minutes == math.ceil(road / 28 * 60) == 8


def test_the_airport_costs_by_distance_and_takes_three_quarters_of_an_hour():
    fare = estimate(STATION[1], AIRPORT[1], NOON)
    assert fare.amount == Decimal(580)  # 60 + 22 × 23.42 km = 575.24
    assert fare.km == pytest.approx(23.42) and fare.minutes == 51


def test_a_short_ride_costs_the_minimum():
    assert estimate(THEATRE[1], MFC[1], NOON).amount == Decimal(120)
    assert estimate(THEATRE[1], THEATRE[1], at(3)).amount == Decimal(
        120
    )  # the minimum is after the coefficient


@pytest.mark.parametrize(
    "hour, minute, period, coefficient",
    [
        (0, 0, "night", "1.4"),
        (6, 59, "night", "1.4"),
        (7, 0, "morning_rush", "1.2"),
        (10, 59, "morning_rush", "1.2"),
        (11, 0, "day", "1.0"),
        (16, 59, "day", "1.0"),
        (17, 0, "evening_rush", "1.2"),
        (20, 59, "evening_rush", "1.2"),
        (21, 0, "day", "1.0"),
        (23, 59, "day", "1.0"),
    ],
)
def test_the_period_follows_the_local_hour(hour, minute, period, coefficient):
    fare = estimate(STATION[1], AIRPORT[1], at(hour, minute))
    day = estimate(STATION[1], AIRPORT[1], NOON)
    assert (fare.period, fare.coefficient) == (period, Decimal(coefficient))
    raw = (Decimal(60) + Decimal(22) * Decimal(str(day.km))) * Decimal(coefficient)
    assert fare.amount % 10 == 0 and raw <= fare.amount < raw + 10 + Decimal("0.5")


def test_a_naive_moment_is_utc_as_the_store_keeps_it():
    assert (
        estimate(STATION[1], AIRPORT[1], datetime(2026, 11, 20, 0, 30)).period == "night"
    )  # 03:30 in Moscow
    assert estimate(STATION[1], AIRPORT[1], datetime(2026, 11, 20, 9, 0)).period == "day"  # 12:00 in Moscow


def test_night_costs_more_than_rush_hour_and_rush_hour_more_than_day():
    night, rush, day = (estimate(Point(56.82, 53.21), AIRPORT[1], at(h)).amount for h in (2, 8, 13))
    assert night > rush > day
