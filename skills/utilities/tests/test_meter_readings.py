from decimal import Decimal

from skills.utilities.meter_readings import candidates, choice_word
from skills.utilities.models import UtilitiesMeter
from skills.utilities.readings_parser import ParsedReading

KITCHEN = UtilitiesMeter(id=1, resource="cold_water", zone=None, place="кухня", serial_number="A-1")
BATHROOM = UtilitiesMeter(id=2, resource="cold_water", zone=None, place="ванная", serial_number="A-2")
DAY = UtilitiesMeter(id=3, resource="electricity", zone="day", place=None, serial_number="E-1")
NIGHT = UtilitiesMeter(id=4, resource="electricity", zone="night", place=None, serial_number="E-1")
GAS = UtilitiesMeter(id=5, resource="gas", zone=None, place=None, serial_number="G-7")
METERS = [KITCHEN, BATHROOM, DAY, NIGHT, GAS]


def parsed(resources=(), zone=None, place=None):
    return ParsedReading(tuple(resources), zone, place, Decimal("1"), "1")


def test_the_meters_a_value_may_be_for():
    assert candidates(METERS, parsed(["cold_water"])) == [KITCHEN, BATHROOM]
    assert candidates(METERS, parsed(["cold_water"], place="ванная")) == [BATHROOM]
    assert candidates(METERS, parsed(["electricity"], zone="night")) == [NIGHT]
    assert candidates(METERS, parsed()) == METERS
    assert candidates(METERS, parsed(["heating"])) == []


def test_the_word_that_picks_a_meter():
    assert [choice_word(m) for m in METERS] == ["кухня", "ванная", "день", "ночь", "G-7"]
