"""nlu.number_words: the value of a run of Russian number words."""

from __future__ import annotations

import pytest

from nlu.number_words import is_scale_word, parse_number_words


@pytest.mark.parametrize(
    "run,value",
    [
        ("пятьсот", 500),
        ("две тысячи пятьсот", 2500),
        ("полторы тысячи", 1500),
        ("тысяча", 1000),
        ("двадцать один", 21),
        ("сто двадцать три тысячи четыреста пять", 123_405),
        ("два миллиона триста тысяч", 2_300_000),
        ("два три", None),
        ("двадцать пятнадцать", None),
        ("тысяча миллион", None),
    ],
)
def test_parse_number_words(run: str, value: float | None) -> None:
    assert parse_number_words(run) == value


def test_scale_words() -> None:
    assert is_scale_word("тысяч") and is_scale_word("миллионов")
    assert not is_scale_word("сто")
