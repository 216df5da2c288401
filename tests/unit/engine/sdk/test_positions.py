"""Positions in a shown list as residents name them (engine.sdk.positions)."""

import pytest

from engine.sdk.positions import picked_position, positions


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
    assert positions(text, limit=5) == found


def test_positions_without_digits():
    assert positions("закажи второе на 3", digits=False) == [2]
    assert positions("закажи 2", digits=False) == []


def test_one_picked_position_or_none():
    assert picked_position("давай второе") == "2"
    assert picked_position("первые два") is None
    assert picked_position("на второе декабря") is None
