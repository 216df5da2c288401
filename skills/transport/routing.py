"""Journeys on public transport: RAPTOR (Delling, Pajor, Werneck, «Round-Based Public Transit Routing», 2012).

Round k finds, for every stop, the earliest arrival with k rides: it scans each route through a stop improved in
round k - 1, boards the earliest trip that can be caught there (trips come from the headway arithmetically, see
network.py) and improves the stops further along; then it walks the footpaths from the stops it improved.
Before round 1 the resident walks from the origin to every stop within `max_walk_km`; after each round, from the
stops within `max_walk_km` of the destination to it. Walking the whole way is considered when it is that short.

The rounds give the Pareto set (arrival per number of rides). The answer is its earliest arrival, unless a journey
with fewer rides arrives at most TRANSFER_PENALTY_MINUTES later: then the one with the fewest such rides.

Timetables are the same every day and the search stays within the day of `depart`: after the last trips of the day
the answer is None, never a journey tomorrow morning (the caller asks again from midnight for that). Before the
first trips it is the journey on them. The walk to the first stop is timed to reach it as the vehicle leaves, so a
journey starts when the resident has to leave, not at the time asked.
Changing vehicles at a stop takes no time: a vehicle leaving in the minute another one arrives is caught.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

from .geo import Point, road_km
from .network import Network, shipped_network, walk_minutes

__all__ = [
    "RIDE",
    "TRANSFER_PENALTY_MINUTES",
    "WALK",
    "Journey",
    "Leg",
    "Network",
    "plan",
    "shipped_network",
]

WALK, RIDE = "walk", "ride"
TRANSFER_PENALTY_MINUTES = 5  # a change of vehicle is worth this many minutes of arriving later
MINUTES_PER_DAY = 24 * 60
_NEVER = 1 << 30

# Per round: stop -> (arrival, route, board position, alight position, the trip's departure from the first stop)
_Rides = Dict[int, Tuple[int, int, int, int, int]]
# Per round: stop -> (arrival, the stop walked from)
_Walks = Dict[int, Tuple[int, int]]


@dataclass(frozen=True)
class Leg:
    mode: str  # WALK | RIDE
    line_id: Optional[str]  # RIDE: the line's id; WALK: None
    from_stop: Optional[str]  # stop ids; None for the origin / destination point of a walk
    to_stop: Optional[str]
    departs: int  # minutes since local midnight
    arrives: int
    stops: int  # RIDE: stops travelled; WALK: 0


@dataclass(frozen=True)
class Journey:
    """A walk, or walks and rides in order. `departs` is when the first leg starts: the asked time when the whole
    way is walked, else the latest start that catches the first vehicle (its departure when the origin is at the
    stop). A trip that leaves late may arrive after midnight (arrives > 1440)."""

    legs: Tuple[Leg, ...]
    departs: int
    arrives: int
    transfers: int  # RIDE legs - 1 (0 when walking only)
    walk_minutes: int


def plan(
    network: Network,
    origin: Point,
    destination: Point,
    depart: int,
    *,
    max_transfers: int = 3,
    max_walk_km: float = 1.0,
) -> Optional[Journey]:
    """The journey from `origin` leaving at `depart` (minutes since local midnight) to `destination`, or None: no
    stop within `max_walk_km` on foot of either end, or no trip left today that gets there."""
    if not 0 <= depart < MINUTES_PER_DAY:
        raise ValueError(f"depart is minutes since midnight, 0..{MINUTES_PER_DAY - 1}, not {depart}")
    if max_transfers < 0:
        raise ValueError(f"max_transfers cannot be negative: {max_transfers}")
    candidates: List[Tuple[int, Journey]] = []  # (rides, journey)
    direct_km = road_km(origin, destination)
    if direct_km <= max_walk_km:
        minutes = walk_minutes(direct_km)
        walk = Leg(WALK, None, None, None, depart, depart + minutes, 0)
        candidates.append((0, Journey((walk,), depart, depart + minutes, 0, minutes)))
    access = {i: walk_minutes(km) for i, km in network.stops_near(origin, max_walk_km)}
    egress = {i: walk_minutes(km) for i, km in network.stops_near(destination, max_walk_km)}
    if access and egress:
        candidates.extend(_Search(network, access, egress, depart).run(max_transfers + 1))
    if not candidates:
        return None
    earliest = min(journey.arrives for _, journey in candidates)
    good_enough = [c for c in candidates if c[1].arrives <= earliest + TRANSFER_PENALTY_MINUTES]
    return min(good_enough, key=lambda c: (c[0], c[1].arrives))[1]


class _Search:
    """One RAPTOR query; keeps each round's labels and their parents to rebuild the legs."""

    def __init__(self, network: Network, access: Dict[int, int], egress: Dict[int, int], depart: int) -> None:
        self.network = network
        self.access = access
        self.egress = egress
        self.depart = depart
        self.rides: List[_Rides] = [{}]
        self.walks: List[_Walks] = [{}]

    def run(self, rounds: int) -> List[Tuple[int, Journey]]:
        """(rides, journey) for each number of rides that arrives earlier than with fewer rides."""
        network = self.network
        routes, routes_at, footpaths = network.routes, network.routes_at, network.footpaths
        egress = self.egress
        # The earliest arrival at each stop by a ride (and a footpath after it) in any round so far. A walk from
        # the origin does not count: it would hide the rides to a stop near both ends, when walking the whole
        # way is too long to be offered.
        best = [_NEVER] * len(network.stops)
        previous = best[:]  # the earliest arrivals with fewer rides than this round's: where to board
        for stop, minutes in self.access.items():
            previous[stop] = self.depart + minutes
        marked = set(self.access)
        limit = _NEVER  # the earliest arrival at the destination so far: later labels are of no use
        found: List[Tuple[int, Journey]] = []
        for k in range(1, rounds + 1):
            queue: Dict[int, int] = {}
            for stop in marked:
                for route, position in routes_at[stop]:
                    if position < queue.get(route, _NEVER):
                        queue[route] = position
            current = previous[:]
            rides: _Rides = {}
            for r, start in queue.items():
                route = routes[r]
                stops, offsets, first, last, headway = (
                    route.stops,
                    route.offsets,
                    route.first,
                    route.last,
                    route.headway,
                )
                trip = -1  # the departure from the first stop of the trip on board; -1: none yet
                board = start
                for i in range(start, len(stops)):
                    stop = stops[i]
                    offset = offsets[i]
                    if trip >= 0:
                        arrival = trip + offset
                        if arrival < best[stop] and arrival < limit:
                            best[stop] = arrival
                            current[stop] = min(current[stop], arrival)
                            rides[stop] = (arrival, r, board, i, trip)
                    ready = previous[stop]
                    if ready < _NEVER and (trip < 0 or ready < trip + offset):
                        wait = ready - offset - first
                        earliest = first if wait <= 0 else first - (-wait // headway) * headway
                        if earliest <= last and (trip < 0 or earliest < trip):
                            trip, board = earliest, i
            walks: _Walks = {}
            for stop, (arrival, *_) in rides.items():
                for neighbour, minutes in footpaths[stop]:
                    there = arrival + minutes
                    if there < best[neighbour] and there < limit:
                        best[neighbour] = there
                        current[neighbour] = min(current[neighbour], there)
                        walks[neighbour] = (there, stop)
            self.rides.append(rides)
            self.walks.append(walks)
            marked = set(rides) | set(walks)
            if not marked:
                break
            reached = [(best[stop] + egress[stop], stop) for stop in marked if stop in egress]
            if reached and min(reached)[0] < limit:
                limit, stop = min(reached)
                found.append((k, self._journey(k, stop)))
            previous = current
        return found

    def _journey(self, k: int, stop: int) -> Journey:
        """The legs that reach `stop` with k rides, then the walk to the destination."""
        network = self.network
        stops = network.stops
        legs: List[Leg] = []
        if self.egress[stop]:
            arrival = self.walks[k][stop][0] if stop in self.walks[k] else self.rides[k][stop][0]
            legs.append(Leg(WALK, None, stops[stop].id, None, arrival, arrival + self.egress[stop], 0))
        while k > 0:
            if stop in self.walks[k]:
                there, frm = self.walks[k][stop]
                legs.append(Leg(WALK, None, stops[frm].id, stops[stop].id, self.rides[k][frm][0], there, 0))
                stop = frm
            arrival, r, board, alight, trip = self.rides[k][stop]
            route = network.routes[r]
            boarded = route.stops[board]
            departs = trip + route.offsets[board]
            legs.append(
                Leg(RIDE, route.line_id, stops[boarded].id, stops[stop].id, departs, arrival, alight - board)
            )
            k = self._boarded_after(k, boarded, departs)
            stop = boarded
        if self.access[stop]:
            # Leave so as to reach the stop as the first vehicle does, not at the asked time and wait there:
            # before the first trips of the day that wait would be hours.
            boards = legs[-1].departs
            legs.append(Leg(WALK, None, None, stops[stop].id, boards - self.access[stop], boards, 0))
        legs.reverse()
        rides = sum(1 for leg in legs if leg.mode == RIDE)
        walked = sum(leg.arrives - leg.departs for leg in legs if leg.mode == WALK)
        return Journey(tuple(legs), legs[0].departs, legs[-1].arrives, rides - 1, walked)

    def _boarded_after(self, k: int, stop: int, departs: int) -> int:
        """The round whose arrival at `stop` caught a vehicle leaving at `departs` in round k: the latest earlier
        round that reached it (each round's arrival beats the ones before), else the walk from the origin."""
        for j in range(k - 1, 0, -1):
            label = self.walks[j].get(stop) or self.rides[j].get(stop)
            if label is not None:
                return j if label[0] <= departs else 0
        return 0
