"""The public-transport network, built once for the route search (routing.py).

network.yml (or any mapping of the same shape, see the comment at its top) lists stops and lines. A line runs
both ways unless `one_way`: each direction becomes a `Route`, the unit the search scans. Trips are not listed:
trip n of a route leaves its first stop at `first + n * headway` (n >= 0, while not later than `last`) and
reaches its i-th stop `offsets[i]` minutes later; the way back leaves the line's last stop at the same times.
Times are minutes since local midnight; a trip that leaves at 23:30 may arrive after 24:00 (> 1440).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any, Dict, List, Mapping, Sequence, Tuple

from engine.sdk import skill_lexicon

from .geo import Point, road_km

LINE_TYPES = ("bus", "trolleybus", "tram", "minibus")
WALK_KMH = 4.5
# Two stops this close on foot (about 300 m in a straight line: across a square or a crossing) make a transfer.
FOOTPATH_KM = 0.4
_CELL_KM = 0.5  # the side of a cell of the grid that finds the stops near a point
_KM_PER_DEGREE = 111.2


class NetworkError(ValueError):
    """A network mapping that cannot be used; the message names the stop or line."""


@dataclass(frozen=True)
class Stop:
    id: str
    name: str
    point: Point


@dataclass(frozen=True)
class Line:
    id: str
    type: str  # one of LINE_TYPES
    name: str  # the number on the vehicle
    stops: Tuple[str, ...]
    run_minutes: Tuple[int, ...]
    headway: int
    first: int  # minutes since midnight
    last: int
    one_way: bool


@dataclass(frozen=True)
class Route:
    """One direction of a line: stop indexes in order, minutes from the first stop, and its trips' timetable."""

    line_id: str
    stops: Tuple[int, ...]
    offsets: Tuple[int, ...]
    first: int
    last: int
    headway: int


def walk_minutes(km: float) -> int:
    """Whole minutes on foot over a road distance, rounded up; no distance, no minutes."""
    return 0 if km <= 0 else math.ceil(km / WALK_KMH * 60)


class Network:
    """Stops, lines and their routes, with the indexes the search needs: the routes through each stop (with the
    stop's position on them) and the stops within FOOTPATH_KM of each stop."""

    def __init__(self, stops: Sequence[Stop], lines: Sequence[Line]) -> None:
        self.stops: Tuple[Stop, ...] = tuple(stops)
        self.index: Dict[str, int] = {stop.id: i for i, stop in enumerate(self.stops)}
        self.lines: Dict[str, Line] = {line.id: line for line in lines}
        self.routes: Tuple[Route, ...] = tuple(route for line in lines for route in self._routes_of(line))
        at: List[List[Tuple[int, int]]] = [[] for _ in self.stops]
        for r, route in enumerate(self.routes):
            for position, stop in enumerate(route.stops[:-1]):  # nobody boards at the terminus
                at[stop].append((r, position))
        self.routes_at: Tuple[Tuple[Tuple[int, int], ...], ...] = tuple(tuple(pairs) for pairs in at)
        latitude = sum(stop.point.lat for stop in self.stops) / len(self.stops) if self.stops else 0.0
        self._cell_lat = _CELL_KM / _KM_PER_DEGREE
        self._cell_lon = _CELL_KM / (_KM_PER_DEGREE * math.cos(math.radians(latitude)))
        self._grid: Dict[Tuple[int, int], List[int]] = {}
        for i, stop in enumerate(self.stops):
            self._grid.setdefault(self._cell(stop.point), []).append(i)
        self.footpaths: Tuple[Tuple[Tuple[int, int], ...], ...] = tuple(
            tuple((j, walk_minutes(km)) for j, km in self.stops_near(stop.point, FOOTPATH_KM) if j != i)
            for i, stop in enumerate(self.stops)
        )

    def _routes_of(self, line: Line) -> List[Route]:
        stops = tuple(self.index[stop_id] for stop_id in line.stops)
        directions = [(stops, line.run_minutes)]
        if not line.one_way:
            directions.append((stops[::-1], line.run_minutes[::-1]))
        routes = []
        for order, runs in directions:
            offsets = [0]
            for minutes in runs:
                offsets.append(offsets[-1] + minutes)
            routes.append(Route(line.id, order, tuple(offsets), line.first, line.last, line.headway))
        return routes

    def _cell(self, point: Point) -> Tuple[int, int]:
        return math.floor(point.lat / self._cell_lat), math.floor(point.lon / self._cell_lon)

    def stops_near(self, point: Point, km: float) -> List[Tuple[int, float]]:
        """(stop index, road km) of the stops within `km` on foot of a point, nearest first."""
        if km <= 0:
            return []
        reach = int(km / _CELL_KM) + 1  # road km are never shorter than straight km
        row, column = self._cell(point)
        found = []
        for r in range(row - reach, row + reach + 1):
            for c in range(column - reach, column + reach + 1):
                for i in self._grid.get((r, c), ()):
                    distance = road_km(point, self.stops[i].point)
                    if distance <= km:
                        found.append((i, distance))
        return sorted(found, key=lambda pair: pair[1])

    def stop_name(self, stop_id: str) -> str:
        return self.stops[self.index[stop_id]].name

    def stop_point(self, stop_id: str) -> Point:
        return self.stops[self.index[stop_id]].point

    def line(self, line_id: str) -> Line:
        return self.lines[line_id]


def parse_time(value: Any, where: str) -> int:
    """'05:30' -> 330. Unquoted 05:30 is a number in YAML, so only strings are accepted."""
    if isinstance(value, str) and value.count(":") == 1:
        hours, minutes = value.split(":")
        if (
            hours.isdigit()
            and minutes.isdigit()
            and int(hours) < 24
            and int(minutes) < 60
            and len(minutes) == 2
        ):
            return int(hours) * 60 + int(minutes)
    raise NetworkError(f"{where}: a time is a quoted 'HH:MM', not {value!r}")


def _positive_int(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise NetworkError(f"{where}: a whole number of minutes above zero, not {value!r}")
    return value


def _stop(entry: Any) -> Stop:
    if not isinstance(entry, Mapping) or not {"id", "name", "lat", "lon"} <= set(entry):
        raise NetworkError(f"stop {entry!r}: id, name, lat and lon are required")
    lat, lon = entry["lat"], entry["lon"]
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (lat, lon)):
        raise NetworkError(f"stop {entry['id']}: lat and lon are numbers")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise NetworkError(f"stop {entry['id']}: lat {lat}, lon {lon} are not on Earth")
    return Stop(str(entry["id"]), str(entry["name"]), Point(float(lat), float(lon)))


def _line(entry: Any, stop_ids: Mapping[str, int]) -> Line:
    required = {"id", "type", "name", "stops", "run_minutes", "headway_minutes", "first", "last"}
    if not isinstance(entry, Mapping) or not required <= set(entry):
        raise NetworkError(f"line {entry!r}: {', '.join(sorted(required))} are required")
    where = f"line {entry['id']}"
    if entry["type"] not in LINE_TYPES:
        raise NetworkError(f"{where}: type {entry['type']!r} is not one of {', '.join(LINE_TYPES)}")
    stops = entry["stops"]
    if not isinstance(stops, list) or len(stops) < 2:
        raise NetworkError(f"{where}: at least two stops")
    unknown = [stop for stop in stops if stop not in stop_ids]
    if unknown:
        raise NetworkError(f"{where}: unknown stops {unknown}")
    runs = entry["run_minutes"]
    if not isinstance(runs, list) or len(runs) != len(stops) - 1:
        raise NetworkError(f"{where}: run_minutes holds {len(stops) - 1} numbers, one between each two stops")
    first, last = parse_time(entry["first"], where), parse_time(entry["last"], where)
    if last < first:
        raise NetworkError(f"{where}: the last departure is before the first")
    return Line(
        id=str(entry["id"]),
        type=entry["type"],
        name=str(entry["name"]),
        stops=tuple(stops),
        run_minutes=tuple(_positive_int(minutes, where) for minutes in runs),
        headway=_positive_int(entry["headway_minutes"], where),
        first=first,
        last=last,
        one_way=bool(entry.get("one_way", False)),
    )


def build_network(data: Mapping[str, Any]) -> Network:
    """A Network from a mapping shaped like network.yml; NetworkError names what is wrong."""
    stops = [_stop(entry) for entry in data.get("stops") or []]
    ids: Dict[str, int] = {}
    for i, stop in enumerate(stops):
        if stop.id in ids:
            raise NetworkError(f"stop {stop.id}: listed twice")
        ids[stop.id] = i
    lines = [_line(entry, ids) for entry in data.get("lines") or []]
    seen = set()
    for line in lines:
        if line.id in seen:
            raise NetworkError(f"line {line.id}: listed twice")
        seen.add(line.id)
    return Network(stops, lines)


@cache
def shipped_network() -> Network:
    """The city's network from network.yml, built once per process."""
    return build_network(skill_lexicon(__file__, name="network.yml"))
