"""The booking itself after the yes: the reminder the evening before (none for a visit within the day), a double
confirmation booking once, a time taken after the confirmation, and a resident who already holds an appointment
at the institution, offered to move it."""

import pytest

from engine.testing import button_titles, slot_events, texts
from skills.governance.actions.appointment import ActionGovAppointmentDone, ValidateGovAppointmentForm

from .appointment_helpers import (
    CONFIRM,
    DAY,
    HELD,
    INSTITUTION,
    MONDAY,
    TUESDAY,
    done,
    entity,
    holders,
    ready,
    reminders,
    sqlite_demo,  # noqa: F401 (the fixture)
)
from .helpers import act, form, resident, said

pytestmark = pytest.mark.usefixtures("sqlite_demo")


def book_form(text="", intent="inform", entities=None, sender="resident-1"):
    return form(
        ValidateGovAppointmentForm(), "gov_appointment_form", text, intent, entities=entities, sender=sender
    )


# ---- booking ----


def test_the_booking_with_its_reminder_the_evening_before():
    messages, events = done(ready())
    assert texts(messages) == (
        "Готово, вы записаны: МФЦ «Мои документы», ул. Ленина, 12 — вт 24 ноября, 10:20. "
        "Услуга: Паспорт РФ: получение и замена. Отменить или перенести: «отмени запись», «перенеси запись».\n"
        "Напомню накануне — пн 23 ноября, 18:00."
    )
    assert all(value is None for value in slot_events(events).values())
    assert holders(TUESDAY, "10:20")[0] == resident("resident-1")
    ((_, name, due, entities, sender),) = reminders()
    assert (
        name.startswith("appointment_") and due.startswith("2026-11-23T15:00") and sender == "rest:resident-1"
    )
    assert entities["gov_appointment_id"] == name.split("_")[1]


def test_a_visit_later_today_gets_no_reminder():
    messages, _ = done(ready(day="2026-11-20", hour="16:00"))
    assert said(messages) == ["utter_gov_appointment_booked"] and reminders() == []


def test_a_double_confirmation_books_once():
    done(ready())
    messages, _ = done(ready())
    assert texts(messages).startswith(
        "Вы уже записаны на это время: МФЦ «Мои документы», вт 24 ноября, 10:20"
    )
    assert holders(TUESDAY, "10:20") == [resident("resident-1"), None, None]
    assert len(reminders()) == 1


def test_a_time_taken_after_the_confirmation_offers_the_nearest_free_times():
    for n in range(3):
        done(ready(), sender=f"first-{n}")
    messages, _ = done(ready())
    assert texts(messages).startswith("Пока мы договаривались, вт 24 ноября, 10:20 успели занять")
    assert button_titles(messages) == [
        "вт 24 ноября, 10:40",
        "вт 24 ноября, 11:00",
        "вт 24 ноября, 11:20",
        "вт 24 ноября, 11:40",
    ]
    assert '"gov_service_id": "' in messages[0]["buttons"][0]["payload"]
    assert resident("resident-1") not in holders(TUESDAY, "10:20")


def test_declined_nothing_booked():
    messages, _ = act(ActionGovAppointmentDone(), "нет", "deny", slots={**ready(), CONFIRM: False})
    assert texts(messages) == "Хорошо, не записываю." and holders(TUESDAY, "10:20") == [None, None, None]


def test_a_resident_holding_an_appointment_there_is_offered_to_move_it():
    _, events = book_form(
        "запиши к терапевту на понедельник",
        "gov_appointment",
        entities=[entity("institution", "clinic"), entity("date", MONDAY)],
        sender="me",
    )
    held = slot_events(events)[HELD]
    assert held is not None and slot_events(events).get("requested_slot") is None
    messages, events = act(
        ActionGovAppointmentDone(), slots={INSTITUTION: "clinic", HELD: held, DAY: MONDAY}, sender="me"
    )
    assert texts(messages) == (
        "У вас уже есть запись сюда: Поликлиника № 1, вт 24 ноября, 09:00 — Приём терапевта. "
        "В одно учреждение можно записаться только один раз. Перенести эту запись?"
    )
    assert button_titles(messages) == ["Перенести запись", "Отменить запись"]
    move = messages[0]["buttons"][0]["payload"]
    assert move.startswith("/gov_appointment_move") and f'"gov_appointment_id": "{held}"' in move
    assert '"date": "2026-11-23"' in move
    assert messages[0]["offer"]["intent"] == "gov_appointment_move"
