"""Dispatch on SQLite and PostgreSQL: the nearest free driver within reach, never the resident themselves, never one
driver for two rides — also when residents order at once."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine.sdk import session_scope
from engine.testing import at_once, meeting_after
from skills.transport import dispatch, rides
from skills.transport.models import Driver, Ride

from .conftest import AIRPORT, NOW, STATION, THEATRE, only_free, resident


def order(sender, origin=THEATRE, destination=STATION, now=NOW):
    """(ride id, status, the driver's name or None)."""
    owner = resident(sender)
    with session_scope() as session:
        ride = rides.order_ride(session, owner, origin, destination, None, now)
        driver = session.get(Driver, ride.driver_id) if ride.driver_id else None
        return ride.id, ride.status, driver.name if driver else None


def drivers_by_state():
    with session_scope() as session:
        return dict(session.execute(select(Driver.state, func.count()).group_by(Driver.state)).all())


def test_the_nearest_free_driver_is_assigned(demo_store):
    assert order("anna", THEATRE)[1:] == ("assigned", "Алексей Смирнов")
    assert order("boris", STATION)[1:] == ("assigned", "Марат Гарипов")
    assert order("carl", THEATRE)[1:] == ("assigned", "Ирина Волкова")  # Алексей is busy: the next nearest
    assert drivers_by_state() == {"busy": 3, "free": 3, "off": 1}


def test_no_free_driver_within_reach_leaves_the_ride_searching(demo_store):
    assert order("anna", AIRPORT, THEATRE)[1:] == ("searching", None)  # every driver is farther than 8 km
    only_free()
    assert order("boris", THEATRE)[1:] == ("searching", None)


def test_a_driver_off_shift_is_never_dispatched(demo_store):
    only_free()
    with session_scope() as session:
        assert dispatch.candidates(session, session.get(Ride, order("anna", THEATRE)[0])) == []


def test_a_resident_is_never_their_own_driver(demo_store):
    only_free("driver-aleksei")
    ride_id, status, _ = order("driver-aleksei", THEATRE)  # Алексей stands at the theatre himself
    assert status == "searching"
    only_free("driver-aleksei", "driver-irina")
    with session_scope() as session:
        assert [ride.id for ride in rides.dispatch_due(session, NOW)] == [ride_id]
        assert session.get(Driver, session.get(Ride, ride_id).driver_id).name == "Ирина Волкова"


def test_a_claimed_driver_is_not_claimed_again_for_another_ride(demo_store):
    ride_id, _, _ = order("anna", THEATRE)
    with session_scope() as session:
        ride = session.get(Ride, ride_id)
        assert dispatch.assign_nearest(session, ride, NOW) is None  # the ride has its driver already
        driver = session.get(Driver, ride.driver_id)
        assert (driver.state, driver.ride_id) == ("busy", ride_id)


def test_the_eta_counts_down_from_the_assignment(demo_store):
    ride_id, _, _ = order("anna", STATION, THEATRE)
    with session_scope() as session:
        ride = session.get(Ride, ride_id)
        driver = session.get(Driver, ride.driver_id)
        first = dispatch.eta_minutes(driver, ride, NOW)
        assert 1 <= first <= 3  # Марат is 250 m from the station
        assert dispatch.eta_minutes(driver, ride, NOW + timedelta(minutes=1)) == first - 1
        assert dispatch.eta_minutes(driver, ride, NOW + timedelta(minutes=30)) == 0
        assert ride.arrive_by == dispatch.arrival_at(driver, ride, NOW)


@pytest.mark.parametrize("residents", [2, 6])
def test_residents_ordering_at_once_get_each_driver_once(demo_store, residents, monkeypatch):
    only_free("driver-aleksei", "driver-irina", "driver-marat")
    # Every order sees the same free drivers before any claims one (on SQLite the first order's write lock keeps
    # the others waiting: they go on one after the other).
    monkeypatch.setattr(dispatch, "candidates", meeting_after(dispatch.candidates, residents))
    results = at_once(lambda n: order(f"rider-{n}", THEATRE), range(residents))  # all want the nearest driver
    assigned = min(residents, 3)
    statuses = sorted(status for _, status, _ in results)
    assert statuses == ["assigned"] * assigned + ["searching"] * (residents - assigned)
    assert len({driver for _, status, driver in results if status == "assigned"}) == assigned
    with session_scope() as session:
        open_rides = session.execute(
            select(Ride.driver_id, func.count()).where(Ride.driver_id.is_not(None)).group_by(Ride.driver_id)
        ).all()
        assert all(count == 1 for _, count in open_rides) and len(open_rides) == assigned
        for driver in session.execute(select(Driver).where(Driver.state == "busy")).scalars():
            assert session.get(Ride, driver.ride_id).driver_id == driver.id
