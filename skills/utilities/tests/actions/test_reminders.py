from datetime import datetime

from sqlalchemy import select

from engine.sdk import session_scope
from engine.testing import button_titles, make_tracker, run_action, texts
from skills.utilities.actions import reminders
from skills.utilities.actions.reminders import ActionUtilitiesReminder, ActionUtilitiesReminderDue
from skills.utilities.models import UtilitiesReminder


def remind(text):
    return run_action(ActionUtilitiesReminder(), make_tracker(text, "utilities_reminder"))


def reminder_due(kind, sender="resident-1"):
    entities = [{"entity": "utilities_reminder_kind", "value": kind}] if kind else []
    tracker = make_tracker("", "EXTERNAL_utilities_reminder_due", entities=entities, sender_id=sender)
    return run_action(ActionUtilitiesReminderDue(), tracker)


def test_reminders_are_scheduled_and_cancelled(linked):
    messages, (event,) = remind("напомни заплатить до 10-го")
    assert event["event"] == "reminder" and event["intent"] == "EXTERNAL_utilities_reminder_due"
    assert event["date_time"].startswith("2026-12-09T10:00")
    assert texts(messages) == (
        "Напомню заплатить за квартиру 9 декабря в 10:00 (срок — до 10 декабря). Отменить: «не напоминай»."
    )
    _, events = remind("напоминай передавать показания")
    assert events[0]["name"] == "utilities_readings"
    messages, events = remind("не напоминай")
    assert texts(messages) == "Хорошо, больше не напоминаю."
    assert sorted(e["name"] for e in events) == ["utilities_pay", "utilities_readings"]
    messages, events = remind("отключи напоминания")
    assert texts(messages) == "Активных напоминаний нет — отменять нечего." and events == []


def test_cancelling_one_kind_keeps_the_other(linked):
    remind("напомни заплатить до 10-го")
    remind("напоминай передавать показания")
    _, events = remind("не надо напоминать про показания")
    assert [e["name"] for e in events] == ["utilities_readings"]


def test_the_readings_reminder_fires_at_the_window_opening_and_is_rescheduled(linked):
    messages, (event,) = remind("напоминай передавать показания")
    assert texts(messages) == (
        "Буду напоминать передавать показания каждый месяц 15-го числа в 10:00. "
        "Ближайшее напоминание — 20 ноября. Отключить: «не напоминай»."
    )
    assert event["date_time"].startswith(
        "2026-11-20T10:00"
    )  # 09:00 on the 20th: the window is open, 10:00 to come
    assert event["entities"] == [{"entity": "utilities_reminder_kind", "value": "readings"}]
    messages, (following,) = reminder_due("readings")
    assert "открыт приём показаний" in texts(messages) and button_titles(messages) == ["Передать показания"]
    assert following["name"] == "utilities_readings" and following["date_time"].startswith("2026-12-15T10:00")
    assert following["entities"] == event["entities"]


def test_the_fired_reminder_is_the_one_said_and_a_pay_reminder_fires_once(linked, monkeypatch):
    monkeypatch.setattr(
        reminders, "utcnow", lambda: datetime(2026, 11, 20, 6, 0)
    )  # the fixture's 09:00 in Moscow
    remind("напомни заплатить до 10-го")
    remind("напоминай передавать показания")
    messages, events = reminder_due("pay")
    assert texts(messages) == "Напоминаю: пора оплатить квартиру и коммунальные услуги." and events == []
    assert button_titles(messages) == ["Оплатить", "Сколько к оплате"]
    assert reminder_due("pay") == ([], [])
    assert reminder_due(None) == ([], [])  # without its kind only what has come due is said: nothing yet


def test_setting_a_reminder_again_moves_it_instead_of_adding_another(linked):
    remind("напомни заплатить до 10-го")
    _, (event,) = remind("напомни заплатить до 25-го")
    assert event["date_time"].startswith("2026-11-24T10:00")
    with session_scope() as session:
        rows = list(session.execute(select(UtilitiesReminder)).scalars())
        assert [(r.kind, r.status) for r in rows] == [("pay", "active")]
        assert rows[0].remind_at.isoformat().startswith("2026-11-24T07:00")  # naive UTC
    messages, _ = reminder_due("pay")
    assert texts(messages).count("пора оплатить") == 1
