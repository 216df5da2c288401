from datetime import date

from sqlalchemy import select

from engine.sdk import session_scope
from engine.testing import button_titles, make_tracker, run_action, scheduled_notifications, texts
from skills.utilities.actions.reminders import (
    ActionUtilitiesReminder,
    ActionUtilitiesReminderDue,
    pay_deadline,
)
from skills.utilities.models import UtilitiesReminder


def remind(text, sender="resident-1"):
    return run_action(ActionUtilitiesReminder(), make_tracker(text, "utilities_reminder", sender_id=sender))


def reminder_due(kind, sender="resident-1", notification_id=None):
    """The notification of `kind` arriving in the conversation, as the engine's notifier triggers it."""
    if notification_id is None:
        found = [n for n in scheduled_notifications() if n[1] == kind and n[4] == f"rest:{sender}"]
        notification_id = found[0][0] if found else 0
    entities = [{"entity": "notification_id", "value": notification_id}]
    if kind:
        entities.append({"entity": "utilities_reminder_kind", "value": kind})
    tracker = make_tracker("", "EXTERNAL_utilities_reminder_due", entities=entities, sender_id=sender)
    return run_action(ActionUtilitiesReminderDue(), tracker)


def test_reminders_are_scheduled_in_the_store_and_cancelled(linked):
    messages, events = remind("напомни заплатить до 10-го")
    assert events == []  # nothing in Rasa's in-memory scheduler: a restart loses nothing
    ((_, name, due, entities, sender),) = scheduled_notifications()
    assert (name, sender, entities) == ("pay", "rest:resident-1", {"utilities_reminder_kind": "pay"})
    assert due.startswith("2026-12-09T07:00")  # 10:00 in Moscow, stored as UTC
    assert texts(messages) == (
        "Напомню заплатить за квартиру 9 декабря в 10:00 (срок — до 10 декабря). Отменить: «не напоминай»."
    )
    remind("напоминай передавать показания")
    assert [n[1] for n in scheduled_notifications()] == ["pay", "readings"]
    messages, _ = remind("не напоминай")
    assert texts(messages) == "Хорошо, больше не напоминаю."
    assert scheduled_notifications() == [] and [n[1] for n in scheduled_notifications("cancelled")] == [
        "pay",
        "readings",
    ]
    messages, _ = remind("отключи напоминания")
    assert texts(messages) == "Активных напоминаний нет — отменять нечего."


def test_cancelling_one_kind_keeps_the_other(linked):
    remind("напомни заплатить до 10-го")
    remind("напоминай передавать показания")
    remind("не надо напоминать про показания")
    assert [n[1] for n in scheduled_notifications()] == ["pay"]
    assert [n[1] for n in scheduled_notifications("cancelled")] == ["readings"]


def test_the_readings_reminder_fires_at_the_window_opening_and_is_rescheduled(linked):
    messages, _ = remind("напоминай передавать показания")
    assert texts(messages) == (
        "Буду напоминать передавать показания каждый месяц 15-го числа в 10:00. "
        "Ближайшее напоминание — 20 ноября. Отключить: «не напоминай»."
    )
    ((first, _, due, _, _),) = scheduled_notifications()
    assert due.startswith("2026-11-20T07:00")  # 09:00 on the 20th: the window is open, 10:00 to come
    messages, events = reminder_due("readings")
    assert "открыт приём показаний" in texts(messages) and button_titles(messages) == ["Передать показания"]
    assert events == []
    ((following, name, due, entities, _),) = scheduled_notifications()
    assert following != first and name == "readings" and due.startswith("2026-12-15T07:00")
    assert entities == {"utilities_reminder_kind": "readings"}
    assert [n[0] for n in scheduled_notifications("delivered")] == [first]


def test_a_notification_is_said_once_and_only_in_its_own_conversation(linked):
    remind("напомни заплатить до 10-го")
    remind("напоминай передавать показания")
    ((pay, *_), _) = scheduled_notifications()
    # another resident typing the trigger with this id silences nothing and hears nothing
    assert reminder_due("pay", sender="someone-else", notification_id=pay) == ([], [])
    messages, events = reminder_due("pay", notification_id=pay)
    assert texts(messages) == "Напоминаю: пора оплатить квартиру и коммунальные услуги." and events == []
    assert button_titles(messages) == ["Оплатить", "Сколько к оплате"]
    assert reminder_due("pay", notification_id=pay) == ([], [])  # delivered twice: said once
    assert reminder_due("pay", notification_id="12; drop table") == ([], [])
    assert reminder_due(None) == ([], [])  # typed by hand without a notification: nothing
    with session_scope() as session:
        statuses = {r.kind: r.status for r in session.execute(select(UtilitiesReminder)).scalars()}
    assert statuses == {"pay": "done", "readings": "active"}


def test_a_cancelled_reminder_that_arrives_anyway_is_not_said(linked):
    remind("напомни заплатить до 10-го")
    ((pay, *_),) = scheduled_notifications()
    remind("не напоминай")
    assert reminder_due("pay", notification_id=pay) == ([], [])


def test_setting_a_reminder_again_moves_it_instead_of_adding_another(linked):
    remind("напомни заплатить до 10-го")
    remind("напомни заплатить до 25-го")
    ((_, _, due, _, _),) = scheduled_notifications()
    assert due.startswith("2026-11-24T07:00")
    with session_scope() as session:
        rows = list(session.execute(select(UtilitiesReminder)).scalars())
        assert [(r.kind, r.status) for r in rows] == [("pay", "active")]
        assert rows[0].remind_at.isoformat().startswith("2026-11-24T07:00")  # naive UTC
    messages, _ = reminder_due("pay")
    assert texts(messages).count("пора оплатить") == 1


# --- Issue 15: a long message is read in linear time ---------------------------------------------------------

LONG = 100_000


def test_a_100000_character_message_is_read_for_its_day_of_month():
    today, bill_due = date(2026, 11, 20), date(2026, 12, 10)
    spaced = "заплатить до 10" + " " * LONG + "числа"
    assert pay_deadline(spaced, None, today, None) == date(2026, 12, 10)
    for unmatched in ("до 1" + " " * LONG + "!", "до 1" + " -" * (LONG // 2), "1 " * (LONG // 2)):
        assert pay_deadline(unmatched, None, today, bill_due) == bill_due


def test_a_100000_character_reminder_request_is_answered(linked):
    messages, _ = remind("напомни заплатить до 10" + " " * LONG + "числа")
    assert texts(messages) == (
        "Напомню заплатить за квартиру 9 декабря в 10:00 (срок — до 10 декабря). Отменить: «не напоминай»."
    )
