from decimal import Decimal

import pytest

from skills.utilities.readings_parser import ParsedReading, parse_readings


def pairs(text, entities=()):
    return [(r.resources, r.zone, r.place, r.value) for r in parse_readings(text, entities)]


def test_two_meters_in_one_message():
    assert pairs("ХВС 345, ГВС 120,5") == [
        (("cold_water",), None, None, Decimal("345")),
        (("hot_water",), None, None, Decimal("120.5")),
    ]


def test_zones_of_one_electricity_meter():
    assert pairs("свет день 12045 ночь 5230") == [
        (("electricity",), "day", None, Decimal("12045")),
        (("electricity",), "night", None, Decimal("5230")),
    ]
    assert pairs("электроэнергия т1 12200 т2 5400") == [
        (("electricity",), "day", None, Decimal("12200")),
        (("electricity",), "night", None, Decimal("5400")),
    ]


@pytest.mark.parametrize(
    "text, resource",
    [
        ("холодная вода 345", "cold_water"),
        ("по холодной 345", "cold_water"),
        ("показания горячей воды 120", "hot_water"),
        ("гвс 120", "hot_water"),
        ("электричество 100", "electricity"),
        ("электроэнергии 100", "electricity"),
        ("газа 1523", "gas"),
        ("отопление 12,5", "heating"),
        ("тепло 12,5", "heating"),
    ],
)
def test_meter_words_in_any_form(text, resource):
    (reading,) = parse_readings(text)
    assert reading.resources == (resource,)


def test_places_tell_two_meters_of_one_resource_apart():
    assert pairs("холодной воды кухня 348 ванная 210") == [
        (("cold_water",), None, "кухня", Decimal("348")),
        (("cold_water",), None, "ванная", Decimal("210")),
    ]


def test_water_alone_may_be_cold_or_hot():
    (reading,) = parse_readings("вода 345")
    assert reading.resources == ("cold_water", "hot_water")


def test_a_value_in_words_is_reported_as_unreadable():
    assert parse_readings("хвс триста") == [ParsedReading(("cold_water",), None, None, None, "триста")]


def test_a_request_without_values_has_no_readings():
    assert parse_readings("хочу передать показания счётчиков воды") == []


def test_a_trained_entity_names_the_meter():
    entities = [{"entity": "meter_type", "start": 0, "end": 7, "value": "hot_water"}]
    assert pairs("кипяток 120", entities) == [(("hot_water",), None, None, Decimal("120"))]


def test_a_number_without_a_meter_is_kept_for_the_resident_to_place():
    assert pairs("345") == [((), None, None, Decimal("345"))]


def test_numerals_in_any_form_are_values_in_words():
    assert [r.text for r in parse_readings("гвс двухсот пяти")] == ["двухсот", "пяти"]
    assert [r.text for r in parse_readings("хвс нескольких")] == ["нескольких"]
    assert parse_readings("электричество двести") == [
        ParsedReading(("electricity",), None, None, None, "двести")
    ]
