import threading
import time
from datetime import date

from sqlalchemy import select

from engine.sdk import number, session_scope
from engine.testing import (
    at_once,
    button_titles,
    just_set,
    make_tracker,
    meeting_after,
    run_action,
    slot_events,
    texts,
)
from skills.utilities import clock
from skills.utilities.actions import readings as readings_actions
from skills.utilities.actions.readings import (
    ActionAskUtilitiesMeterChoice,
    ActionAskUtilitiesReadingConfirm,
    ActionAskUtilitiesReadingValues,
    ActionUtilitiesSubmitReadingDone,
    ValidateUtilitiesReadingForm,
)
from skills.utilities.models import UtilitiesAccount, UtilitiesMeter, UtilitiesReading

ACCOUNT = "1002003004"
READING_DOMAIN = {
    "forms": {
        "utilities_reading_form": {
            "required_slots": [
                "utilities_reading_values",
                "utilities_meter_choice",
                "utilities_reading_confirm",
            ]
        }
    }
}
EXAMPLE = "Например: «ХВС 345, ГВС 120,5» или «свет день 12045 ночь 5230»."


def readings(text, slots=None, entities=None):
    tracker = make_tracker(
        text,
        "utilities_submit_reading",
        entities=entities,
        active_loop="utilities_reading_form",
        slots={"utilities_reading_values": text, **(slots or {})},
    )
    return run_action(
        ValidateUtilitiesReadingForm(), just_set(tracker, "utilities_reading_values", text), READING_DOMAIN
    )


def meter(resource, zone=None, place=None):
    with session_scope() as session:
        found = session.execute(
            select(UtilitiesMeter)
            .join(UtilitiesAccount, UtilitiesMeter.account_id == UtilitiesAccount.id)
            .where(
                UtilitiesAccount.number == ACCOUNT,
                UtilitiesMeter.resource == resource,
                UtilitiesMeter.zone.is_(zone) if zone is None else UtilitiesMeter.zone == zone,
                UtilitiesMeter.place.is_(place) if place is None else UtilitiesMeter.place == place,
            )
        ).scalar_one()
        session.expunge(found)
        return found


def last(resource, zone=None, place=None):
    return meter(resource, zone, place).last_reading


def test_the_form_asks_for_values_listing_the_meters(linked):
    messages, _ = run_action(
        ActionAskUtilitiesReadingValues(), make_tracker(active_loop="utilities_reading_form")
    )
    lines = texts(messages).splitlines()
    assert lines[0] == f"Напишите показания по счёту № {ACCOUNT}. {EXAMPLE}"
    assert lines[1] == "Ваши счётчики (последние показания):"
    assert len(lines) == 8 and lines[2].startswith("• ХВС (кухня) — ") and lines[2].endswith(" на 20 октября")


def test_two_zones_in_one_message_are_accepted_with_the_expected_charge(linked):
    day, night = last("electricity", "day") + 150, last("electricity", "night") + 80
    messages, events = readings(f"свет день {day} ночь {night}")
    slots = slot_events(events)
    assert messages == [] and [i["candidates"] for i in slots["utilities_reading_pending"]] == [[], []]
    assert slots["requested_slot"] is None
    done, events = run_action(ActionUtilitiesSubmitReadingDone(), make_tracker(slots=slots))
    lines = texts(done).splitlines()
    assert lines[0] == "Показания приняты:"
    assert lines[1] == f"• электроэнергия (день): {number(day)} (расход 150, ≈ 1 377,00 ₽)"
    assert lines[2] == f"• электроэнергия (ночь): {number(night)} (расход 80, ≈ 282,40 ₽)"
    assert lines[3] == (
        "Ориентировочно к начислению за этот расход: 1 659,40 ₽ по действующим тарифам "
        "(без водоотведения и постоянных услуг)."
    )
    assert last("electricity", "day") == day
    assert all(value is None for value in slot_events(events).values())


def test_readings_typed_without_a_request_start_the_form_with_those_values(linked):
    day, night = int(last("electricity", "day")) + 150, int(last("electricity", "night")) + 80
    text = f"свет день {day} ночь {night}"

    def span(entity, value, surface):
        start = text.index(surface)
        return {"entity": entity, "value": value, "start": start, "end": start + len(surface)}

    entities = [
        span("meter_type", "electricity", "свет"),
        span("reading", str(day), str(day)),
        span("reading", str(night), str(night)),
    ]
    tracker = make_tracker(text, "inform", entities=entities, active_loop="utilities_reading_form")
    _, events = run_action(ValidateUtilitiesReadingForm(), tracker, READING_DOMAIN)
    slots = slot_events(events)
    assert slots["utilities_reading_values"] == text and slots["requested_slot"] is None
    assert len(slots["utilities_reading_pending"]) == 2


def test_a_value_without_a_meter_does_not_start_readings(linked):
    tracker = make_tracker(
        "345",
        "inform",
        entities=[{"entity": "reading", "value": "345", "start": 0, "end": 3}],
        active_loop="utilities_reading_form",
    )
    _, events = run_action(ValidateUtilitiesReadingForm(), tracker, READING_DOMAIN)
    assert slot_events(events) == {
        "requested_slot": "utilities_reading_values"
    }  # the form asks for the values


def test_two_meters_of_one_kind_ask_which(linked):
    kitchen = meter("cold_water", place="кухня")
    value = kitchen.last_reading + 3
    _, events = readings(f"ХВС {value}")
    slots = slot_events(events)
    assert slots["requested_slot"] == "utilities_meter_choice"
    messages, _ = run_action(ActionAskUtilitiesMeterChoice(), make_tracker(slots=slots))
    assert texts(messages) == f"Для какого счётчика значение {number(value)}?"
    assert [b["payload"] for b in messages[0]["buttons"]] == ["кухня", "ванная"]
    assert button_titles(messages)[0] == f"ХВС (кухня), было {number(kitchen.last_reading)}"
    tracker = just_set(
        make_tracker(
            "кухня",
            "inform",
            slots={**slots, "utilities_meter_choice": "кухня"},
            active_loop="utilities_reading_form",
        ),
        "utilities_meter_choice",
        "кухня",
    )
    _, events = run_action(ValidateUtilitiesReadingForm(), tracker, READING_DOMAIN)
    chosen = slot_events(events)
    assert chosen["requested_slot"] is None
    assert [i["meter_id"] for i in chosen["utilities_reading_pending"]] == [kitchen.id]


def test_an_unclear_meter_choice_is_asked_again(linked):
    _, events = readings(f"ХВС {last('cold_water', place='кухня') + 3}")
    slots = slot_events(events)
    tracker = just_set(
        make_tracker(
            "не знаю",
            "inform",
            slots={**slots, "utilities_meter_choice": "не знаю"},
            active_loop="utilities_reading_form",
        ),
        "utilities_meter_choice",
        "не знаю",
    )
    messages, events = run_action(ValidateUtilitiesReadingForm(), tracker, READING_DOMAIN)
    assert texts(messages) == "Не понял, какой счётчик. Нажмите одну из кнопок."
    assert slot_events(events)["utilities_meter_choice"] is None


def test_wrong_values_are_rejected_with_reasons(linked):
    below = last("electricity", "day") - 10
    lines = texts(readings(f"свет день {below}")[0]).splitlines()
    assert lines[0].startswith(f"электроэнергия (день): {number(below)} меньше предыдущих показаний (")
    assert lines[0].endswith(" на 20 октября).")
    assert lines[1] == f"Напишите показания ещё раз. {EXAMPLE}"
    assert texts(readings("свет ночь 12345678")[0]).startswith(
        "электроэнергия (ночь): в 12345678 больше цифр, чем показывает счётчик (до запятой их 6). Проверьте значение."
    )
    assert texts(readings("гвс кухня сто двадцать")[0]).startswith(
        "«двадцать» — напишите показания цифрами, например 345 или 120,5."
    )
    assert texts(readings("газ 1500")[0]).startswith("Не нашёл у вас подходящего счётчика для значения 1500.")


def test_an_outlier_asks_for_confirmation(linked):
    day = last("electricity", "day") + 2000
    _, events = readings(f"свет день {day}")
    slots = slot_events(events)
    assert slots["requested_slot"] == "utilities_reading_confirm"
    messages, _ = run_action(ActionAskUtilitiesReadingConfirm(), make_tracker(slots=slots))
    lines = texts(messages).splitlines()
    assert lines[0] == "Расход получается больше обычного втрое и более:"
    assert lines[1].startswith(
        f"• электроэнергия (день): {number(day)} — расход 2000 за месяц, обычно около "
    )
    assert lines[2] == "Всё верно, передаю?" and button_titles(messages) == ["Да", "Нет"]
    tracker = just_set(
        make_tracker(
            "нет",
            "deny",
            slots={**slots, "utilities_reading_confirm": False},
            active_loop="utilities_reading_form",
        ),
        "utilities_reading_confirm",
        False,
    )
    messages, events = run_action(ValidateUtilitiesReadingForm(), tracker, READING_DOMAIN)
    assert (
        "это значение не передаю" in texts(messages)
        and slot_events(events)["utilities_reading_values"] is None
    )


def test_readings_outside_the_window_say_when_it_opens(linked, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: date(2026, 11, 3))
    messages, events = readings("хвс кухня 400")
    assert texts(messages) == (
        "Показания принимаются с 15 по 25 число месяца. Сейчас приём закрыт — он откроется "
        "15 ноября. Напомнить, когда откроется?"
    )
    assert messages[0]["buttons"] == [
        {"title": "Напомнить", "payload": '/utilities_reminder{"utilities_reminder_kind": "readings"}'}
    ]
    assert messages[0]["offer"]["intent"] == "utilities_reminder"  # «да» sets the reminder
    assert messages[0]["offer"]["entities"] == {"utilities_reminder_kind": "readings"}
    assert slot_events(events)["utilities_reading_values"] == "__stop__"


def test_typed_stop_word_is_not_taken_for_the_forms_own(linked):
    messages, events = readings("__stop__")
    assert messages == [] and slot_events(events)["utilities_reading_values"] is None


def test_nothing_is_submitted_when_the_form_stopped(linked):
    slots = {"utilities_reading_values": "__stop__", "utilities_reading_pending": None}
    messages, events = run_action(ActionUtilitiesSubmitReadingDone(), make_tracker(slots=slots))
    assert messages == [] and len(events) == 4


# --- Issue 15: a meter's last reading under two workers ------------------------------------------------------


def stored_readings(resource, zone=None):
    meter_id = meter(resource, zone).id
    with session_scope() as session:
        return list(
            session.execute(
                select(UtilitiesReading.value)
                .where(UtilitiesReading.meter_id == meter_id, UtilitiesReading.channel != "import")
                .order_by(UtilitiesReading.id)
            ).scalars()
        )


def test_a_reading_checked_before_a_higher_one_was_accepted_is_refused(linked):
    start = last("electricity", "day")
    high, low = start + 150, start + 50
    _, checked_high = readings(f"свет день {high}")  # both checked against the same last reading,
    _, checked_low = readings(f"свет день {low}")  # in two conversations
    run_action(ActionUtilitiesSubmitReadingDone(), make_tracker(slots=slot_events(checked_high)))
    messages, _ = run_action(ActionUtilitiesSubmitReadingDone(), make_tracker(slots=slot_events(checked_low)))
    assert last("electricity", "day") == high
    assert stored_readings("electricity", "day") == [high]
    assert texts(messages).startswith(f"электроэнергия (день): {number(low)} меньше предыдущих показаний (")
    assert "Показания приняты" not in texts(messages)


def test_two_submissions_on_one_meter_at_once_lose_nothing(linked, monkeypatch):
    """Two workers submit to one meter: the higher value first, the lower (checked against the same old reading)
    writes last. The lower must not pass the monotonic check nor overwrite the higher."""
    start = last("electricity", "day")
    high, low = start + 150, start + 50
    checked = {value: slot_events(readings(f"свет день {value}")[1]) for value in (high, low)}
    role = threading.local()
    both_read = meeting_after(readings_actions._owned_meters, 2)

    def read_then_lower_writes_last(*args, **kwargs):
        found = both_read(*args, **kwargs)
        if getattr(role, "lower", False):
            time.sleep(0.3)
        return found

    def submit(value):
        role.lower = value == low
        if role.lower:  # the higher one begins first (SQLite: it takes the write lock first)
            time.sleep(0.3)
        return run_action(ActionUtilitiesSubmitReadingDone(), make_tracker(slots=checked[value]))

    monkeypatch.setattr(readings_actions, "_owned_meters", read_then_lower_writes_last)
    at_once(submit, [high, low])
    stored = stored_readings("electricity", "day")
    assert last("electricity", "day") == high == stored[-1]
    assert stored == sorted(stored) and stored in ([high], [low, high])
