"""The ride lifecycle on SQLite and PostgreSQL: ordering now and later, cancellation terms and fees (charged once,
a stale fee refused), the driver's steps (only their own ride, only in order), and the races between them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from engine.sdk import Payment, session_scope
from engine.testing import at_once, meeting_after
from skills.transport import rides
from skills.transport.models import Driver, Ride

from .conftest import AIRPORT, MARKET, NOW, STATION, THEATRE, only_free, resident

FEE = Decimal(99)


def order(sender, pickup_at=None, origin=THEATRE, destination=STATION, now=NOW):
    owner = resident(sender)
    with session_scope() as session:
        ride = rides.order_ride(session, owner, origin, destination, pickup_at, now)
        return ride.id, ride.status


def ride_of(ride_id):
    with session_scope() as session:
        return session.get(Ride, ride_id)


def driver_of(ride_id):
    with session_scope() as session:
        driver_id = session.get(Ride, ride_id).driver_id
        return session.get(Driver, driver_id) if driver_id is not None else None


def step(sender, ride_id, name, now=NOW):
    who = resident(sender)
    with session_scope() as session:
        return rides.driver_step(session, who, ride_id, name, now).code


def cancel(sender, ride_id, expected_fee=Decimal(0), now=NOW):
    who = resident(sender)
    with session_scope() as session:
        outcome = rides.cancel_ride(session, session.get(Ride, ride_id), who, now, expected_fee=expected_fee)
        return outcome.code, outcome.terms


def terms(ride_id, now):
    return rides.cancel_terms(ride_of(ride_id), now)


def audits(action):
    with session_scope() as session:
        return session.execute(
            text("SELECT count(*) FROM audit_log WHERE action = :action"), {"action": action}
        ).scalar_one()


def fee_payments(ride_id):
    with session_scope() as session:
        return (
            session.execute(
                select(Payment.amount).where(Payment.idempotency_key == f"transport-cancel-{ride_id}")
            )
            .scalars()
            .all()
        )


def test_a_ride_for_now_gets_a_driver_and_its_fare(demo_store):
    ride_id, status = order("anna")
    ride = ride_of(ride_id)
    assert (
        status == "assigned"
        and ride.fare == Decimal(140)
        and ride.pickup_at == NOW.replace(tzinfo=None) - timedelta(hours=3)
    )
    anna, boris = resident("anna"), resident("boris")
    with session_scope() as session:
        now = rides.ride_status(session, session.get(Ride, ride_id), NOW)
        assert now.status == "assigned" and now.driver.name == "Алексей Смирнов"
        assert now.eta_minutes == 1 and not now.late
        assert rides.active_ride(session, anna).id == ride_id
        assert rides.active_ride(session, boris) is None


def test_ordering_again_while_a_ride_is_open_makes_no_second_ride(demo_store):
    first, _ = order("anna")
    assert order("anna", origin=MARKET) == (first, "assigned")
    with session_scope() as session:
        assert session.execute(select(func.count(Ride.id))).scalar_one() == 1


def test_a_later_ride_waits_and_gets_its_driver_at_the_dispatch_lead(demo_store):
    pickup = NOW + timedelta(hours=2)
    ride_id, status = order("anna", pickup)
    assert status == "scheduled" and driver_of(ride_id) is None
    with session_scope() as session:
        assert rides.dispatch_due(session, NOW + timedelta(hours=1)) == []
    with session_scope() as session:
        assert [r.id for r in rides.dispatch_due(session, pickup - timedelta(minutes=20))] == [ride_id]
    ride = ride_of(ride_id)
    assert ride.status == "assigned" and ride.arrive_by == pickup.replace(tzinfo=None) - timedelta(hours=3)
    assert terms(ride_id, pickup - timedelta(minutes=10)).fee == FEE


def test_a_pickup_within_the_lead_is_dispatched_at_once_for_its_time(demo_store):
    ride_id, status = order("anna", NOW + timedelta(minutes=15))
    assert status == "assigned"
    with session_scope() as session:
        ride = session.get(Ride, ride_id)
        assert rides.ride_status(session, ride, NOW).eta_minutes == 15


def test_a_due_ride_without_a_free_driver_searches_until_one_is_free(demo_store):
    only_free()
    ride_id, _ = order("anna", NOW + timedelta(hours=1))
    with session_scope() as session:
        assert rides.dispatch_due(session, NOW + timedelta(minutes=45)) == []
    assert ride_of(ride_id).status == "searching"
    only_free("driver-dmitry")
    with session_scope() as session:
        assert len(rides.dispatch_due(session, NOW + timedelta(minutes=46))) == 1
    assert driver_of(ride_id).name == "Дмитрий Корепанов"


def test_cancelling_is_free_while_searching_and_just_after_assignment_then_costs_the_fee(demo_store):
    only_free()
    searching, _ = order("anna", origin=AIRPORT)
    assert (terms(searching, NOW).free, terms(searching, NOW).reason_code) == (True, "no_driver")
    only_free("driver-aleksei")
    assigned, _ = order("boris")
    assert terms(assigned, NOW + timedelta(minutes=3)).reason_code == "grace"
    late_fee = terms(assigned, NOW + timedelta(minutes=3, seconds=1))
    assert (late_fee.free, late_fee.fee, late_fee.reason_code) == (False, FEE, "fee")


def test_a_driver_late_past_the_promise_makes_cancelling_free(demo_store):
    ride_id, _ = order("anna", origin=STATION, destination=THEATRE)
    arrive_by = ride_of(ride_id).arrive_by
    assert terms(ride_id, arrive_by + timedelta(minutes=5)).reason_code == "fee"
    assert terms(ride_id, arrive_by + timedelta(minutes=5, seconds=1)).reason_code == "driver_late"
    assert step("driver-marat", ride_id, "accept") == "ok"
    assert step("driver-marat", ride_id, "arrived", arrive_by + timedelta(minutes=2)) == "ok"
    assert (
        terms(ride_id, arrive_by + timedelta(minutes=20)).reason_code == "fee"
    )  # arrived in time, then waited


def test_a_cancellation_fee_is_charged_once_on_the_terms_the_resident_confirmed(demo_store):
    ride_id, _ = order("anna")
    later = NOW + timedelta(minutes=4)
    code, new_terms = cancel("anna", ride_id, Decimal(0), later)  # was told «free» a minute ago: stale
    assert code == "fee_changed" and new_terms.fee == FEE
    assert ride_of(ride_id).status == "assigned" and fee_payments(ride_id) == []
    assert cancel("anna", ride_id, FEE, later)[0] == "cancelled"
    ride = ride_of(ride_id)
    assert (ride.status, ride.cancel_fee, ride.fee_payment_id is not None) == ("cancelled", FEE, True)
    assert fee_payments(ride_id) == [FEE]
    assert driver_of(ride_id).state == "free" and driver_of(ride_id).ride_id is None
    assert cancel("anna", ride_id, FEE, later)[0] == "closed"
    assert fee_payments(ride_id) == [FEE] and audits("ride_cancelled") == 1


def test_a_free_cancellation_charges_nothing_and_frees_the_driver(demo_store):
    ride_id, _ = order("anna")
    assert cancel("anna", ride_id)[0] == "cancelled"
    assert fee_payments(ride_id) == [] and ride_of(ride_id).cancel_fee is None
    assert driver_of(ride_id).state == "free"
    assert order("anna")[1] == "assigned"  # a new ride after the cancelled one


def test_another_resident_cannot_cancel_my_ride(demo_store):
    ride_id, _ = order("anna")
    assert cancel("boris", ride_id)[0] == "not_yours"
    assert cancel("driver-aleksei", ride_id)[0] == "not_yours"  # not even its driver
    assert ride_of(ride_id).status == "assigned"


def test_the_driver_moves_the_ride_step_by_step_and_is_freed_at_the_destination(demo_store):
    ride_id, _ = order("anna")
    assert step("driver-aleksei", ride_id, "arrived") == "wrong_state"
    assert step("driver-aleksei", ride_id, "accept") == "ok"
    assert step("driver-aleksei", ride_id, "start") == "wrong_state"
    assert step("driver-aleksei", ride_id, "arrived", NOW + timedelta(minutes=2)) == "ok"
    code, waiting_terms = cancel("anna", ride_id, Decimal(0), NOW + timedelta(minutes=4))
    assert (code, waiting_terms.fee) == ("fee_changed", FEE)  # the driver waits at the door: not free
    assert step("driver-aleksei", ride_id, "start", NOW + timedelta(minutes=4)) == "ok"
    code, trip_terms = cancel("anna", ride_id, FEE, NOW + timedelta(minutes=5))
    assert code == "in_trip" and not trip_terms.allowed
    assert step("driver-aleksei", ride_id, "finish", NOW + timedelta(minutes=12)) == "ok"
    ride, driver = ride_of(ride_id), driver_of(ride_id)
    assert ride.status == "done" and ride.finished_at is not None and ride.fare == Decimal(140)
    assert (driver.state, driver.ride_id, driver.lat, driver.lon) == (
        "free",
        None,
        STATION[1].lat,
        STATION[1].lon,
    )
    assert [audits(f"ride_{s}") for s in ("assigned", "accept", "arrived", "start", "finish")] == [1] * 5
    anna = resident("anna")
    with session_scope() as session:
        assert rides.active_ride(session, anna) is None


def test_only_the_rides_own_driver_moves_it(demo_store):
    ride_id, _ = order("anna")
    assert step("driver-marat", ride_id, "accept") == "not_your_ride"
    assert step("anna", ride_id, "accept") == "not_driver"
    assert step("boris", ride_id, "finish") == "not_driver"
    assert step("driver-aleksei", ride_id + 100, "accept") == "not_your_ride"
    assert ride_of(ride_id).status == "assigned"
    with pytest.raises(ValueError):
        step("driver-aleksei", ride_id, "teleport")


def test_a_cancelled_ride_tells_its_driver(demo_store):
    ride_id, _ = order("anna")
    cancel("anna", ride_id)
    assert step("driver-aleksei", ride_id, "accept") == "cancelled"
    aleksei = resident("driver-aleksei")
    with session_scope() as session:
        assert rides.driver_ride(session, aleksei) is None


def drive_to(ride_id, driver, last):
    for name in ("accept", "arrived", "start", "finish")[
        : ("accept", "arrived", "start", "finish").index(last) + 1
    ]:
        assert step(driver, ride_id, name) == "ok"


@pytest.fixture
def overlap(monkeypatch):
    """Arms the race: the next two calls both read the ride before either changes it, unless the ride's lock keeps
    the second one waiting (then they go on one after the other)."""

    def arm():
        monkeypatch.setattr(rides, "lock_ride", meeting_after(rides.lock_ride, 2))

    return arm


def test_cancel_racing_the_start_changes_the_ride_once(demo_store, overlap):
    ride_id, _ = order("anna")
    drive_to(ride_id, "driver-aleksei", "arrived")
    overlap()
    cancelled, started = at_once(
        lambda who: cancel(who, ride_id, Decimal(0))[0] if who == "anna" else step(who, ride_id, "start"),
        ["anna", "driver-aleksei"],
    )
    assert (cancelled, started) in {("cancelled", "cancelled"), ("in_trip", "ok")}
    ride, driver = ride_of(ride_id), driver_of(ride_id)
    if cancelled == "cancelled":
        assert (ride.status, driver.state, driver.ride_id) == ("cancelled", "free", None)
    else:
        assert (ride.status, driver.state, driver.ride_id) == ("in_trip", "busy", ride_id)


def test_a_finish_sent_twice_finishes_once(demo_store, overlap):
    ride_id, _ = order("anna")
    drive_to(ride_id, "driver-aleksei", "start")
    overlap()
    results = at_once(lambda _: step("driver-aleksei", ride_id, "finish"), range(2))
    assert sorted(results) == ["already", "ok"]
    assert step("driver-aleksei", ride_id, "finish") == "already"
    assert audits("ride_finish") == 1 and ride_of(ride_id).status == "done"
