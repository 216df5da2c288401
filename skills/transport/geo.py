"""Distances on the city map: straight-line (haversine) and an approximated road distance.

Roads are not straight: the road distance is the straight-line distance times the city's detour factor
(`road_factor` in tariffs.yml, 1.35 by default: the mean ratio of road to straight-line distance in a Russian
city of this size). Walking uses the same factor for the pavements.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088
ROAD_FACTOR = 1.35


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float


def distance_km(a: Point, b: Point) -> float:
    """Great-circle distance in kilometres."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat, dlon = lat2 - lat1, math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def road_km(a: Point, b: Point, factor: float = ROAD_FACTOR) -> float:
    """The approximated road distance: straight line times the detour factor."""
    return distance_km(a, b) * factor


def minutes_at(km: float, speed_kmh: float) -> int:
    """Whole minutes (at least one) to cover `km` at `speed_kmh`."""
    return max(1, math.ceil(km / speed_kmh * 60))
