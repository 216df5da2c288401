"""Two orders for one provider and hour arriving at the same moment on PostgreSQL: exactly one gets it.

Both requests are held until each has seen the slot free, so the race is real every run: only the unique
(provider, hour) booking can decide it.
"""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine.sdk import session_scope
from engine.testing import at_once
from skills.marketplace import dispatch, orders
from skills.marketplace.models import MarketBooking, MarketOrder
from skills.marketplace.tests.conftest import NOW, Factory, moscow

SLOT = moscow(NOW.date() + timedelta(days=1), 10)


@pytest.fixture
def race(postgres_store, monkeypatch):
    with session_scope() as session:
        factory = Factory(session)
        provider = factory.provider("Единственный")
        cast = {
            "offer_id": factory.offer_of(provider).id,
            "customers": [factory.resident("first"), factory.resident("second")],
        }
    both_checked = threading.Barrier(2, timeout=30)
    real_is_free = dispatch.is_free

    def is_free_then_wait(*args, **kwargs):
        free = real_is_free(*args, **kwargs)
        both_checked.wait()
        return free

    monkeypatch.setattr(dispatch, "is_free", is_free_then_wait)
    return cast


def _place_concurrently(customers, offer_id):
    def place(customer):
        try:
            with session_scope() as session:
                order = orders.place_order(session, customer, "plumber", "ул. Речная, 1", SLOT, offer_id, NOW)
                return "placed", order.id
        except orders.SlotTaken as taken:
            return "taken", taken.reason

    return at_once(place, customers)


def _stored():
    with session_scope() as session:
        return (
            session.execute(select(func.count(MarketOrder.id))).scalar_one(),
            session.execute(select(func.count(MarketBooking.id))).scalar_one(),
        )


@pytest.mark.parametrize("chosen", [True, False], ids=["chosen-offer", "dispatch"])
def test_exactly_one_of_two_simultaneous_orders_gets_the_slot(race, chosen):
    outcomes = _place_concurrently(race["customers"], race["offer_id"] if chosen else None)
    assert sorted(kind for kind, _ in outcomes) == ["placed", "taken"]
    assert [reason for kind, reason in outcomes if kind == "taken"] == ["just_taken"]
    assert _stored() == (1, 2)  # one order holding its two hours
