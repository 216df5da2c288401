import pytest

from engine.sdk.address import HOUSE_NUMBER, STREET, read_address


@pytest.mark.parametrize(
    "text, address",
    [
        ("ул. Северная, 7, кв. 31", "ул. Северная, 7, кв. 31"),
        ("Ленина 5", "Ленина 5"),
        ("  пр. Ленина   40, кв 18 ", "пр. Ленина 40, кв 18"),
        ("мой адрес: Комсомольский пр-т 14а", "Комсомольский пр-т 14а"),
        ("на Пушкина 3", "Пушкина 3"),
        ("дом 5 по улице Мира", "дом 5 по улице Мира"),
        ("Северная 7/2 кв 31", "Северная 7/2 кв 31"),
        ("ул. 8 Марта 12", "ул. 8 Марта 12"),
        ("Садовая 12 корпус 2", "Садовая 12 корпус 2"),
        ("приезжайте к 10 на Садовую 5", "Садовую 5"),  # the hour is not part of the address
    ],
)
def test_a_street_and_a_house_make_an_address(text, address):
    assert read_address(text).address == address


@pytest.mark.parametrize(
    "text, missing",
    [
        ("в 10 утра", (STREET, HOUSE_NUMBER)),
        ("к 18:00", (STREET, HOUSE_NUMBER)),
        ("завтра в 9", (STREET, HOUSE_NUMBER)),
        ("в 7 вечера", (STREET, HOUSE_NUMBER)),
        ("+7 912 345 67 89", (STREET, HOUSE_NUMBER)),
        ("1002003004", (STREET, HOUSE_NUMBER)),
        ("2000 руб", (STREET, HOUSE_NUMBER)),
        ("улица Ленина", (HOUSE_NUMBER,)),
        ("Центральный район", (HOUSE_NUMBER,)),
        ("", (STREET, HOUSE_NUMBER)),
        ("/inform", (STREET, HOUSE_NUMBER)),
        ("ул. Ленина " + "д" * 300, (STREET, HOUSE_NUMBER)),
    ],
)
def test_an_hour_a_phone_or_half_an_address_is_no_address(text, missing):
    reading = read_address(text)
    assert reading.address is None and reading.missing == missing


def test_an_hour_after_the_address_is_not_kept_in_it():
    assert read_address("Садовая 5 кв 3 к 10 утра").address == "Садовая 5 кв 3"


def test_the_entrance_and_the_flat_after_the_house_are_kept():
    assert read_address("ленина 15 второй подъезд").address == "ленина 15 второй подъезд"
