"""Notifications reach a resident in the channel they chose, else in the one they wrote from last (SQLite and
PostgreSQL): re-addressed when claimed, taken in the target conversation only, claimed once."""

from datetime import datetime, timedelta

from alembic import command
from sqlalchemy import select, text

from engine import notifications, residents
from engine.delivery import choose_notify_channel, delivery_conversation
from engine.notifications import JOB_CHANNEL, claim_due, take_delivery
from engine.skills.discovery import enabled_packages
from engine.store import session_scope
from engine.store.migrate import alembic_config
from engine.store.models import AuditRecord, Resident, ScheduledNotification
from engine.testing import at_once
from tests.store.resident_helpers import PHONE, resident_with

NOW = datetime(2026, 12, 4, 7, 0)
TELEGRAM, WEBCHAT = "telegram:555", "webchat:s1"


def telegram_and_webchat(telegram_seen: int = 5, webchat_seen: int = 30) -> int:
    return resident_with(("telegram", "555", telegram_seen), ("webchat", "s1", webchat_seen), phone=PHONE)


def remind(resident, conversation=WEBCHAT, channel="webchat", name="pay") -> int:
    with session_scope() as session:
        return notifications.schedule(
            session,
            skill="utilities",
            name=name,
            conversation_id=conversation,
            channel=channel,
            resident_id=resident,
            intent="EXTERNAL_utilities_reminder_due",
            due_at=NOW - timedelta(minutes=1),
            entities={"utilities_reminder_kind": name},
        ).id


def claim(worker="w1"):
    with session_scope() as session:
        return claim_due(session, worker, NOW)


def stored(notification_id):
    with session_scope() as session:
        row = session.get(ScheduledNotification, notification_id)
        return row.conversation_id, row.channel, row.status


def test_a_reminder_set_in_the_web_chat_reaches_telegram_seen_last(store):
    resident = telegram_and_webchat(telegram_seen=5, webchat_seen=30)
    reminder = remind(resident)
    (due,) = claim()
    assert (due.id, due.conversation_id, due.channel) == (reminder, TELEGRAM, "telegram")
    assert due.entities == {"utilities_reminder_kind": "pay"}
    assert stored(reminder) == (TELEGRAM, "telegram", notifications.SENDING)


def test_a_reminder_stays_in_the_web_chat_seen_last(store):
    resident = telegram_and_webchat(telegram_seen=30, webchat_seen=5)
    reminder = remind(resident, conversation=TELEGRAM, channel="telegram")
    (due,) = claim()
    assert (due.id, due.conversation_id, due.channel) == (reminder, WEBCHAT, "webchat")


def test_the_chosen_channel_wins_over_the_last_seen(store):
    resident = telegram_and_webchat(telegram_seen=30, webchat_seen=5)
    with session_scope() as session:
        webchat = residents.identity_for(session, "webchat", "s1")
        assert choose_notify_channel(session, webchat, "telegram")
        assert not choose_notify_channel(session, webchat, "alice")  # no identity there: nothing changes
    with session_scope() as session:
        assert session.get(Resident, resident).notify_channel == "telegram"
        chosen = session.execute(select(AuditRecord).where(AuditRecord.action == "notify_channel_chosen"))
        assert [r.details for r in chosen.scalars()] == [{"channel": "telegram"}]
    reminder = remind(resident)
    (due,) = claim()
    assert (due.id, due.conversation_id, due.channel) == (reminder, TELEGRAM, "telegram")


def test_of_two_identities_in_the_chosen_channel_the_one_seen_last(store):
    resident = resident_with(
        ("telegram", "555", 5), ("telegram", "777", 1), ("webchat", "s1", 0), phone=PHONE
    )
    with session_scope() as session:
        session.get(Resident, resident).notify_channel = "telegram"
    with session_scope() as session:
        assert delivery_conversation(session, resident) == ("telegram", "telegram:777")


def test_seen_at_the_same_moment_the_newer_identity_wins(store):
    resident = resident_with(("telegram", "555", 5), ("webchat", "s1", 5), phone=PHONE)
    with session_scope() as session:
        assert delivery_conversation(session, resident) == ("webchat", WEBCHAT)
        assert delivery_conversation(session, resident + 1000) is None


def test_writing_from_a_channel_makes_it_the_one_seen_last(store):
    resident = telegram_and_webchat(telegram_seen=5, webchat_seen=30)
    with session_scope() as session:
        assert delivery_conversation(session, resident) == ("telegram", TELEGRAM)
        residents.identity_for(session, "webchat", "s1")
    with session_scope() as session:
        assert delivery_conversation(session, resident) == ("webchat", WEBCHAT)
        new = residents.identity_for(session, "alice", "yandex-1")
        assert new.last_seen_at == new.created_at


def test_a_resident_with_one_identity_keeps_its_conversation(store):
    resident = resident_with(("webchat", "s1", 60), phone=PHONE)
    reminder = remind(resident)
    (due,) = claim()
    assert (due.id, due.conversation_id, due.channel) == (reminder, WEBCHAT, "webchat")


def test_a_job_and_a_notice_without_a_resident_are_never_readdressed(store):
    resident = telegram_and_webchat(telegram_seen=5, webchat_seen=30)
    job = remind(resident, conversation="governance-jobs", channel=JOB_CHANNEL, name="close_vote")
    notice = remind(None, name="channel_linked_1")
    claimed = {due.id: (due.conversation_id, due.channel) for due in claim()}
    assert claimed == {job: ("governance-jobs", JOB_CHANNEL), notice: (WEBCHAT, "webchat")}


def test_take_delivery_works_in_the_target_conversation_only(store):
    resident = telegram_and_webchat(telegram_seen=5, webchat_seen=30)
    reminder = remind(resident)
    claim()
    with session_scope() as session:
        assert not take_delivery(session, reminder, WEBCHAT)  # where it was scheduled: refused
        assert take_delivery(session, reminder, TELEGRAM)
        assert not take_delivery(session, reminder, TELEGRAM)  # once
    assert stored(reminder) == (TELEGRAM, "telegram", notifications.DELIVERED)


def test_a_released_notification_is_readdressed_again_when_claimed_again(store):
    resident = telegram_and_webchat(telegram_seen=5, webchat_seen=30)
    reminder = remind(resident)
    claim()
    with session_scope() as session:
        notifications.release(session, reminder, "w1", NOW)
        residents.identity_for(session, "webchat", "s1")  # the resident writes from the web chat meanwhile
    with session_scope() as session:
        (due,) = claim_due(session, "w1", NOW + timedelta(hours=1))
    assert (due.id, due.conversation_id, due.attempts) == (reminder, WEBCHAT, 2)


def test_two_notifiers_claiming_at_once_claim_once(store):
    resident = telegram_and_webchat(telegram_seen=5, webchat_seen=30)
    reminder = remind(resident)
    results = at_once(claim, ["w1", "w2"])
    claimed = [due for batch in results for due in batch]
    assert [(due.id, due.conversation_id, due.attempts) for due in claimed] == [(reminder, TELEGRAM, 1)]
    with session_scope() as session:
        row = session.get(ScheduledNotification, reminder)
        assert row.claimed_by in ("w1", "w2") and row.attempts == 1


def test_the_migration_takes_existing_identities_as_seen_when_created(store):
    config = alembic_config(store, enabled_packages())
    command.downgrade(config, "core_0006")
    with session_scope() as session:
        session.execute(text("INSERT INTO residents (id, created_at) VALUES (1, :at)"), {"at": NOW})
        session.execute(
            text(
                "INSERT INTO channel_identities (resident_id, channel, external_id, created_at) "
                "VALUES (1, 'telegram', '555', :at)"
            ),
            {"at": NOW - timedelta(days=3)},
        )
    command.upgrade(config, "core_0007")
    with session_scope() as session:
        seen = session.execute(text("SELECT last_seen_at FROM channel_identities")).scalar_one()
        chosen = session.execute(text("SELECT notify_channel FROM residents")).scalar_one()
    assert (str(seen)[:19], chosen) == (str(NOW - timedelta(days=3)), None)
