"""Cancelling and moving one's own appointment through their forms, and the reminder the evening before: only
one's own, with a confirmation, the reminder cancelled or moved with the appointment, a new time taken
meanwhile leaving the old appointment as it was."""

import pytest

from engine.sdk import session_scope
from engine.testing import button_titles, make_tracker, run_action, slot_events, texts
from skills.governance import reception
from skills.governance.actions.appointment_change import (
    ActionAskGovAppointment,
    ActionAskGovAppointmentCancelConfirm,
    ActionAskGovAppointmentMoveConfirm,
    ActionGovAppointmentCancelDone,
    ActionGovAppointmentMoveDone,
    ValidateGovAppointmentCancelForm,
    ValidateGovAppointmentMoveForm,
)
from skills.governance.actions.appointment_notice import ActionGovAppointmentNotice
from skills.governance.actions.visit_times import ActionAskGovVisitDay

from .appointment_helpers import (
    DAY,
    TIME,
    done,
    entity,
    holder,
    mine,
    passport,
    reminders,
    sqlite_demo,  # noqa: F401 (the fixture)
)
from .helpers import act, form, resident, said

pytestmark = pytest.mark.usefixtures("sqlite_demo")
CANCEL_FORM, MOVE_FORM = "gov_appointment_cancel_form", "gov_appointment_move_form"
APPOINTMENT = "gov_appointment"
CANCEL_CONFIRM, MOVE_CONFIRM = "gov_appointment_cancel_confirm", "gov_appointment_move_confirm"


def book_passport(day="2026-11-24", hour="10:20", sender="resident-1"):
    """Books a passport visit at the MFC through the booking form's done action (so its reminder is scheduled)."""
    done({"gov_institution": "mfc", "gov_service": passport(), DAY: day, TIME: hour}, sender=sender)
    return mine(sender)["mfc"]


# ---- which appointment ----


def test_the_appointment_named_by_its_institution_or_the_only_one():
    _, events = form(
        ValidateGovAppointmentCancelForm(),
        CANCEL_FORM,
        "отмени запись в мфц",
        "gov_appointment_cancel",
        entities=[entity("institution", "mfc")],
        sender="me",
    )
    assert slot_events(events)[APPOINTMENT] == mine()["mfc"]
    _, events = form(
        ValidateGovAppointmentCancelForm(),
        CANCEL_FORM,
        "отмени запись",
        "gov_appointment_cancel",
        sender="me",
    )
    assert APPOINTMENT not in slot_events(events)  # two appointments: asked with buttons
    _, events = form(
        ValidateGovAppointmentCancelForm(),
        CANCEL_FORM,
        "отмени запись на 25 ноября",
        "gov_appointment_cancel",
        entities=[entity("date", "2026-11-25")],
        sender="me",
    )
    assert slot_events(events)[APPOINTMENT] == mine()["mfc"]
    only = book_passport()
    _, events = form(
        ValidateGovAppointmentCancelForm(), CANCEL_FORM, "отмени запись", "gov_appointment_cancel"
    )
    assert slot_events(events)[APPOINTMENT] == only


def test_several_appointments_are_asked_with_a_button_each_and_none_ends_the_form():
    messages, _ = act(ActionAskGovAppointment(), sender="me")
    assert texts(messages) == "Какую запись отменить?"
    assert button_titles(messages) == [
        "Поликлиника № 1 в вт 24 ноября, 09:00",
        "МФЦ «Мои документы» в ср 25 ноября, 11:00",
    ]
    messages, events = act(ActionAskGovAppointment(), "отмени запись", "gov_appointment_cancel")
    assert said(messages) == ["utter_gov_appointments_none"]
    assert [e.get("name") for e in events if e["event"] == "active_loop"] == [None]
    assert messages[0]["offer"]["intent"] == "gov_appointment"  # «да» books one instead
    clinic = [{"entity": "institution", "value": "clinic", "start": 24, "end": 35}]
    messages, _ = act(
        ActionAskGovAppointment(),
        "перенесите мою запись в поликлинику",
        "gov_appointment_move",
        entities=clinic,
    )
    assert messages[0]["offer"]["entities"] == {"institution": "clinic"}


def test_another_residents_appointment_cannot_be_chosen_nor_cancelled():
    theirs = mine()["mfc"]
    messages, events = form(
        ValidateGovAppointmentCancelForm(),
        CANCEL_FORM,
        "/inform",
        entities=[entity("gov_appointment_id", theirs)],
        requested=APPOINTMENT,
    )
    assert slot_events(events)[APPOINTMENT] is None and said(messages) == ["utter_gov_appointment_unknown"]
    messages, _ = act(
        ActionGovAppointmentCancelDone(), "да", "affirm", slots={APPOINTMENT: theirs, CANCEL_CONFIRM: True}
    )
    assert said(messages) == ["utter_gov_appointment_gone"] and holder(theirs) == resident("me")


# ---- cancelling ----


def test_cancelling_with_a_confirmation_frees_the_slot_and_cancels_the_reminder():
    slot = book_passport()
    assert len(reminders()) == 1
    messages, _ = act(ActionAskGovAppointmentCancelConfirm(), slots={APPOINTMENT: slot})
    assert texts(messages) == (
        "Отменить запись: МФЦ «Мои документы», ул. Ленина, 12 — вт 24 ноября, 10:20, Паспорт РФ: получение и замена?"
    )
    messages, events = act(
        ActionGovAppointmentCancelDone(), "да", "affirm", slots={APPOINTMENT: slot, CANCEL_CONFIRM: True}
    )
    assert texts(messages) == (
        "Запись отменена: МФЦ «Мои документы», вт 24 ноября, 10:20. Время освободилось, напоминания не будет."
    )
    assert holder(slot) is None and reminders() == [] and len(reminders("cancelled")) == 1
    assert all(value is None for value in slot_events(events).values())
    messages, _ = act(
        ActionGovAppointmentCancelDone(), "да", "affirm", slots={APPOINTMENT: slot, CANCEL_CONFIRM: True}
    )
    assert said(messages) == ["utter_gov_appointment_gone"]  # a second confirmation cancels nothing more


def test_a_declined_cancel_keeps_the_appointment():
    slot = mine()["clinic"]
    messages, _ = act(
        ActionGovAppointmentCancelDone(),
        "нет",
        "deny",
        slots={APPOINTMENT: slot, CANCEL_CONFIRM: False},
        sender="me",
    )
    assert texts(messages) == "Хорошо, запись остаётся как была." and holder(slot) == resident("me")


# ---- moving ----


def test_moving_asks_the_day_and_hour_then_moves_the_appointment_and_its_reminder():
    slot = book_passport()
    _, events = form(
        ValidateGovAppointmentMoveForm(),
        MOVE_FORM,
        "перенеси запись в мфц на четверг в 11",
        "gov_appointment_move",
        entities=[entity("institution", "mfc"), entity("date", "2026-11-26"), entity("time", "11:00")],
    )
    changed = slot_events(events)
    assert (changed[APPOINTMENT], changed[DAY], changed[TIME]) == (slot, "2026-11-26", "11:00")
    slots = {APPOINTMENT: slot, DAY: "2026-11-26", TIME: "11:00"}
    messages, _ = act(ActionAskGovAppointmentMoveConfirm(), slots=slots)
    assert texts(messages) == (
        "Перенести запись (МФЦ «Мои документы», Паспорт РФ: получение и замена) с вт 24 ноября, 10:20 на "
        "чт 26 ноября, 11:00?"
    )
    messages, events = act(
        ActionGovAppointmentMoveDone(), "да", "affirm", slots={**slots, MOVE_CONFIRM: True}
    )
    assert texts(messages) == (
        "Готово, запись перенесена: МФЦ «Мои документы», ул. Ленина, 12 — чт 26 ноября, 11:00. "
        "Услуга: Паспорт РФ: получение и замена.\nНапомню накануне — ср 25 ноября, 18:00."
    )
    new = mine("resident-1")["mfc"]
    assert holder(slot) is None and holder(new) == resident("resident-1")
    ((_, name, due, _, _),) = reminders()
    assert name == f"appointment_{new}" and due.startswith("2026-11-25T15:00")
    assert all(value is None for value in slot_events(events).values())


def test_the_move_asks_the_day_with_the_nearest_free_days_of_the_appointments_institution():
    tracker = make_tracker(
        "перенеси запись",
        "gov_appointment_move",
        slots={APPOINTMENT: mine()["clinic"]},
        sender_id="me",
        active_loop=MOVE_FORM,
    )
    messages, _ = run_action(ActionAskGovVisitDay(), tracker)
    assert texts(messages).startswith("На какой день перенести запись (Поликлиника № 1)?")
    assert button_titles(messages)[:3] == ["пт 20 ноября", "сб 21 ноября", "пн 23 ноября"]


def test_the_new_time_taken_meanwhile_keeps_the_old_appointment():
    slot = book_passport()
    for desk in (1, 2, 3):
        book_passport("2026-11-26", "11:00", sender=f"quicker-{desk}")
    slots = {APPOINTMENT: slot, DAY: "2026-11-26", TIME: "11:00", MOVE_CONFIRM: True}
    messages, _ = act(ActionGovAppointmentMoveDone(), "да", "affirm", slots=slots)
    assert texts(messages).startswith(
        "Пока мы договаривались, чт 26 ноября, 11:00 успели занять. Ваша запись остаётся на вт 24 ноября, 10:20."
    )
    assert button_titles(messages)[0] == "чт 26 ноября, 11:20"
    assert '"gov_appointment_id": "' + slot in messages[0]["buttons"][0]["payload"]
    assert holder(slot) == resident("resident-1") and len(reminders()) == 4  # its own reminder kept


def test_the_time_of_the_appointment_itself_is_no_move():
    slot = mine()["clinic"]
    messages, events = form(
        ValidateGovAppointmentMoveForm(),
        MOVE_FORM,
        "на 9 утра",
        slots={APPOINTMENT: slot, DAY: "2026-11-24"},
        entities=[entity("time", "09:00")],
        sender="me",
        requested=TIME,
    )
    assert slot_events(events)[TIME] is None and said(messages) == ["utter_gov_appointment_move_same"]


def test_a_correction_at_the_move_confirmation_asks_again():
    slot = mine()["clinic"]
    slots = {APPOINTMENT: slot, DAY: "2026-11-25", TIME: "10:00"}
    _, events = form(
        ValidateGovAppointmentMoveForm(),
        MOVE_FORM,
        "нет, лучше в 11:30",
        "deny",
        slots=slots,
        new={MOVE_CONFIRM: False},
        entities=[entity("time", "11:30")],
        sender="me",
        requested=MOVE_CONFIRM,
    )
    assert slot_events(events)[TIME] == "11:30" and slot_events(events)[MOVE_CONFIRM] is None


# ---- the reminder ----


def test_the_reminder_is_said_once_and_not_for_a_cancelled_appointment():
    slot = book_passport()
    ((notification, *_),) = reminders()
    entities = [entity("notification_id", notification), entity("gov_appointment_id", slot)]
    messages, _ = act(ActionGovAppointmentNotice(), "", "EXTERNAL_gov_appointment_notice", entities=entities)
    assert texts(messages) == (
        "Напоминаю: завтра приём — МФЦ «Мои документы», ул. Ленина, 12, вт 24 ноября, 10:20. "
        "Услуга: Паспорт РФ: получение и замена. Не забудьте паспорт. "
        "Если планы изменились, перенесите или отмените запись."
    )
    assert button_titles(messages) == ["Перенести запись", "Отменить запись"]
    again, _ = act(ActionGovAppointmentNotice(), "", "EXTERNAL_gov_appointment_notice", entities=entities)
    assert again == []
    other = book_passport("2026-11-25", "12:00", sender="resident-2")
    ((notification, *_),) = [n for n in reminders() if n[1] == f"appointment_{other}"]
    resident_2 = resident("resident-2")
    with session_scope() as session:
        reception.cancel(session, resident_2, int(other))  # from another conversation
    entities = [entity("notification_id", notification), entity("gov_appointment_id", other)]
    messages, _ = act(
        ActionGovAppointmentNotice(),
        "",
        "EXTERNAL_gov_appointment_notice",
        entities=entities,
        sender="resident-2",
    )
    assert messages == []
