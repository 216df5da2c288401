"""Fares of the cooperative's rides, from tariffs.yml.

    amount = ceil10( max(minimum, (base + per_km × road_km) × coefficient(period)) )

`road_km` is the straight-line distance times the city's detour factor (geo.road_km with `road_factor`); `ceil10`
rounds up to whole 10 roubles. The period is chosen by the local hour of the pickup: night 0–6 ×1.4, morning rush
7–10 ×1.2, evening rush 17–20 ×1.2, otherwise day ×1.0 (hours inclusive; the numbers live in tariffs.yml). The
ride's minutes are the road distance at the city's average car speed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_CEILING, Decimal
from typing import Any, Dict, Tuple

from engine.sdk import clock, skill_lexicon

from .geo import Point, minutes_at, road_km

TARIFFS: Dict[str, Any] = skill_lexicon(__file__, "tariffs.yml")
DAY = "day"
TEN = Decimal(10)


def tariff(name: str) -> Decimal:
    """A number of tariffs.yml as a Decimal (YAML reads 1.4 as a float; str() keeps it exact)."""
    return Decimal(str(TARIFFS[name]))


@dataclass(frozen=True)
class FareEstimate:
    amount: Decimal  # roubles, a multiple of 10
    km: float  # road distance
    minutes: int  # in the car
    coefficient: Decimal
    period: str  # day, night, morning_rush, evening_rush


def period_at(moment: datetime) -> Tuple[str, Decimal]:
    """(period, coefficient) of a moment: aware, or naive UTC as the store keeps it."""
    hour = (
        (moment if moment.tzinfo is not None else clock.to_local(moment)).astimezone(clock.local_zone()).hour
    )
    for period in TARIFFS["periods"]:
        first, last = period["hours"]
        if first <= hour <= last:
            return period["name"], Decimal(str(period["coefficient"]))
    return DAY, tariff("day_coefficient")


def ride_km(from_point: Point, to_point: Point) -> float:
    return road_km(from_point, to_point, factor=float(TARIFFS["road_factor"]))


def car_minutes(km: float) -> int:
    """Whole minutes by car over `km` of road at the city's average speed."""
    return minutes_at(km, float(TARIFFS["car_speed_kmh"]))


def estimate(from_point: Point, to_point: Point, at: datetime) -> FareEstimate:
    """The fare of a ride picked up at `at` (aware local time; naive is taken as UTC)."""
    km = ride_km(from_point, to_point)
    period, coefficient = period_at(at)
    raw = (tariff("base") + tariff("per_km") * Decimal(str(km))) * coefficient
    amount = (max(tariff("minimum"), raw) / TEN).to_integral_value(rounding=ROUND_CEILING) * TEN
    return FareEstimate(
        amount=amount, km=round(km, 2), minutes=car_minutes(km), coefficient=coefficient, period=period
    )
