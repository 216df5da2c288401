"""Every ride action that orders, cancels or moves a ride on, tried as another resident (forged ids in slots and
notifications), twice, twice at once, after a stale confirmation, and with hostile input: the resident reads why
in Russian, and no ride, driver or payment changes that was not theirs to change. Parking: test_actions_guards_parking.py.
"""

import pytest
from sqlalchemy import select

from engine.sdk import Payment, session_scope
from engine.testing import (
    HOSTILE_IDS,
    at_once,
    hostile_id,
    make_tracker,
    meeting_after,
    scheduled_notifications,
    slot_events,
    texts,
)
from skills.transport import rides
from skills.transport.actions.driver import ActionTransportDriverUpdate
from skills.transport.actions.notice import dispatch_later, tell_driver_new_ride
from skills.transport.actions.ride import ActionTransportRideDone, ValidateTransportRideForm
from skills.transport.actions.status import ActionAskTransportCancelConfirm, ActionTransportCancelDone
from skills.transport.models import ARRIVING, CANCELLED, DONE, IN_TRIP, Driver, Ride

from .conftest import MARKET, STATION, only_free, resident
from .helpers import act, form, said
from .test_actions_driver import notice, ride_with, step
from .test_actions_ride import confirmed, rides_of
from .test_actions_status import assigned_earlier, ordered
from .test_rides import audits, fee_payments

OTHER = "resident-2"


def payments() -> int:
    with session_scope() as session:
        return len(session.execute(select(Payment)).all())


def status_of(ride_id: int) -> str:
    with session_scope() as session:
        return session.get(Ride, ride_id).status


def cancel_done(ride_id, fee="0", sender="resident-1"):
    slots = {
        "transport_cancel_ride": str(ride_id),
        "transport_cancel_fee": fee,
        "transport_cancel_confirm": True,
    }
    return act(ActionTransportCancelDone(), "да", "affirm", slots=slots, sender=sender)


def confirmed_cancel(sender="resident-1"):
    """The slots of the cancel form after its question was asked and answered yes."""
    _, events = act(ActionAskTransportCancelConfirm(), sender=sender)
    return {**slot_events(events), "transport_cancel_confirm": True}


def notifications(kind: str):
    return [n for n in scheduled_notifications() if n[3].get("transport_notice_kind") == kind]


# ---- another resident ----


def test_another_resident_can_neither_cancel_my_ride_nor_learn_of_it(demo_store, frozen_clock):
    ride = ordered("resident-1", frozen_clock)
    assigned_earlier(ride, 10)  # a cancellation would cost the fee now
    messages, events = act(ActionAskTransportCancelConfirm(), sender=OTHER)
    assert messages == [] and str(ride) not in str(slot_events(events))
    for fee in ("0", "99"):
        assert said(cancel_done(ride, fee, sender=OTHER)[0]) == ["utter_transport_no_ride"]
    assert status_of(ride) != CANCELLED and payments() == 0 and notifications("driver_cancelled") == []


def test_a_passenger_or_another_driver_cannot_move_a_ride_on(demo_store, frozen_clock):
    ride = ride_with("driver-marat", frozen_clock)
    for text, sender in [
        ("принял заказ", "resident-1"),
        ("принял заказ", OTHER),
        ("поездка завершена", OTHER),
    ]:
        assert said(step(text, sender)[0]) == ["utter_transport_driver_only"]
    assert said(step("принял заказ", "driver-irina")[0]) == ["utter_transport_driver_no_ride"]
    assert status_of(ride) == "assigned" and notifications("ride_accepted") == []


def test_a_dispatch_notice_typed_into_another_conversation_does_nothing(demo_store, frozen_clock):
    only_free()  # nobody on shift: the ride waits for a driver
    owner = resident("resident-1")
    with session_scope() as session:
        ride = rides.order_ride(session, owner, STATION, MARKET, None, frozen_clock)
        ride_id = ride.id
        dispatch_later(session, make_tracker(), ride, frozen_clock)
    (pending,) = notifications("dispatch")
    only_free("driver-irina")
    assert notice("dispatch", ride_id, OTHER, pending[0]) == ([], [])
    assert status_of(ride_id) == "searching" and notifications("dispatch") == [pending]


# ---- twice, and twice at once ----


def test_one_order_confirmation_sent_twice_at_once_makes_one_ride(demo_store, monkeypatch):
    slots, _ = confirmed()
    rides_of("resident-1")  # the resident exists before the race
    monkeypatch.setattr(rides, "active_ride", meeting_after(rides.active_ride, 2))
    answers = at_once(lambda _: said(act(ActionTransportRideDone(), slots=slots)[0]), [1, 2])
    assert sorted(answers) == [["utter_transport_ride_already"], ["utter_transport_ride_assigned"]], answers
    assert len(rides_of("resident-1")) == 1 and len(notifications("driver_new_ride")) == 1


def test_one_cancel_confirmation_sent_twice_at_once_charges_the_fee_once(
    demo_store, frozen_clock, monkeypatch
):
    ride = ordered("resident-1", frozen_clock)
    assigned_earlier(ride, 10)
    slots = confirmed_cancel()
    assert slots["transport_cancel_fee"] == "99"
    monkeypatch.setattr(rides, "lock_ride", meeting_after(rides.lock_ride, 2))
    answers = at_once(lambda _: said(act(ActionTransportCancelDone(), slots=slots)[0]), [1, 2])
    assert sorted(answers) == [["utter_transport_cancel_too_late"], ["utter_transport_cancelled_fee"]]
    assert len(fee_payments(ride)) == 1 and len(notifications("driver_cancelled")) == 1
    assert audits("ride_cancelled") == 1


def test_a_drivers_step_sent_twice_at_once_moves_the_ride_once(demo_store, frozen_clock, monkeypatch):
    ride = ride_with("driver-marat", frozen_clock)
    resident("driver-marat")
    monkeypatch.setattr(rides, "lock_ride", meeting_after(rides.lock_ride, 2))
    answers = at_once(lambda _: said(step("принял заказ", "driver-marat")[0]), [1, 2])
    assert sorted(answers) == [["utter_transport_driver_accepted"], ["utter_transport_driver_step_refused"]]
    assert status_of(ride) == ARRIVING and len(notifications("ride_accepted")) == 1
    assert audits("ride_accept") == 1


def test_a_finish_said_again_finds_the_driver_free(demo_store, frozen_clock):
    ride = ride_with("driver-marat", frozen_clock)
    for text in ("принял заказ", "на месте", "поехали", "поездка завершена"):
        step(text, "driver-marat")
    assert said(step("поездка завершена", "driver-marat")[0]) == ["utter_transport_driver_no_ride"]
    assert status_of(ride) == DONE and audits("ride_finish") == 1


# ---- stale confirmations ----


def test_a_cancellation_confirmed_before_the_trip_started_charges_nothing(demo_store, frozen_clock):
    ride = ride_with("driver-marat", frozen_clock)
    slots = confirmed_cancel()
    for text in ("принял заказ", "на месте", "поехали"):  # the passenger got in while the «да» was on its way
        step(text, "driver-marat")
    messages, _ = act(ActionTransportCancelDone(), slots=slots)
    assert said(messages) == ["utter_transport_cancel_too_late"]
    assert texts(messages).startswith(f"Поездку №{ride} уже не отменить:")
    assert status_of(ride) == IN_TRIP and payments() == 0


def test_the_driver_accepting_a_ride_cancelled_meanwhile_is_told_there_is_none(demo_store, frozen_clock):
    ride = ride_with("driver-marat", frozen_clock)
    assert said(act(ActionTransportCancelDone(), slots=confirmed_cancel())[0]) == [
        "utter_transport_cancelled_free"
    ]
    assert said(step("принял заказ", "driver-marat")[0]) == ["utter_transport_driver_no_ride"]
    assert status_of(ride) == CANCELLED and notifications("ride_accepted") == []


def test_the_new_ride_notice_of_a_ride_cancelled_meanwhile_says_nothing(demo_store, frozen_clock):
    ride = ride_with("driver-marat", frozen_clock)
    with session_scope() as session:
        found = session.get(Ride, ride)
        tell_driver_new_ride(session, session.get(Driver, found.driver_id), found)
    act(ActionTransportCancelDone(), slots=confirmed_cancel())
    (offered,) = notifications("driver_new_ride")
    assert notice("driver_new_ride", ride, "driver-marat", offered[0]) == ([], [])


# ---- hostile input ----


@pytest.mark.parametrize("value", HOSTILE_IDS, ids=hostile_id)
def test_hostile_ride_numbers_and_fees_are_answered_calmly(demo_store, frozen_clock, value):
    ride = ordered("resident-1", frozen_clock)
    assert said(cancel_done(value)[0]) == ["utter_transport_no_ride"]
    assert said(cancel_done(value, sender=OTHER)[0]) == ["utter_transport_no_ride"]
    if value == "0":  # the fee of a free cancellation: it is one
        assert said(cancel_done(ride, fee=value)[0]) == ["utter_transport_cancelled_free"]
        return
    messages, events = cancel_done(ride, fee=value)
    assert said(messages) == ["utter_transport_cancel_fee_changed"], texts(messages)
    assert slot_events(events)["transport_cancel_fee"] == "0"
    assert status_of(ride) != CANCELLED and payments() == 0


@pytest.mark.parametrize("value", HOSTILE_IDS, ids=hostile_id)
def test_hostile_places_times_and_steps_order_and_move_nothing(demo_store, frozen_clock, value):
    ride_with("driver-marat", frozen_clock)
    for slot in ("transport_from", "transport_to", "transport_pickup", "transport_quoted_fare"):
        slots, _ = confirmed()
        messages, _ = act(ActionTransportRideDone(), slots={**slots, slot: value}, sender=OTHER)
        assert said(messages) in (["utter_transport_ride_declined"], ["utter_transport_fare_changed"]), slot
    assert rides_of(OTHER) == []
    messages, events = form(
        ValidateTransportRideForm(),
        "transport_ride_form",
        value,
        new={"transport_to": value},
        slots={"transport_from": "address:lenina:5"},
        requested="transport_to",
        sender=OTHER,
    )
    assert slot_events(events)["transport_to"] is None and said(messages)
    messages, _ = act(
        ActionTransportDriverUpdate(),
        value,
        "transport_driver_update",
        entities=[{"entity": "transport_driver_step", "value": value}],
        sender="driver-marat",
    )
    assert said(messages) == ["utter_transport_driver_how"]
    assert audits("ride_accept") == 0
