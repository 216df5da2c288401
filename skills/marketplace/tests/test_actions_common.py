"""What the marketplace conversations share (actions/common.py): order numbers."""

import pytest

from skills.marketplace.actions import common


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
