"""Booking, cancelling and moving appointments, tried as another resident (a slot id forged into the slots), twice,
twice at once (on SQLite and PostgreSQL), after a stale confirmation, and with hostile input: the resident reads
why in Russian, and no slot changes hands that was not theirs to give."""

from datetime import timedelta

import pytest

from engine.testing import HOSTILE_IDS, at_once, freeze_clock, hostile_id, meeting_after, slot_events, texts
from skills.governance import reception
from skills.governance.actions.appointment_change import (
    ActionAskGovAppointmentCancelConfirm,
    ActionAskGovAppointmentMoveConfirm,
    ActionGovAppointmentCancelDone,
    ActionGovAppointmentMoveDone,
    ValidateGovAppointmentCancelForm,
)

from .appointment_helpers import (
    DAY,
    HELD,
    SERVICE,
    TIME,
    TUESDAY,
    done,
    entity,
    holder,
    holders,
    mine,
    ready,
    reminders,
    slots_at,
)
from .conftest import NOW
from .helpers import act, form, resident, said
from .test_actions_appointment_change import (
    APPOINTMENT,
    CANCEL_CONFIRM,
    CANCEL_FORM,
    MOVE_CONFIRM,
    book_passport,
)

OTHER = "resident-2"
WEDNESDAY = "2026-11-25"


def cancel(slot, sender="resident-1"):
    slots = {APPOINTMENT: str(slot), CANCEL_CONFIRM: True}
    return said(act(ActionGovAppointmentCancelDone(), "да", "affirm", slots=slots, sender=sender)[0])


def move(slot, day=WEDNESDAY, hour="11:00", sender="resident-1"):
    slots = {APPOINTMENT: str(slot), DAY: day, TIME: hour, MOVE_CONFIRM: True}
    return said(act(ActionGovAppointmentMoveDone(), "да", "affirm", slots=slots, sender=sender)[0])


# ---- another resident ----


def test_another_resident_can_neither_see_cancel_nor_move_my_appointment(demo_store):
    slot, wednesday = book_passport(), holders(WEDNESDAY, "11:00")
    for action in (ActionAskGovAppointmentCancelConfirm(), ActionAskGovAppointmentMoveConfirm()):
        messages, events = act(action, slots={APPOINTMENT: slot, DAY: WEDNESDAY, TIME: "11:00"}, sender=OTHER)
        assert said(messages) == ["utter_gov_appointment_unknown"] and "10:20" not in texts(messages)
        assert slot_events(events) == {APPOINTMENT: None}
    assert cancel(slot, sender=OTHER) == ["utter_gov_appointment_gone"]
    assert move(slot, sender=OTHER) == ["utter_gov_appointment_gone"]
    assert mine("resident-1") == {"mfc": slot} and holders(WEDNESDAY, "11:00") == wednesday
    assert len(reminders()) == 1


def test_a_held_appointment_forged_into_a_booking_is_not_anothers(demo_store):
    slot = book_passport()
    messages, _ = done({**ready(day=WEDNESDAY, hour="11:00"), HELD: slot}, sender=OTHER)
    assert said(messages)[0] == "utter_gov_appointment_booked"  # a visit of their own, not mine shown to them
    assert holder(slot) == resident("resident-1") and mine(OTHER) != {"mfc": slot}


# ---- twice, and twice at once ----


@pytest.mark.parametrize("change", ["book", "cancel", "move"])
def test_one_confirmation_sent_twice_at_once_changes_the_appointment_once(demo_store, change, monkeypatch):
    slot = book_passport() if change != "book" else None
    resident("resident-1")  # the resident exists before the race
    monkeypatch.setattr(reception, "appointment_of", meeting_after(reception.appointment_of, 2))
    run = {
        "book": lambda _: said(done(ready())[0])[:1],
        "cancel": lambda _: cancel(slot),
        "move": lambda _: move(slot),
    }[change]
    answers = sorted(at_once(run, [1, 2]))
    assert (
        answers
        == {
            "book": [["utter_gov_appointment_already"], ["utter_gov_appointment_booked"]],
            "cancel": [["utter_gov_appointment_cancelled"], ["utter_gov_appointment_gone"]],
            "move": [
                ["utter_gov_appointment_move_same"],
                ["utter_gov_appointment_moved", "utter_gov_appointment_reminder_set"],
            ],
        }[change]
    ), answers
    booked = {"book": (TUESDAY, "10:20"), "cancel": None, "move": (WEDNESDAY, "11:00")}[change]
    held = mine("resident-1")
    assert list(held) == (["mfc"] if booked else [])
    if booked:
        assert held["mfc"] in [str(s) for s in slots_at("mfc", *booked)]
    assert len(reminders()) == (1 if booked else 0)


def test_a_move_confirmed_twice_says_the_second_time_there_is_nothing_to_move(demo_store):
    slot = book_passport()
    assert move(slot)[0] == "utter_gov_appointment_moved"
    assert move(slot) == ["utter_gov_appointment_move_same"]
    assert len(mine("resident-1")) == 1 and holder(slot) is None


# ---- stale confirmations ----


def test_a_cancellation_confirmed_after_the_visit_passed_changes_nothing(demo_store, monkeypatch):
    slot = book_passport(day="2026-11-20", hour="16:00")  # later today
    freeze_clock(monkeypatch, NOW + timedelta(hours=5))
    assert cancel(slot) == ["utter_gov_appointment_gone"]
    assert holder(slot) == resident("resident-1")


def test_a_move_confirmed_after_the_appointment_was_cancelled_elsewhere_books_nothing(demo_store):
    slot, wednesday = book_passport(), holders(WEDNESDAY, "11:00")
    assert cancel(slot) == ["utter_gov_appointment_cancelled"]
    assert move(slot) == ["utter_gov_appointment_gone"]
    assert mine("resident-1") == {} and holders(WEDNESDAY, "11:00") == wednesday


def test_a_booking_confirmed_after_booking_there_elsewhere_offers_to_move(demo_store):
    book_passport(day=WEDNESDAY, hour="11:00")  # from another device, while this confirmation waited
    messages, _ = done(ready())
    assert said(messages) == ["utter_gov_appointment_held"]
    assert holders(TUESDAY, "10:20") == [None, None, None]


# ---- hostile input ----


@pytest.mark.parametrize("value", HOSTILE_IDS, ids=hostile_id)
def test_hostile_appointments_services_days_and_hours_change_nothing(demo_store, value):
    slot = book_passport()
    messages, events = form(
        ValidateGovAppointmentCancelForm(),
        CANCEL_FORM,
        "/inform",
        entities=[entity("gov_appointment_id", value)],
        requested=APPOINTMENT,
    )
    assert slot_events(events)[APPOINTMENT] is None and said(messages) == ["utter_gov_appointment_unknown"]
    assert cancel(value) == ["utter_gov_appointment_gone"]
    assert move(value) == ["utter_gov_appointment_gone"]
    for slot_name in ("gov_institution", SERVICE, DAY, TIME):
        messages, _ = done({**ready(day=WEDNESDAY, hour="11:00"), slot_name: value}, sender=OTHER)
        assert said(messages) == ["utter_gov_appointment_declined"], (slot_name, texts(messages))
    messages, _ = done({**ready(), HELD: value})
    assert said(messages) == [
        "utter_gov_appointment_already"
    ]  # the held value is no appointment: booked as asked
    assert mine(OTHER) == {} and mine("resident-1") == {"mfc": slot}
