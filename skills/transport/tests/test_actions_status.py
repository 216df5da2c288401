"""Where the car is, and cancelling a ride: free in the grace period, for the fee after it (told before confirming),
a stale confirmation asked again, another resident's ride untouched; the driver told of the cancellation."""

from datetime import timedelta

from sqlalchemy import select, update

from engine.sdk import Payment, session_scope
from engine.testing import scheduled_notifications, slot_events, texts
from skills.transport import rides
from skills.transport.actions.status import (
    ActionAskTransportCancelConfirm,
    ActionTransportCancelDone,
    ActionTransportRideStatus,
    ValidateTransportCancelForm,
)
from skills.transport.models import CANCELLED, Ride

from .conftest import MARKET, STATION, resident
from .helpers import act, form, said


def ordered(sender: str, now) -> int:
    owner = resident(sender)
    with session_scope() as session:
        return rides.order_ride(session, owner, STATION, MARKET, None, now).id


def assigned_earlier(ride_id: int, minutes: int) -> None:
    """As if the driver had been assigned `minutes` ago (the grace period runs from then)."""
    with session_scope() as session:
        ride = session.get(Ride, ride_id)
        session.execute(
            update(Ride)
            .where(Ride.id == ride_id)
            .values(
                assigned_at=ride.assigned_at - timedelta(minutes=minutes),
                arrive_by=ride.arrive_by - timedelta(minutes=minutes) + timedelta(minutes=60),
            )
        )


def test_no_ride_no_status(demo_store):
    messages, _ = act(ActionTransportRideStatus(), "где машина", "transport_ride_status")
    assert said(messages) == ["utter_transport_no_ride"]


def test_where_the_car_is(demo_store, frozen_clock):
    ordered("resident-1", frozen_clock)
    messages, _ = act(ActionTransportRideStatus(), "где машина", "transport_ride_status")
    assert said(messages) == ["utter_transport_status_assigned"]
    assert "Подъедет примерно через" in texts(messages)
    # another resident has no ride
    messages, _ = act(ActionTransportRideStatus(), "где машина", "transport_ride_status", sender="resident-2")
    assert said(messages) == ["utter_transport_no_ride"]


def test_without_a_ride_the_cancel_form_asks_nothing(demo_store):
    _, events = form(
        ValidateTransportCancelForm(), "transport_cancel_form", "отмени такси", "transport_cancel_ride"
    )
    assert slot_events(events).get("requested_slot") is None
    messages, _ = act(ActionTransportCancelDone())
    assert said(messages) == ["utter_transport_no_ride"]


def test_cancel_in_the_grace_period_is_free(demo_store, frozen_clock):
    ride = ordered("resident-1", frozen_clock)
    messages, events = act(ActionAskTransportCancelConfirm())
    assert said(messages) == ["utter_ask_transport_cancel_confirm_free"]
    slots = {**slot_events(events), "transport_cancel_confirm": True}
    messages, _ = act(ActionTransportCancelDone(), slots=slots)
    assert said(messages) == ["utter_transport_cancelled_free"]
    with session_scope() as session:
        assert session.get(Ride, ride).status == CANCELLED
        assert session.execute(select(Payment)).first() is None
    told = [n for n in scheduled_notifications() if n[3].get("transport_notice_kind") == "driver_cancelled"]
    assert len(told) == 1


def test_cancel_after_the_grace_period_costs_the_fee_said(demo_store, frozen_clock):
    ride = ordered("resident-1", frozen_clock)
    assigned_earlier(ride, 10)
    messages, events = act(ActionAskTransportCancelConfirm())
    assert said(messages) == ["utter_ask_transport_cancel_confirm_fee"]
    assert "99 ₽" in texts(messages)
    slots = {**slot_events(events), "transport_cancel_confirm": True}
    messages, _ = act(ActionTransportCancelDone(), slots=slots)
    assert said(messages) == ["utter_transport_cancelled_fee"]
    # the same confirmation again charges nothing more
    messages, _ = act(ActionTransportCancelDone(), slots=slots)
    assert said(messages) == ["utter_transport_cancel_too_late"]
    with session_scope() as session:
        assert len(session.execute(select(Payment)).all()) == 1


def test_a_confirmation_of_a_free_cancel_given_after_the_grace_period_is_asked_again(
    demo_store, frozen_clock
):
    ride = ordered("resident-1", frozen_clock)
    _, events = act(ActionAskTransportCancelConfirm())
    slots = {**slot_events(events), "transport_cancel_confirm": True}
    assigned_earlier(ride, 10)  # the resident answered late
    messages, events = act(ActionTransportCancelDone(), slots=slots)
    assert said(messages) == ["utter_transport_cancel_fee_changed"]
    assert slot_events(events)["transport_cancel_confirm"] is None
    with session_scope() as session:
        assert session.get(Ride, ride).status != CANCELLED
        assert session.execute(select(Payment)).first() is None


def test_another_residents_confirmation_cancels_nothing_of_mine(demo_store, frozen_clock):
    ride = ordered("resident-1", frozen_clock)
    slots = {
        "transport_cancel_ride": str(ride),
        "transport_cancel_fee": "0",
        "transport_cancel_confirm": True,
    }
    messages, _ = act(ActionTransportCancelDone(), slots=slots, sender="resident-2")
    assert said(messages) == ["utter_transport_no_ride"]
    with session_scope() as session:
        assert session.get(Ride, ride).status != CANCELLED


def test_declined_keeps_the_ride(demo_store, frozen_clock):
    ride = ordered("resident-1", frozen_clock)
    _, events = act(ActionAskTransportCancelConfirm())
    messages, _ = act(
        ActionTransportCancelDone(), slots={**slot_events(events), "transport_cancel_confirm": False}
    )
    assert said(messages) == ["utter_transport_cancel_declined"]
    with session_scope() as session:
        assert session.get(Ride, ride).status != CANCELLED


def test_cancel_while_ordering_with_nothing_ordered_ends_the_order(demo_store):
    events = [
        {"event": "active_loop", "name": "transport_ride_form"},
        {"event": "active_loop", "name": "transport_cancel_form"},
        {"event": "active_loop", "name": None},
    ]
    messages, _ = act(
        ActionTransportCancelDone(), "отмена, муж отвезёт", "transport_cancel_ride", events=events
    )
    assert said(messages) == ["utter_cancel_done"]
