"""Scheduled notifications on SQLite and PostgreSQL: delivered once by any number of workers, across restarts."""

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from engine import notifications
from engine.notifier import deliver_due
from engine.store import db, session_scope
from engine.store.models import ScheduledNotification
from engine.testing import at_once

NOW = datetime(2026, 12, 4, 7, 0)


def schedule(name="pay", conversation="c-1", due=NOW, **extra):
    with session_scope() as session:
        return notifications.schedule(
            session,
            skill="utilities",
            name=name,
            conversation_id=conversation,
            channel="rest",
            resident_id=None,
            intent="EXTERNAL_utilities_reminder_due",
            due_at=due,
            entities={"utilities_reminder_kind": name},
            **extra,
        ).id


def statuses():
    with session_scope() as session:
        rows = session.execute(select(ScheduledNotification).order_by(ScheduledNotification.id)).scalars()
        return [(r.name, r.status) for r in rows]


def claim(worker="w1", now=NOW):
    with session_scope() as session:
        return notifications.claim_due(session, worker, now)


def test_scheduling_again_moves_the_pending_notification(store):
    first = schedule(due=NOW + timedelta(days=1))
    assert schedule(due=NOW) == first
    assert schedule(name="readings") != first
    assert schedule(conversation="c-2") != first
    assert [d.id for d in claim()] == [first, first + 1, first + 2]


def test_only_what_has_come_due_is_claimed_and_claimed_once(store):
    early, late = schedule("pay"), schedule("readings", due=NOW + timedelta(minutes=1))
    (due,) = claim()
    assert (due.id, due.intent, due.entities) == (
        early,
        "EXTERNAL_utilities_reminder_due",
        {"utilities_reminder_kind": "pay"},
    )
    assert claim("w2") == []  # taken by w1 until its lease lapses
    assert [d.id for d in claim("w2", NOW + timedelta(minutes=1))] == [late]  # w1's lease still holds


def test_a_lapsed_claim_is_taken_again_but_delivery_counts_once(store):
    notification = schedule()
    claim("dead-worker")  # the worker dies before delivering
    (again,) = claim("w2", NOW + notifications.LEASE + timedelta(seconds=1))
    assert again.id == notification and again.attempts == 2
    with session_scope() as session:
        assert notifications.take_delivery(session, notification, "c-1")
        assert not notifications.take_delivery(
            session, notification, "c-1"
        )  # the dead worker's delivery, late
    assert statuses() == [("pay", "delivered")]


def test_delivery_is_taken_only_in_its_own_conversation(store):
    notification = schedule()
    with session_scope() as session:
        assert not notifications.take_delivery(session, notification, "someone-else")
        assert not notifications.take_delivery(session, "not a number", "c-1")
        assert not notifications.take_delivery(session, None, "c-1")
    assert statuses() == [("pay", "pending")]


def test_cancelled_notifications_are_neither_claimed_nor_delivered(store):
    pay, readings = schedule("pay"), schedule("readings")
    with session_scope() as session:
        assert notifications.cancel(session, skill="utilities", conversation_id="c-1", name="pay") == 1
        assert notifications.cancel(session, skill="marketplace", conversation_id="c-1") == 0
        assert not notifications.take_delivery(session, pay, "c-1")
    assert [d.id for d in claim()] == [readings]


def test_a_failed_delivery_is_retried_later_then_given_up(store):
    notification = schedule()
    for attempt in range(1, notifications.MAX_ATTEMPTS + 1):
        now = NOW + timedelta(hours=attempt)
        (due,) = claim("w1", now)
        assert due.attempts == attempt
        with session_scope() as session:
            notifications.release(session, notification, "w1", now)
        assert claim("w1", now) == []  # backs off before the next try
    assert statuses() == [("pay", "failed")]


def test_a_notification_too_late_to_matter_expires(store):
    schedule(expires_at=NOW + timedelta(hours=12))
    assert claim("w1", NOW + timedelta(days=2)) == []
    assert statuses() == [("pay", "expired")]


def test_the_notifier_delivers_what_was_scheduled_before_a_restart(store):
    schedule("pay")
    schedule("readings", due=NOW + timedelta(days=30))
    db.dispose_engines()  # a restart: nothing is kept in memory, everything in the store
    delivered = []
    assert deliver_due("w1", lambda due: delivered.append(due.entities) or True) == 1
    assert delivered == [{"utilities_reminder_kind": "pay"}]
    assert statuses() == [("pay", "delivered"), ("readings", "pending")]


def test_a_delivery_the_rasa_server_refused_is_released(store):
    schedule()
    assert deliver_due("w1", lambda due: False) == 0
    assert statuses() == [("pay", "pending")]


@pytest.mark.parametrize("workers", [2, 4])
def test_concurrent_workers_deliver_each_notification_once(store, workers):
    ids = [schedule(conversation=f"c-{n}") for n in range(20)]
    delivered, lock = [], threading.Lock()

    def deliver(due):
        with lock:
            delivered.append(due.id)
        return True

    def work(name):
        while deliver_due(name, deliver):
            pass

    at_once(work, [f"w{n}" for n in range(workers)])
    assert sorted(delivered) == ids
    assert {status for _, status in statuses()} == {"delivered"}


def test_a_skill_job_runs_in_its_own_conversation_and_moves_when_scheduled_again(store):
    from engine.sdk import job_conversation, schedule_job

    first, later = datetime(2026, 11, 20, 9, 0), datetime(2026, 11, 20, 10, 0)
    with session_scope() as session:
        job = schedule_job(session, skill="votes", name="close-1", intent="EXTERNAL_close", at=first)
        again = schedule_job(
            session, skill="votes", name="close-1", intent="EXTERNAL_close", at=later, entities={"n": 1}
        )
        other = schedule_job(session, skill="votes", name="close-2", intent="EXTERNAL_close", at=first)
    assert job == again != other
    with session_scope() as session:
        row = session.get(ScheduledNotification, job)
        assert (row.conversation_id, row.channel, row.resident_id) == (
            job_conversation("votes"),
            "jobs",
            None,
        )
        assert (row.due_at, row.entities["n"]) == (later, 1)
