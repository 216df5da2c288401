"""network.yml and the Network built from it: validation, routes both ways, footpaths, and the shipped city."""

import pytest

from skills.transport.geo import Point, distance_km
from skills.transport.network import (
    FOOTPATH_KM,
    LINE_TYPES,
    NetworkError,
    build_network,
    parse_time,
    shipped_network,
)

STOPS = [
    {"id": "a", "name": "А", "lat": 56.80, "lon": 53.00},
    {"id": "b", "name": "Б", "lat": 56.80, "lon": 53.02},
    {"id": "c", "name": "В", "lat": 56.80, "lon": 53.04},
    {"id": "c2", "name": "В-2", "lat": 56.8015, "lon": 53.04},  # 170 m from c
]
LINE = {
    "id": "L",
    "type": "tram",
    "name": "5",
    "stops": ["a", "b", "c"],
    "run_minutes": [2, 3],
    "headway_minutes": 10,
    "first": "05:30",
    "last": "23:30",
}


def test_a_two_way_line_becomes_two_routes_with_offsets_each_way():
    network = build_network({"stops": STOPS, "lines": [LINE]})
    there, back = network.routes
    assert [network.stops[i].id for i in there.stops] == ["a", "b", "c"]
    assert there.offsets == (0, 2, 5)
    assert [network.stops[i].id for i in back.stops] == ["c", "b", "a"]
    assert back.offsets == (0, 3, 5)
    assert (
        (there.first, there.last, there.headway) == (back.first, back.last, back.headway) == (330, 1410, 10)
    )
    # boarding happens anywhere but at a route's last stop
    assert network.routes_at[network.index["a"]] == ((0, 0),)
    assert network.routes_at[network.index["b"]] == ((0, 1), (1, 1))
    assert network.routes_at[network.index["c2"]] == ()


def test_a_one_way_line_is_one_route():
    network = build_network({"stops": STOPS, "lines": [{**LINE, "one_way": True}]})
    assert len(network.routes) == 1


def test_the_names_points_and_lines_the_dialogue_reads():
    network = build_network({"stops": STOPS, "lines": [LINE]})
    assert network.stop_name("c2") == "В-2"
    assert network.stop_point("b") == Point(56.80, 53.02)
    assert (network.line("L").type, network.line("L").name) == ("tram", "5")
    with pytest.raises(KeyError):
        network.stop_name("nowhere")


def test_footpaths_join_only_stops_a_short_walk_apart_both_ways():
    network = build_network({"stops": STOPS, "lines": [LINE]})
    c, c2 = network.index["c"], network.index["c2"]
    assert [j for j, _ in network.footpaths[c]] == [c2]
    assert [j for j, _ in network.footpaths[c2]] == [c]
    assert network.footpaths[c][0][1] == network.footpaths[c2][0][1] == 4
    assert network.footpaths[network.index["a"]] == ()


def test_stops_near_a_point_nearest_first_within_the_walk():
    network = build_network({"stops": STOPS, "lines": [LINE]})
    near = network.stops_near(Point(56.8003, 53.04), 0.5)
    assert [network.stops[i].id for i, _ in near] == ["c", "c2"]
    assert all(km <= 0.5 for _, km in near)
    assert network.stops_near(Point(56.8003, 53.04), 0) == []
    assert network.stops_near(Point(57.5, 53.0), 5.0) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"stops": ["a", "zz"], "run_minutes": [2]}, "unknown stops"),
        ({"stops": ["a"], "run_minutes": []}, "at least two stops"),
        ({"run_minutes": [2]}, "run_minutes holds 2"),
        ({"run_minutes": [2, 0]}, "above zero"),
        ({"headway_minutes": "10"}, "above zero"),
        ({"first": 330}, "quoted 'HH:MM'"),
        ({"last": "24:10"}, "quoted 'HH:MM'"),
        ({"first": "23:40"}, "before the first"),
        ({"type": "ferry"}, "is not one of"),
    ],
)
def test_a_broken_line_is_refused_by_name(change, message):
    with pytest.raises(NetworkError, match=f"line L: .*{message}"):
        build_network({"stops": STOPS, "lines": [{**LINE, **change}]})


def test_broken_stops_and_duplicates_are_refused():
    with pytest.raises(NetworkError, match="stop a: listed twice"):
        build_network({"stops": [*STOPS, STOPS[0]], "lines": []})
    with pytest.raises(NetworkError, match="required"):
        build_network({"stops": [{"id": "x", "name": "X"}], "lines": []})
    with pytest.raises(NetworkError, match="not on Earth"):
        build_network({"stops": [{"id": "x", "name": "X", "lat": 156.0, "lon": 53.0}], "lines": []})
    with pytest.raises(NetworkError, match="line L: listed twice"):
        build_network({"stops": STOPS, "lines": [LINE, LINE]})


def test_parse_time():
    assert parse_time("00:00", "x") == 0
    assert parse_time("23:59", "x") == 1439
    for bad in ("5:3", "25:00", "12:60", "noon", None, "1:2:3"):
        with pytest.raises(NetworkError):
            parse_time(bad, "x")


# The shipped network agrees with the city map of the brief.
LANDMARKS = {
    "Театральная": (56.8480, 53.2050),
    "Железнодорожный вокзал": (56.8330, 53.1720),
    "Автовокзал": (56.8390, 53.1850),
    "Центральный рынок": (56.8560, 53.2180),
    "Аэропорт": (56.8280, 53.4570),
    "ТЦ Галерея": (56.8600, 53.1950),
    "Поликлиника №3": (56.8700, 53.2300),
    "Городская больница": (56.8750, 53.2550),
    "Детская больница": (56.8420, 53.2400),
    "Стадион Зенит": (56.8650, 53.1800),
    "Парк Горького": (56.8510, 53.1980),
    "МФЦ": (56.8470, 53.2120),
    "Микрорайон Заречный": (56.8950, 53.2100),
    "Микрорайон Южный": (56.8200, 53.2150),
    "Микрорайон Северный": (56.8850, 53.2600),
    "Лесная": (56.8500, 53.1500),
}


def test_shipped_stops_stand_at_their_landmarks():
    network = shipped_network()
    by_name = {stop.name: stop for stop in network.stops}
    for name, (lat, lon) in LANDMARKS.items():
        assert distance_km(by_name[name].point, Point(lat, lon)) < 0.15, name
    assert 45 <= len(network.stops) <= 60


def test_shipped_lines_are_a_small_city_timetable():
    network = shipped_network()
    lines = list(network.lines.values())
    assert 8 <= len(lines) <= 12
    assert {line.type for line in lines} == set(LINE_TYPES)
    assert len([line for line in lines if line.type == "trolleybus"]) == 2
    for line in lines:
        assert 7 <= line.headway <= 20, line.id
        assert all(1 <= minutes <= 4 for minutes in line.run_minutes), line.id
        assert 5 * 60 <= line.first <= 6 * 60 and 22 * 60 <= line.last <= 23 * 60 + 30, line.id
    served = {stop for line in lines for stop in line.stops}
    assert served == {stop.id for stop in network.stops}  # no stop without a line
    assert [line.type for line in lines if "aeroport" in line.stops] == ["bus"]
    assert shipped_network() is network


def test_shipped_zarechny_and_the_childrens_hospital_share_no_line():
    network = shipped_network()
    for line in network.lines.values():
        assert not ({"zarechny", "mira", "shkola_12"} & set(line.stops) and "detskaya_bolnitsa" in line.stops)


def test_shipped_footpaths_are_short():
    network = shipped_network()
    for i, paths in enumerate(network.footpaths):
        for j, _ in paths:
            assert distance_km(network.stops[i].point, network.stops[j].point) <= FOOTPATH_KM
