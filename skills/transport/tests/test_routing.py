"""The route search on handmade networks (a line of stops, a detour with a change) and on the shipped one."""

import heapq
import random
from itertools import pairwise

import pytest

from skills.transport.geo import Point, road_km
from skills.transport.network import build_network, walk_minutes
from skills.transport.routing import (
    RIDE,
    TRANSFER_PENALTY_MINUTES,
    WALK,
    plan,
    shipped_network,
)

T = 8 * 60  # 08:00

# A row of stops 1.2 km apart (too far to walk between), c with f 210 m north of it, e and h further north.
TINY_STOPS = {
    "a": (56.800, 53.00),
    "b": (56.800, 53.02),
    "c": (56.800, 53.04),
    "d": (56.800, 53.06),
    "f": (56.8019, 53.04),
    "g": (56.8019, 53.08),
    "e": (56.820, 53.04),
    "h": (56.840, 53.04),
}


def line(line_id, stops, runs, headway=10, first="06:00", last="22:00", **more):
    return {
        "id": line_id,
        "type": "bus",
        "name": line_id,
        "stops": stops,
        "run_minutes": runs,
        "headway_minutes": headway,
        "first": first,
        "last": last,
        **more,
    }


def network_of(stops, lines):
    return build_network(
        {
            "stops": [
                {"id": i, "name": i.upper(), "lat": lat, "lon": lon} for i, (lat, lon) in stops.items()
            ],
            "lines": lines,
        }
    )


TINY = network_of(
    TINY_STOPS,
    [
        line("L1", ["a", "b", "c", "d"], [3, 3, 3]),
        line("L2", ["c", "e"], [4], headway=15, first="06:05", last="21:50"),
        line("L3", ["f", "g"], [4], one_way=True),
        line("L4", ["e", "h"], [4], one_way=True),
    ],
)


def at(stop_id):
    return Point(*TINY_STOPS[stop_id])


def rides(journey):
    return [(leg.line_id, leg.from_stop, leg.to_stop) for leg in journey.legs if leg.mode == RIDE]


def test_a_direct_ride_from_stop_to_stop_has_no_walks():
    journey = plan(TINY, at("a"), at("d"), T)
    assert [leg.mode for leg in journey.legs] == [RIDE]
    leg = journey.legs[0]
    assert (leg.line_id, leg.from_stop, leg.to_stop, leg.stops) == ("L1", "a", "d", 3)
    assert (journey.departs, journey.arrives, journey.transfers, journey.walk_minutes) == (T, T + 9, 0, 0)


def test_one_transfer_at_the_stop_both_lines_serve():
    journey = plan(TINY, at("a"), at("e"), T)
    assert rides(journey) == [("L1", "a", "c"), ("L2", "c", "e")]
    # L1 reaches c at 08:06; L2 leaves c at 06:05 + 15n: 08:05 is gone, 08:20 it is.
    assert [(leg.departs, leg.arrives) for leg in journey.legs] == [(T, T + 6), (T + 20, T + 24)]
    assert journey.transfers == 1


@pytest.mark.parametrize(
    ("origin", "depart", "boards"),
    [("a", T, T), ("a", T + 1, T + 10), ("b", T + 3, T + 3), ("b", T + 4, T + 13), ("a", 5 * 60, 6 * 60)],
)
def test_waits_for_the_next_trip_by_the_headway(origin, depart, boards):
    journey = plan(TINY, at(origin), at("d"), depart)
    assert journey.legs[0].departs == boards


def test_after_the_last_departure_there_is_no_journey_not_one_tomorrow():
    assert plan(TINY, at("a"), at("d"), 22 * 60).legs[0].departs == 22 * 60
    assert plan(TINY, at("a"), at("d"), 22 * 60 + 1) is None
    # the last trip passes b three minutes after leaving a
    assert plan(TINY, at("b"), at("d"), 22 * 60 + 3) is not None
    assert plan(TINY, at("b"), at("d"), 22 * 60 + 4) is None
    assert plan(TINY, at("a"), at("d"), 23 * 60 + 59) is None


def test_before_the_first_trips_the_walk_leaves_for_the_first_bus_not_at_the_asked_hour():
    origin = Point(56.803, 53.00)  # a few minutes on foot north of a
    walk_in = walk_minutes(road_km(origin, at("a")))
    journey = plan(TINY, origin, at("d"), 3 * 60)
    walk, ride = journey.legs
    assert ride.departs == 6 * 60  # L1's first trip leaves a at 06:00
    assert (walk.departs, walk.arrives) == (6 * 60 - walk_in, 6 * 60)
    assert (journey.departs, journey.arrives) == (6 * 60 - walk_in, 6 * 60 + 9)
    assert plan(TINY, origin, at("d"), 0) == journey  # from midnight: the same first journey


def test_no_stop_within_walking_distance_of_either_end_means_no_journey():
    nowhere = Point(56.70, 53.00)  # 11 km south
    assert plan(TINY, nowhere, at("d"), T) is None
    assert plan(TINY, at("a"), nowhere, T) is None
    assert plan(TINY, Point(56.800, 53.009), at("d"), T, max_walk_km=0.3) is None
    assert plan(TINY, Point(56.800, 53.009), at("d"), T, max_walk_km=1.0) is not None


def test_walks_from_the_origin_and_to_the_destination():
    origin, destination = Point(56.803, 53.00), Point(56.797, 53.06)
    journey = plan(TINY, origin, destination, T)
    first, ride, last = journey.legs
    walk_in, walk_out = walk_minutes(road_km(origin, at("a"))), walk_minutes(road_km(at("d"), destination))
    assert ride.departs == T + 10  # the 08:00 bus left while walking to the stop
    # the walk is timed to reach a as the 08:10 leaves, not started at 08:00 to wait there
    assert (first.mode, first.from_stop, first.to_stop, first.departs, first.arrives) == (
        WALK,
        None,
        "a",
        T + 10 - walk_in,
        T + 10,
    )
    assert journey.departs == first.departs
    assert (last.mode, last.from_stop, last.to_stop, last.departs) == (WALK, "d", None, ride.arrives)
    assert journey.arrives == ride.arrives + walk_out
    assert journey.walk_minutes == walk_in + walk_out


def test_a_two_way_line_is_ridden_back():
    journey = plan(TINY, at("d"), at("a"), T + 1)
    assert rides(journey) == [("L1", "d", "a")]
    # the way back leaves d at the line's first + n * headway too
    assert (journey.legs[0].departs, journey.legs[0].arrives, journey.legs[0].stops) == (T + 10, T + 19, 3)


def test_a_one_way_line_is_not_ridden_back():
    assert plan(TINY, at("g"), at("f"), T, max_transfers=3) is None


def test_a_transfer_on_foot_between_two_nearby_stops():
    journey = plan(TINY, at("a"), at("g"), T)
    ride, walk, ride_on = journey.legs
    minutes = walk_minutes(road_km(at("c"), at("f")))
    assert rides(journey) == [("L1", "a", "c"), ("L3", "f", "g")]
    assert (walk.mode, walk.from_stop, walk.to_stop) == (WALK, "c", "f")
    assert (walk.departs, walk.arrives) == (ride.arrives, ride.arrives + minutes)
    assert minutes == 4
    assert ride_on.departs == T + 10  # L3 leaves f at 08:00, 08:10: the walk reaches it at 08:06 + 4
    assert (journey.transfers, journey.walk_minutes) == (1, minutes)


def test_max_transfers_is_respected():
    assert plan(TINY, at("a"), at("h"), T, max_transfers=1) is None
    journey = plan(TINY, at("a"), at("h"), T, max_transfers=2)
    assert rides(journey) == [("L1", "a", "c"), ("L2", "c", "e"), ("L4", "e", "h")]
    assert journey.transfers == 2
    assert plan(TINY, at("a"), at("d"), T, max_transfers=0).transfers == 0


def test_walking_all_the_way_when_it_is_short():
    origin, destination = Point(56.800, 53.000), Point(56.800, 53.008)  # 490 m apart, 660 m on foot
    journey = plan(TINY, origin, destination, T)
    minutes = walk_minutes(road_km(origin, destination))
    assert journey.legs == (journey.legs[0],)
    assert (journey.legs[0].mode, journey.legs[0].from_stop, journey.legs[0].to_stop) == (WALK, None, None)
    assert (journey.arrives, journey.transfers, journey.walk_minutes) == (T + minutes, 0, minutes)
    assert plan(TINY, origin, origin, T).arrives == T


def test_rides_to_a_stop_that_is_within_a_walk_of_both_ends():
    # c is 10 minutes on foot from either end, but the ends are too far apart to walk: ride from b to c.
    origin, destination = Point(56.800, 53.031), Point(56.800, 53.049)
    journey = plan(TINY, origin, destination, T)
    assert rides(journey) == [("L1", "b", "c")]
    assert [leg.mode for leg in journey.legs] == [WALK, RIDE, WALK]
    assert journey.legs[1].departs == T + 13  # b at 06:03 + 10n; the walk to b takes 12 minutes
    assert journey.arrives == T + 16 + walk_minutes(road_km(at("c"), destination))


def detour(direct_minutes):
    """x to y: line S direct (direct_minutes), or F1 to m and F2 on, 10 minutes in all with no wait."""
    stops = {"x": (56.80, 53.00), "m": (56.80, 53.05), "y": (56.80, 53.10)}
    return network_of(
        stops,
        [
            line("S", ["x", "y"], [direct_minutes]),
            line("F1", ["x", "m"], [5]),
            line("F2", ["m", "y"], [5], first="06:05"),
        ],
    ), (Point(*stops["x"]), Point(*stops["y"]))


@pytest.mark.parametrize(
    ("direct_minutes", "expected", "minutes"),
    [
        (9, ["S"], 9),
        (14, ["S"], 14),
        (10 + TRANSFER_PENALTY_MINUTES, ["S"], 10 + TRANSFER_PENALTY_MINUTES),
        (11 + TRANSFER_PENALTY_MINUTES, ["F1", "F2"], 10),
    ],
)
def test_fewer_transfers_win_within_the_penalty_the_faster_beyond_it(direct_minutes, expected, minutes):
    network, (x, y) = detour(direct_minutes)
    journey = plan(network, x, y, T)
    assert [line_id for line_id, _, _ in rides(journey)] == expected
    assert journey.arrives == T + minutes


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        plan(TINY, at("a"), at("d"), 24 * 60)
    with pytest.raises(ValueError):
        plan(TINY, at("a"), at("d"), -1)
    with pytest.raises(ValueError):
        plan(TINY, at("a"), at("d"), T, max_transfers=-1)


# The shipped network, on the city map of the brief.
VOKZAL, HOSPITAL = Point(56.8330, 53.1720), Point(56.8750, 53.2550)
ZARECHNY, CHILDREN = Point(56.8950, 53.2100), Point(56.8420, 53.2400)
AIRPORT, CENTRE = Point(56.8280, 53.4570), Point(56.8480, 53.2050)


def assert_chains(network, journey):
    """Each leg starts when or after the previous ends; each ride goes along its line, stop by stop."""
    assert journey.departs == journey.legs[0].departs and journey.arrives == journey.legs[-1].arrives
    for before, after in pairwise(journey.legs):
        assert after.departs >= before.arrives
    for leg in journey.legs:
        assert leg.arrives >= leg.departs
        if leg.mode == RIDE:
            stops = network.line(leg.line_id).stops
            start, end = stops.index(leg.from_stop), stops.index(leg.to_stop)
            assert abs(end - start) == leg.stops > 0
    assert journey.transfers == max(0, len([leg for leg in journey.legs if leg.mode == RIDE]) - 1)


def earliest_arrival(network, origin, destination, depart, max_walk_km=1.0):
    """A plain Dijkstra over (stop, how it was reached) with every trip of the day, for comparison: no rounds,
    no pruning, footpaths only after a ride (as in RAPTOR), walking the whole way when it is short."""
    direct = road_km(origin, destination)
    result = depart + walk_minutes(direct) if direct <= max_walk_km else None
    egress = {i: walk_minutes(km) for i, km in network.stops_near(destination, max_walk_km)}
    heap = [(depart + walk_minutes(km), i, "origin") for i, km in network.stops_near(origin, max_walk_km)]
    heapq.heapify(heap)
    settled = set()
    while heap:
        time, stop, how = heapq.heappop(heap)
        if (stop, how) in settled:
            continue
        settled.add((stop, how))
        if how != "origin" and stop in egress:
            result = min(result or time + egress[stop], time + egress[stop])
        if how == "ride":
            heap.extend((time + minutes, j, "foot") for j, minutes in network.footpaths[stop])
        for r, position in network.routes_at[stop]:
            route = network.routes[r]
            trip = route.first
            while trip + route.offsets[position] < time:
                trip += route.headway
            if trip <= route.last:
                heap.extend(
                    (trip + route.offsets[i], route.stops[i], "ride")
                    for i in range(position + 1, len(route.stops))
                )
        heapq.heapify(heap)
    return result


def test_shipped_random_queries_agree_with_a_plain_dijkstra():
    network, rng = shipped_network(), random.Random(3)
    for _ in range(150):
        ends = []
        for _ in range(2):
            near = rng.choice(network.stops).point
            ends.append(Point(near.lat + rng.uniform(-0.006, 0.006), near.lon + rng.uniform(-0.01, 0.01)))
        depart = rng.randrange(5 * 60, 24 * 60)
        journey = plan(network, *ends, depart, max_transfers=10)
        truth = earliest_arrival(network, *ends, depart)
        if truth is None:
            assert journey is None
        else:
            assert truth <= journey.arrives <= truth + TRANSFER_PENALTY_MINUTES
            assert_chains(network, journey)


def test_shipped_from_the_railway_station_to_the_city_hospital():
    network = shipped_network()
    journey = plan(network, VOKZAL, HOSPITAL, 10 * 60)
    assert_chains(network, journey)
    assert network.stop_name(journey.legs[0].to_stop) == "Железнодорожный вокзал"
    last_ride = [leg for leg in journey.legs if leg.mode == RIDE][-1]
    assert network.stop_name(last_ride.to_stop) == "Городская больница"
    assert journey.transfers == 0 and journey.arrives - journey.departs < 60


def test_shipped_zarechny_to_the_childrens_hospital_needs_a_change():
    network = shipped_network()
    journey = plan(network, ZARECHNY, CHILDREN, 10 * 60)
    assert_chains(network, journey)
    assert journey.transfers >= 1
    assert plan(network, ZARECHNY, CHILDREN, 10 * 60, max_transfers=0) is None


def test_shipped_airport_is_reached_by_its_one_bus():
    network = shipped_network()
    journey = plan(network, CENTRE, AIRPORT, 12 * 60)
    assert_chains(network, journey)
    last_ride = [leg for leg in journey.legs if leg.mode == RIDE][-1]
    assert network.stop_name(last_ride.to_stop) == "Аэропорт"
    assert network.line(last_ride.line_id).type == "bus"


def test_shipped_the_same_query_twice_gives_the_same_journey_and_late_night_none():
    network = shipped_network()
    assert plan(network, VOKZAL, HOSPITAL, 9 * 60) == plan(network, VOKZAL, HOSPITAL, 9 * 60)
    assert plan(network, VOKZAL, HOSPITAL, 23 * 60 + 50) is None
