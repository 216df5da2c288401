"""Ordering a ride through its form and done action: the confirmation with the fare, the driver told, a stale
confirmation, a ride already under way, a later ride scheduled, the time corrected at the confirmation."""

from sqlalchemy import select

from engine.sdk import session_scope
from engine.testing import scheduled_notifications, slot_events, texts
from skills.transport.actions.ride import (
    ActionAskTransportRideConfirm,
    ActionTransportRideDone,
    ValidateTransportRideForm,
)
from skills.transport.models import ASSIGNED, SCHEDULED, Ride

from .conftest import resident
from .helpers import act, form, said

FORM = "transport_ride_form"
TRIP = {
    "transport_from": "address:lenina:5",
    "transport_to": "landmark:railway_station",
    "transport_pickup": "now",
}


def confirmed(**extra):
    """The slots after the confirmation was shown for the trip (with `extra` slots) and answered yes."""
    shown = {**TRIP, **{k: v for k, v in extra.items() if k == "transport_pickup"}}
    messages, events = act(ActionAskTransportRideConfirm(), slots=shown)
    return {**shown, **slot_events(events), "transport_ride_confirm": True, **extra}, messages


def rides_of(sender: str):
    owner = resident(sender)
    with session_scope() as session:
        return [
            (r.status, r.driver_id)
            for r in session.execute(select(Ride).where(Ride.resident_id == owner)).scalars()
        ]


def test_nothing_said_of_the_time_is_now(demo_store):
    _, events = form(ValidateTransportRideForm(), FORM, "вызови такси", "transport_order_ride")
    assert slot_events(events)["transport_pickup"] == "now"


def test_a_day_without_an_hour_asks_the_hour_and_keeps_the_day(demo_store):
    entities = [{"entity": "date", "value": "2026-11-21", "start": 3, "end": 9}]
    _, events = form(
        ValidateTransportRideForm(), FORM, "на завтра", "transport_order_ride", entities=entities
    )
    slots = slot_events(events)
    assert slots["transport_pickup"] is None and slots["transport_pickup_day"] == "2026-11-21"
    _, events = form(
        ValidateTransportRideForm(),
        FORM,
        "к 7 утра",
        slots={**TRIP, "transport_pickup": None, "transport_pickup_day": "2026-11-21"},
        entities=[{"entity": "time", "value": "07:00", "start": 2, "end": 8}],
        requested="transport_pickup",
    )
    assert slot_events(events)["transport_pickup"] == "2026-11-21T07:00+03:00"


def test_a_pickup_in_the_past_is_refused(demo_store):
    messages, events = form(
        ValidateTransportRideForm(),
        FORM,
        "вчера в 10",
        slots=TRIP,
        entities=[
            {"entity": "date", "value": "2026-11-19", "start": 0, "end": 5},
            {"entity": "time", "value": "10:00", "start": 6, "end": 10},
        ],
        requested="transport_pickup",
    )
    assert said(messages) == ["utter_transport_pickup_past"]
    assert slot_events(events)["transport_pickup"] is None


def test_the_confirmation_names_places_time_and_fare(demo_store):
    messages, events = act(ActionAskTransportRideConfirm(), slots=TRIP)
    shown = texts(messages)
    assert "Поездка от «ул. Ленина, 5» до «железнодорожный вокзал», подача сейчас." in shown, shown
    assert slot_events(events)["transport_quoted_fare"]


def test_a_correction_of_the_time_at_the_confirmation_confirms_again(demo_store):
    slots, _ = confirmed(transport_ride_confirm=None)
    _, events = form(
        ValidateTransportRideForm(),
        FORM,
        "нет, на 8 вечера",
        "deny",
        slots=slots,
        new={"transport_ride_confirm": False},
        entities=[{"entity": "time", "value": "20:00", "start": 7, "end": 16}],
        requested="transport_ride_confirm",
        events=[{"event": "slot", "name": "transport_pickup", "value": "now"}],
    )
    changed = slot_events(events)
    assert changed["transport_pickup"] == "2026-11-20T20:00+03:00"
    assert changed["transport_ride_confirm"] is None


def test_ordered_the_nearest_driver_is_assigned_and_told(demo_store):
    slots, _ = confirmed()
    messages, events = act(ActionTransportRideDone(), slots=slots)
    assert said(messages) == ["utter_transport_ride_assigned"]
    assert "Машина назначена:" in texts(messages)
    assert [status for status, _ in rides_of("resident-1")] == [ASSIGNED]
    notices = [n for n in scheduled_notifications() if n[3].get("transport_notice_kind") == "driver_new_ride"]
    assert len(notices) == 1 and notices[0][4].startswith("rest:driver-"), notices
    assert slot_events(events)["transport_from"] is None


def test_ordering_again_while_a_ride_is_open_makes_no_second_ride(demo_store):
    slots, _ = confirmed()
    act(ActionTransportRideDone(), slots=slots)
    messages, _ = act(ActionTransportRideDone(), slots=slots)
    assert said(messages) == ["utter_transport_ride_already"]
    assert "водитель назначен" in texts(messages)
    assert len(rides_of("resident-1")) == 1


def test_declined_orders_nothing(demo_store):
    slots, _ = confirmed(transport_ride_confirm=False)
    messages, _ = act(ActionTransportRideDone(), slots=slots)
    assert said(messages) == ["utter_transport_ride_declined"]
    assert rides_of("resident-1") == []


def test_a_stale_fare_is_confirmed_again(demo_store):
    slots, _ = confirmed(transport_quoted_fare="1")
    messages, events = act(ActionTransportRideDone(), slots=slots)
    assert said(messages) == ["utter_transport_fare_changed"]
    assert slot_events(events)["transport_ride_confirm"] is None
    assert rides_of("resident-1") == []


def test_a_later_ride_is_scheduled_and_dispatched_by_a_notification(demo_store):
    slots, _ = confirmed(transport_pickup="2026-11-21T07:00+03:00")
    messages, _ = act(ActionTransportRideDone(), slots=slots)
    assert said(messages) == ["utter_transport_ride_scheduled"]
    assert [status for status, _ in rides_of("resident-1")] == [SCHEDULED]
    due = [n for n in scheduled_notifications() if n[3].get("transport_notice_kind") == "dispatch"]
    assert len(due) == 1 and due[0][2] == "2026-11-21T03:40:00", due  # 20 minutes before, in UTC


def test_the_form_says_a_ride_is_open_instead_of_asking(demo_store):
    slots, _ = confirmed()
    act(ActionTransportRideDone(), slots=slots)
    _, events = form(ValidateTransportRideForm(), FORM, "вызови такси", "transport_order_ride")
    assert slot_events(events).get("requested_slot") is None
