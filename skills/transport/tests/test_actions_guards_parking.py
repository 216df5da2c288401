"""Every parking action that pays, extends or stops, tried as another resident, twice, twice at once, after a
stale confirmation, and with hostile input: the resident reads why in Russian, and no session or payment changes
that was not theirs to change."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from engine.sdk import clock, session_scope
from engine.testing import HOSTILE_IDS, at_once, hostile_id, meeting_after, slot_events, texts
from skills.transport import parking
from skills.transport.actions.parking import ActionAskTransportParkingConfirm, ValidateTransportParkingForm
from skills.transport.actions.parking_done import ActionTransportParkingDone
from skills.transport.models import ParkingSession, ParkingZone

from .conftest import NOW, resident
from .helpers import act, form, said
from .test_actions_parking import paid, payments, zone_id
from .test_parking import refunded

OTHER = "resident-2"
FORM = "transport_parking_form"


def confirmed(op, sender="resident-1", **slots):
    """The slots of the parking form after its question for `op` was asked and answered yes."""
    slots = {"transport_parking_op": op, **slots}
    _, events = act(ActionAskTransportParkingConfirm(), slots=slots, sender=sender)
    return {**slots, **slot_events(events), "transport_parking_confirm": True}


def done(slots, sender="resident-1"):
    return said(act(ActionTransportParkingDone(), "да", "affirm", slots=slots, sender=sender)[0])


def sessions():
    """(status, ends_at) of every parking session."""
    with session_scope() as session:
        return session.execute(
            select(ParkingSession.status, ParkingSession.ends_at).order_by(ParkingSession.id)
        ).all()


def run_out():
    """Every session's time is up (as if the «да» came after it)."""
    with session_scope() as session:
        session.execute(update(ParkingSession).values(ends_at=clock.to_store(NOW) - timedelta(minutes=1)))


# ---- another resident ----


def test_another_resident_can_neither_stop_nor_extend_my_parking(demo_store):
    paid()
    before = sessions()
    messages, events = act(
        ActionAskTransportParkingConfirm(), slots={"transport_parking_op": "stop"}, sender=OTHER
    )
    assert messages == [] and slot_events(events) == {"transport_parking_op": "none"}
    forged = {
        "transport_parking_confirm": True,
        "transport_parking_key": "forged",
        "transport_zone": zone_id("P1"),
    }
    assert done({**forged, "transport_parking_op": "stop"}, sender=OTHER) == [
        "utter_transport_parking_none_active"
    ]
    extend = {**forged, "transport_parking_op": "extend", "transport_parking_minutes": "60"}
    assert done(extend, sender=OTHER) == ["utter_transport_parking_none_active"]
    assert sessions() == before and payments() == 1 and refunded("resident-1") == Decimal(0)


def test_anothers_payment_key_starts_a_parking_of_ones_own(demo_store):
    _, _, mine = paid()
    messages = done({**mine, "transport_zone": zone_id("P2")}, sender=OTHER)
    assert messages == ["utter_transport_parking_started"]
    with session_scope() as session:
        owners = session.execute(select(func.count(func.distinct(ParkingSession.resident_id)))).scalar_one()
    assert owners == 2 and payments() == 2


# ---- twice, and twice at once ----


def test_a_stop_confirmed_twice_refunds_once(demo_store):
    paid()
    slots = confirmed("stop")
    assert done(slots) == ["utter_transport_parking_stopped"]
    assert done(slots) == ["utter_transport_parking_none_active"]
    assert refunded("resident-1") == Decimal(100)


@pytest.mark.parametrize("op", ["start", "extend", "stop"])
def test_one_confirmation_sent_twice_at_once_pays_or_refunds_once(demo_store, op, monkeypatch):
    if op != "start":
        paid()
    resident("resident-1")  # the resident exists before the race
    extra = {"start": {"transport_zone": zone_id("P2"), "transport_parking_minutes": "60"}}
    extra["extend"] = {"transport_parking_minutes": "60"}
    slots = confirmed(op, **extra.get(op, {}))
    monkeypatch.setattr(parking, "_lock_zone", meeting_after(parking._lock_zone, 2))
    monkeypatch.setattr(parking, "_lock_parking", meeting_after(parking._lock_parking, 2))
    answers = at_once(lambda _: done(slots), [1, 2])
    expected = {
        "start": [["utter_transport_parking_started"]] * 2,  # the second answers as the first
        "extend": [["utter_transport_parking_extended"]] * 2,
        "stop": [["utter_transport_parking_stopped"], ["utter_transport_parking_stopped"]],
    }[op]
    assert answers == expected or (
        op == "stop"
        and sorted(answers)
        == [
            ["utter_transport_parking_none_active"],
            ["utter_transport_parking_stopped"],
        ]
    ), answers
    assert payments() == {"start": 1, "extend": 2, "stop": 1}[op]
    assert refunded("resident-1") == (Decimal(100) if op == "stop" else Decimal(0))
    assert len(sessions()) == 1


def test_two_confirmations_of_one_zone_at_once_park_once(demo_store, monkeypatch):
    slots = [
        confirmed("start", transport_zone=zone_id("P2"), transport_parking_minutes="60") for _ in range(2)
    ]
    assert slots[0]["transport_parking_key"] != slots[1]["transport_parking_key"]
    monkeypatch.setattr(parking, "_lock_zone", meeting_after(parking._lock_zone, 2))
    answers = at_once(done, slots)
    assert sorted(answers) == [
        ["utter_transport_parking_refused_already"],
        ["utter_transport_parking_started"],
    ]
    assert payments() == 1 and len(sessions()) == 1


# ---- stale confirmations ----


def test_the_last_place_taken_while_deciding_is_refused_unpaid(demo_store):
    zone = zone_id("P3")  # one place left
    slots = confirmed("start", transport_zone=zone, transport_parking_minutes="60")
    paid(sender="quicker", code="P3", minutes="60")
    messages, _ = act(ActionTransportParkingDone(), "да", "affirm", slots=slots)
    assert said(messages) == ["utter_transport_parking_refused_full"]
    assert texts(messages).startswith("Пока мы говорили, в зоне P3 заняли последнее место.")
    assert payments() == 1


@pytest.mark.parametrize("op", ["extend", "stop"])
def test_a_session_that_ran_out_while_deciding_is_neither_extended_nor_refunded(demo_store, op):
    paid()
    slots = confirmed(op, **({"transport_parking_minutes": "60"} if op == "extend" else {}))
    run_out()
    assert done(slots) == ["utter_transport_parking_none_active"]
    assert payments() == 1 and refunded("resident-1") == Decimal(0)


def test_an_extension_past_the_zones_maximum_since_the_question_pays_nothing(demo_store):
    paid(code="P2", minutes="120")
    with session_scope() as session:
        most = session.execute(select(ParkingZone.max_hours).where(ParkingZone.code == "P2")).scalar_one()
    first = confirmed("extend", transport_parking_minutes=str(most * 60 - 120))
    second = confirmed("extend", transport_parking_minutes="60")  # asked before the first was answered
    assert done(first) == ["utter_transport_parking_extended"]
    assert done(second) == ["utter_transport_parking_declined"]
    assert payments() == 2


# ---- hostile input ----


@pytest.mark.parametrize("value", HOSTILE_IDS, ids=hostile_id)
def test_hostile_zones_durations_and_keys_are_answered_calmly(demo_store, value):
    paid()
    before = payments(), sessions()
    messages, events = form(
        ValidateTransportParkingForm(),
        FORM,
        value,
        slots={"transport_parking_op": "start"},
        new={"transport_zone": value},
        requested="transport_zone",
    )
    assert slot_events(events)["transport_zone"] is None
    assert said(messages) in (["utter_transport_zone_unknown"], ["utter_transport_zone_full"])
    messages, events = form(
        ValidateTransportParkingForm(),
        FORM,
        value,
        slots={"transport_parking_op": "start", "transport_zone": zone_id("P2")},
        new={"transport_parking_minutes": value},
        requested="transport_parking_minutes",
    )
    assert said(messages) == ["utter_transport_parking_minutes_unreadable"]
    assert slot_events(events)["transport_parking_minutes"] is None
    start = {"transport_parking_op": "start", "transport_parking_confirm": True, "transport_parking_key": "k"}
    for slots in (
        {**start, "transport_zone": value, "transport_parking_minutes": "60"},
        {**start, "transport_zone": zone_id("P2"), "transport_parking_minutes": value},
        {**start, "transport_parking_op": "extend", "transport_parking_minutes": value},
        {**start, "transport_parking_op": value},
    ):
        answer = act(ActionTransportParkingDone(), "да", "affirm", slots=slots)[0]
        assert said(answer) in ([], ["utter_transport_parking_declined"]), (slots, texts(answer))
    for zone in (value, zone_id("P2")):
        messages, events = act(
            ActionAskTransportParkingConfirm(),
            slots={
                "transport_parking_op": "start",
                "transport_zone": zone,
                "transport_parking_minutes": value,
            },
        )
        assert messages == [] and slot_events(events).get("transport_parking_key") is None
    assert (payments(), sessions()) == before
