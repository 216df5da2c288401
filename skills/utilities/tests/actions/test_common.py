from decimal import Decimal

import pytest

from engine.sdk import STOP
from engine.testing import make_tracker
from skills.utilities.actions.common import is_sentinel, parse_amount


@pytest.mark.parametrize(
    "value, amount",
    [
        (2000, Decimal("2000")),
        (3500.0, Decimal("3500.0")),
        ("1 500,50 руб", Decimal("1500.50")),
        ("две тысячи", None),
        ("1.2.3", None),
    ],
)
def test_sums_as_residents_write_them(value, amount):
    assert parse_amount(value) == amount


def test_a_sentinel_is_never_what_the_resident_typed():
    assert is_sentinel(make_tracker("оплати квартплату"), STOP, (STOP,))
    assert not is_sentinel(make_tracker(STOP), STOP, (STOP,))
    assert not is_sentinel(make_tracker(" linked "), "linked", ("linked",))
    assert not is_sentinel(make_tracker("да"), "2000", (STOP,))
