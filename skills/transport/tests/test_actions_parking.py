"""Parking through its form: the zones near a place, a zone and a duration, paid once per confirmation; extend and
stop the running session; a full zone; another resident's session untouched."""

from sqlalchemy import select

from engine.sdk import Payment, session_scope
from engine.testing import slot_events, texts
from skills.transport.actions.parking import (
    ActionAskTransportParkingConfirm,
    ActionAskTransportZone,
    ValidateTransportParkingForm,
)
from skills.transport.actions.parking_done import ActionTransportParkingDone
from skills.transport.models import ParkingSession, ParkingZone

from .helpers import act, form, location, said

FORM = "transport_parking_form"


def zone_id(code: str) -> str:
    with session_scope() as session:
        return str(session.execute(select(ParkingZone.id).where(ParkingZone.code == code)).scalar_one())


def payments() -> int:
    with session_scope() as session:
        return len(session.execute(select(Payment)).all())


def paid(sender="resident-1", code="P1", minutes="120"):
    slots = {
        "transport_parking_op": "start",
        "transport_zone": zone_id(code),
        "transport_parking_minutes": minutes,
    }
    messages, events = act(ActionAskTransportParkingConfirm(), slots=slots, sender=sender)
    slots = {**slots, **slot_events(events), "transport_parking_confirm": True}
    done, _ = act(ActionTransportParkingDone(), slots=slots, sender=sender)
    return messages, done, slots


def test_the_request_names_the_place_and_the_zones_near_it_are_listed(demo_store):
    text = "где припарковаться у рынка"
    _, events = form(
        ValidateTransportParkingForm(),
        FORM,
        text,
        "transport_parking",
        entities=[location("рынка", None, text)],
    )
    slots = slot_events(events)
    assert slots["transport_parking_op"] == "start"
    assert slots["transport_parking_near"] == "landmark:central_market"
    messages, _ = act(ActionAskTransportZone(), slots=slots)
    shown = texts(messages)
    assert shown.startswith("Парковки рядом с «центральный рынок»:") and "P1 «Центральный рынок»" in shown, (
        shown
    )
    assert any('"transport_zone_id"' in b["payload"] for b in messages[0]["buttons"])


def test_a_zone_by_its_code_or_its_place_in_the_list(demo_store):
    slots = {"transport_parking_op": "start", "transport_parking_near": "landmark:central_market"}
    _, events = form(
        ValidateTransportParkingForm(),
        FORM,
        "р1",
        slots=slots,
        new={"transport_zone": "р1"},
        requested="transport_zone",
    )
    assert slot_events(events)["transport_zone"] == zone_id("P1")
    _, events = form(
        ValidateTransportParkingForm(),
        FORM,
        "давай первую",
        slots=slots,
        new={"transport_zone": "давай первую"},
        requested="transport_zone",
    )
    assert slot_events(events)["transport_zone"] is not None


def test_a_full_zone_is_refused(demo_store):
    messages, events = form(
        ValidateTransportParkingForm(),
        FORM,
        "P5",
        slots={"transport_parking_op": "start"},
        new={"transport_zone": zone_id("P5")},
        requested="transport_zone",
    )
    assert said(messages) == ["utter_transport_zone_full"]
    assert slot_events(events)["transport_zone"] is None


def test_a_duration_outside_the_zones_limits(demo_store):
    messages, events = form(
        ValidateTransportParkingForm(),
        FORM,
        "на 10 часов",
        slots={"transport_parking_op": "start", "transport_zone": zone_id("P6")},
        new={"transport_parking_minutes": "на 10 часов"},
        requested="transport_parking_minutes",
    )
    assert said(messages) == ["utter_transport_parking_minutes_unreadable"]
    assert slot_events(events)["transport_parking_minutes"] is None


def test_paid_once_per_confirmation(demo_store):
    confirm, done, slots = paid()
    assert "Оплатить парковку в зоне P1 «Центральный рынок» на 2 часа, до 14:00: 100,00 ₽" in texts(confirm)
    assert said(done) == ["utter_transport_parking_started"]
    again, _ = act(ActionTransportParkingDone(), slots=slots)  # the same «да» twice
    assert payments() == 1
    assert said(again) == ["utter_transport_parking_started"]
    with session_scope() as session:
        assert len(session.execute(select(ParkingSession)).all()) == 1


def test_extend_and_stop_the_running_session(demo_store):
    paid()
    _, events = form(ValidateTransportParkingForm(), FORM, "продли парковку на час", "transport_parking")
    assert slot_events(events)["transport_parking_op"] == "extend"
    slots = {"transport_parking_op": "extend", "transport_parking_minutes": "60"}
    confirm, events = act(ActionAskTransportParkingConfirm(), slots=slots)
    assert "до 15:00" in texts(confirm)
    done, _ = act(
        ActionTransportParkingDone(),
        slots={**slots, **slot_events(events), "transport_parking_confirm": True},
    )
    assert said(done) == ["utter_transport_parking_extended"]
    slots = {"transport_parking_op": "stop"}
    confirm, events = act(ActionAskTransportParkingConfirm(), slots=slots)
    assert said(confirm) == ["utter_ask_transport_parking_stop_confirm"]
    assert "150,00 ₽" in texts(confirm)  # three hours unused at the frozen clock
    done, _ = act(
        ActionTransportParkingDone(),
        slots={**slots, **slot_events(events), "transport_parking_confirm": True},
    )
    assert said(done) == ["utter_transport_parking_stopped"]


def test_stop_without_a_running_session(demo_store):
    messages, events = form(ValidateTransportParkingForm(), FORM, "заверши парковку", "transport_parking")
    assert said(messages) == ["utter_transport_parking_none_active"]
    assert slot_events(events)["transport_parking_op"] == "none"


def test_another_resident_cannot_stop_my_parking(demo_store):
    paid()
    messages, _ = form(
        ValidateTransportParkingForm(), FORM, "заверши парковку", "transport_parking", sender="resident-2"
    )
    assert said(messages) == ["utter_transport_parking_none_active"]
    with session_scope() as session:
        assert session.execute(select(ParkingSession.status)).scalar_one() == "active"


def test_declined_pays_nothing(demo_store):
    slots = {
        "transport_parking_op": "start",
        "transport_zone": zone_id("P1"),
        "transport_parking_minutes": "60",
    }
    _, events = act(ActionAskTransportParkingConfirm(), slots=slots)
    done, _ = act(
        ActionTransportParkingDone(),
        slots={**slots, **slot_events(events), "transport_parking_confirm": False},
    )
    assert said(done) == ["utter_transport_parking_declined"]
    assert payments() == 0
