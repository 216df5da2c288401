from decimal import Decimal

import pytest

from engine.sdk.values import (
    read_account_number,
    read_age,
    read_numbers,
    read_typed,
    read_yes_no,
    record_id,
    yes_no_extraction,
)
from engine.testing import make_tracker


@pytest.mark.parametrize(
    "text, number",
    [
        ("1002003004", "1002003004"),
        ("лицевой счёт 100 200 3004", "1002003004"),
        ("л/с 123-456-789", "123456789"),
        ("номер 1002003004, последние цифры телефона 4321", "1002003004"),
        ("12345", None),  # too short
        ("2233", None),
        ("1002003004 или 2003004005", None),  # two numbers: which one?
        ("ой не 1002003005 а 1002003004", "1002003004"),  # a correction: the last one
        ("+7 912 345-67-89", None),  # a phone
    ],
)
def test_the_account_number_in_a_message(text, number):
    assert read_account_number(text) == number


@pytest.mark.parametrize(
    "text, answer",
    [
        ("да, жду мастера", True),
        ("ага давай", True),
        ("Конечно, оформляйте!", True),
        ("ок", True),
        ("нет, не 2000 а 2500", False),
        ("не надо", False),
        ("передумал", False),
        ("наверное да", None),  # not a plain answer: left to the model
        ("данные верны?", None),  # "да" is only a whole word
        ("", None),
    ],
)
def test_a_yes_or_a_no_is_the_first_word(text, answer):
    assert read_yes_no(text) is answer


def test_a_yes_taken_for_another_intent_answers_the_confirmation_being_asked():
    asked = {"requested_slot": "market_order_confirm"}
    mistaken = make_tracker("да, жду мастера", "market_order_status", slots=asked)
    assert yes_no_extraction(mistaken, "market_order_confirm") == {"market_order_confirm": True}
    assert yes_no_extraction(mistaken, "utilities_pay_confirm") == {}  # not what is asked
    understood = make_tracker("да", "affirm", slots=asked)  # the slot mapping already took it
    assert yes_no_extraction(understood, "market_order_confirm") == {}
    other = make_tracker("что с моим заказом", "market_order_status", slots=asked)
    assert yes_no_extraction(other, "market_order_confirm") == {}


def test_numbers_and_typed_values():
    assert read_numbers("нет, не 2000 а 2500") == [Decimal(2000), Decimal(2500)]
    assert read_numbers("1 500,50 руб") == [Decimal("1500.50")]
    assert read_typed("account_number", "3004005006") == "3004005006"
    assert read_typed("location", "ленина 15 кв 42") == "ленина 15 кв 42"
    assert read_typed("location", "в 10 утра") is None
    assert read_typed("phone", "+7 912 345-67-89") == "+79123456789"
    assert read_typed("time", "в 10 утра") == "10:00"
    assert read_typed("colour", "красный") is None


@pytest.mark.parametrize(
    "text, age",
    [
        ("рисование для ребёнка восьми лет", 8),
        ("сыну 8 лет", 8),
        ("ему 5 годиков", 5),
        ("для 8-летнего", 8),
        ("дочке двенадцать лет, ищем танцы", 12),
        ("мне 65 лет", 65),
        ("курсы английского", None),
        ("8 человек", None),
        ("от 6 до 10 лет", None),  # a range is no one age
        ("200 лет", None),
        ("сына мишу, ему 9", 9),
        ("дочке восемь", 8),
        ("мне 2 билета", None),
    ],
)
def test_ages(text, age):
    assert read_age(text) == age


def test_a_bare_number_is_an_age_only_when_the_age_was_asked():
    assert read_age("восемь") is None
    assert read_age("восемь", bare=True) == 8
    assert read_age("8", bare=True) == 8
    assert read_age("8 марта", bare=True) is None


@pytest.mark.parametrize(
    "value, expected",
    [(7, 7), ("7", 7), (" 12 ", 12), ("9" * 18, int("9" * 18))],
)
def test_a_record_id_is_a_positive_whole_number(value, expected):
    assert record_id(value) == expected


@pytest.mark.parametrize(
    "value", [None, "", "0", 0, -3, "-3", "1.5", 1.5, True, "7a", "٣", "1" * 19, "1" * 10_000, "1\x002", [1]]
)
def test_anything_else_is_no_record_id(value):
    assert record_id(value) is None
