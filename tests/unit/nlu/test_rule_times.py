"""nlu.rule_times: time candidates in folded text (extract_rule_entities resolves their overlaps)."""

from __future__ import annotations

import pytest

from nlu.rule_times import find_times
from nlu.text_spans import fold_text


def times(text: str) -> list:
    """The time values found in `text`, longest first."""
    found = sorted(find_times(fold_text(text)), key=lambda f: f.start - f.end)
    return [f.value for f in found]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("в 3", "15:00"),  # a bare hour of 1-6 is afternoon
        ("в 03:00", "03:00"),  # a leading zero is taken literally
        ("в 3 ночи", "03:00"),
        ("к двум", "14:00"),
        ("в час дня", "13:00"),
        ("в полночь", "00:00"),
        ("с 8 до 10 вечера", {"from": "20:00", "to": "22:00"}),
        ("после обеда", {"from": "13:00", "to": "18:00"}),
    ],
)
def test_times(text: str, expected: object) -> None:
    assert times(text)[0] == expected


@pytest.mark.parametrize("text", ["в двух словах", "раз в 3 дня", "с добрым утром", "рабочим днем"])
def test_not_times(text: str) -> None:
    assert times(text) == []
