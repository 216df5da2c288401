"""What the marketplace conversations share (actions/common.py): positions in a shown list, order numbers."""

import pytest

from skills.marketplace.actions import common


@pytest.mark.parametrize(
    "text, found",
    [
        ("закажи первое", [1]),
        ("сравни первых двух", [1, 2]),
        ("сравни оба", [1, 2]),
        ("три первых", [1, 2, 3]),
        ("первых трёх", [1, 2, 3]),
        ("ЗАКАЖИ ТРЕТЬЕ", [3]),
        ("сравни первое и третье", [1, 3]),
        ("2 и 3", [2, 3]),
        ("давай второй вариант", [2]),
        ("на второе декабря", []),
        ("на пятницу", []),
        ("на вторник", []),
        ("в четверг", []),
        ("закажи на 5 число", []),
        ("закажи 7", []),
    ],
)
def test_positions(text, found):
    assert common.positions(text) == found


def test_positions_without_digits():
    assert common.positions("закажи второе на 3", digits=False) == [2]
    assert common.positions("закажи 2", digits=False) == []


@pytest.mark.parametrize(
    "value, number",
    [
        (15, 15),
        (15.0, 15),
        ("15", 15),
        ("заказ № 15", 15),
        ("№15", 15),
        (15.5, None),
        (0, None),
        ("0", None),
        (True, None),
        (None, None),
        ("заказ 15 и 16", None),
        ("пятнадцать", None),
    ],
)
def test_order_number(value, number):
    assert common.order_number(value) == number
