import time
from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from engine import residents
from engine.residents import CodeCheck, CodeRequest
from engine.store import session_scope, utcnow
from engine.store.models import AuditLogIsAppendOnly, AuditRecord, ChannelIdentity, Resident


class RecordingSender:
    def __init__(self) -> None:
        self.sent = []

    def send(self, phone: str, code: str) -> None:
        self.sent.append((phone, code))


PHONE = "+79123456789"


def test_first_message_creates_one_resident_per_identity(store):
    with session_scope() as session:
        first = residents.identity_for(session, "telegram", "42")
        again = residents.identity_for(session, "telegram", "42")
        other = residents.identity_for(session, "rest", "42")
        assert first.id == again.id
        assert first.resident_id != other.resident_id


def test_code_links_phone_and_records_audit(store):
    sender = RecordingSender()
    with session_scope() as session:
        identity = residents.identity_for(session, "telegram", "42")
        assert residents.request_code(session, identity, PHONE, sender) is CodeRequest.SENT
    ((phone, code),) = sender.sent
    assert phone == PHONE and len(code) == 6 and code.isdigit()
    with session_scope() as session:
        identity = residents.identity_for(session, "telegram", "42")
        result = residents.confirm_code(session, identity, code)
        assert result.outcome is CodeCheck.LINKED and not result.merged
        assert identity.resident.phone == PHONE
        actions = session.execute(select(AuditRecord.action)).scalars().all()
        assert actions == ["phone_linked"]


def test_codes_are_stored_hashed(store):
    sender = RecordingSender()
    with session_scope() as session:
        identity = residents.identity_for(session, "telegram", "42")
        residents.request_code(session, identity, PHONE, sender)
        stored = session.execute(text("SELECT code_hash FROM one_time_codes")).scalar_one()
    assert sender.sent[0][1] not in stored


def test_second_channel_joins_the_account_of_the_same_phone(store):
    sender = RecordingSender()
    for channel in ("telegram", "socketio"):
        with session_scope() as session:
            identity = residents.identity_for(session, channel, "user")
            residents.request_code(session, identity, PHONE, sender)
            result = residents.confirm_code(session, identity, sender.sent[-1][1])
            assert result.outcome is CodeCheck.LINKED
    assert result.merged
    with session_scope() as session:
        owner = session.execute(select(Resident).where(Resident.phone == PHONE)).scalar_one()
        channels = sorted(i.channel for i in owner.identities)
        assert channels == ["socketio", "telegram"]
        profile = residents.profile_of(session, residents.identity_for(session, "socketio", "user"))
        assert profile.resident_id == owner.id


def test_three_wrong_codes_use_the_code_up(store):
    sender = RecordingSender()
    with session_scope() as session:
        identity = residents.identity_for(session, "telegram", "42")
        residents.request_code(session, identity, PHONE, sender)
        good = sender.sent[0][1]
        wrong = "000000" if good != "000000" else "111111"
        outcomes = [residents.confirm_code(session, identity, wrong) for _ in range(3)]
        assert [o.outcome for o in outcomes] == [CodeCheck.WRONG, CodeCheck.WRONG, CodeCheck.EXHAUSTED]
        assert [o.attempts_left for o in outcomes[:2]] == [2, 1]
        assert residents.confirm_code(session, identity, good).outcome is CodeCheck.NO_CODE
        assert identity.resident.phone is None


def test_expired_code_is_refused(store):
    sender = RecordingSender()
    with session_scope() as session:
        identity = residents.identity_for(session, "telegram", "42")
        residents.request_code(session, identity, PHONE, sender, now=utcnow() - timedelta(minutes=11))
        assert residents.confirm_code(session, identity, sender.sent[0][1]).outcome is CodeCheck.EXPIRED


def test_a_new_code_replaces_the_previous_one(store):
    sender = RecordingSender()
    with session_scope() as session:
        identity = residents.identity_for(session, "telegram", "42")
        residents.request_code(session, identity, PHONE, sender)
        residents.request_code(session, identity, PHONE, sender)
        first, second = sender.sent[0][1], sender.sent[1][1]
        if first != second:
            assert residents.confirm_code(session, identity, first).outcome is CodeCheck.WRONG
        assert residents.confirm_code(session, identity, second).outcome is CodeCheck.LINKED


def test_codes_per_hour_are_limited_per_identity(store):
    sender = RecordingSender()
    with session_scope() as session:
        identity = residents.identity_for(session, "telegram", "42")
        phones = [f"+7912345678{n}" for n in range(6)]
        outcomes = [residents.request_code(session, identity, phone, sender) for phone in phones]
    assert outcomes[-1] is CodeRequest.TOO_MANY and len(sender.sent) == 5


def test_rotating_sender_ids_cannot_flood_one_phone(store):
    sender = RecordingSender()
    with session_scope() as session:
        outcomes = [
            residents.request_code(
                session, residents.identity_for(session, "rest", f"bot-{n}"), PHONE, sender
            )
            for n in range(5)
        ]
    limit = residents.MAX_CODES_PER_PHONE_PER_HOUR
    assert outcomes[:limit] == [CodeRequest.SENT] * limit
    assert set(outcomes[limit:]) == {CodeRequest.TOO_MANY} and len(sender.sent) == limit


def test_codes_over_all_phones_are_capped(store, monkeypatch):
    monkeypatch.setattr(residents, "MAX_CODES_OVERALL_PER_HOUR", 4)
    sender = RecordingSender()
    with session_scope() as session:
        outcomes = [
            residents.request_code(
                session, residents.identity_for(session, "rest", f"u{n}"), f"+7912345670{n}", sender
            )
            for n in range(6)
        ]
    assert outcomes[4:] == [CodeRequest.BUSY, CodeRequest.BUSY] and len(sender.sent) == 4


def wrong_code(good: str) -> str:
    return "000000" if good != "000000" else "111111"


def test_wrong_codes_are_counted_per_phone_whoever_guesses(store):
    """Guessing from ever new sender ids locks the phone after MAX_FAILURES_PER_PHONE wrong codes in a day: no
    more codes for it, and the pending one stops working even when it is right."""
    sender = RecordingSender()
    guessers = iter(range(100))
    failures = 0
    with session_scope() as session:
        while failures < residents.MAX_FAILURES_PER_PHONE:
            identity = residents.identity_for(session, "rest", f"guesser-{next(guessers)}")
            # earlier codes out of the hourly limit, still within the day that counts failures
            session.execute(
                text("UPDATE one_time_codes SET created_at = :t"), {"t": utcnow() - timedelta(hours=2)}
            )
            assert residents.request_code(session, identity, PHONE, sender) is CodeRequest.SENT
            for _ in range(residents.MAX_CODE_ATTEMPTS):
                if failures < residents.MAX_FAILURES_PER_PHONE:
                    residents.confirm_code(session, identity, wrong_code(sender.sent[-1][1]))
                    failures += 1
        victim = residents.identity_for(session, "telegram", "owner")
        assert residents.request_code(session, victim, PHONE, sender) is CodeRequest.LOCKED
        late = residents.identity_for(session, "rest", "late")
        assert residents.request_code(session, late, "+79000000000", sender) is CodeRequest.SENT
        session.execute(
            text("UPDATE one_time_codes SET phone = :p WHERE phone = '+79000000000'"), {"p": PHONE}
        )
        assert residents.confirm_code(session, late, sender.sent[-1][1]).outcome is CodeCheck.LOCKED
        assert late.resident.phone is None


def test_the_lock_lifts_after_a_day(store):
    sender = RecordingSender()
    with session_scope() as session:
        identity = residents.identity_for(session, "rest", "someone")
        residents.request_code(session, identity, PHONE, sender, now=utcnow() - timedelta(hours=25))
        session.execute(text("UPDATE one_time_codes SET attempts = 50"))
        assert residents.request_code(session, identity, PHONE, sender) is CodeRequest.SENT


def test_wrong_guesses_at_once_are_all_counted(store):
    """Two wrong codes sent at the same moment from two workers both count: the third try ends the code."""
    from engine.testing_races import at_once

    sender = RecordingSender()
    with session_scope() as session:
        identity = residents.identity_for(session, "telegram", "42")
        residents.request_code(session, identity, PHONE, sender)
    wrong = wrong_code(sender.sent[0][1])

    def guess(_: int) -> CodeCheck:
        with session_scope() as session:
            return residents.confirm_code(
                session, residents.identity_for(session, "telegram", "42"), wrong
            ).outcome

    assert set(at_once(guess, [1, 2])) <= {CodeCheck.WRONG}
    with session_scope() as session:
        assert session.execute(text("SELECT attempts FROM one_time_codes")).scalar_one() == 2
        last = residents.confirm_code(session, residents.identity_for(session, "telegram", "42"), wrong)
        assert last.outcome is CodeCheck.EXHAUSTED


def test_linking_a_new_channel_tells_the_other_channels(store):
    from engine.store.models import ScheduledNotification

    sender = RecordingSender()
    for channel, user in (("telegram", "555"), ("webchat", "s1"), ("alice", "yandex-user")):
        with session_scope() as session:
            identity = residents.identity_for(session, channel, user)
            residents.request_code(session, identity, PHONE, sender)
            assert residents.confirm_code(session, identity, sender.sent[-1][1]).outcome is CodeCheck.LINKED
    with session_scope() as session:
        told = session.execute(select(ScheduledNotification)).scalars().all()
        assert {n.intent for n in told} == {residents.LINK_NOTICE}
        # the web chat joining told Telegram; Alice joining told Telegram and the web chat
        assert sorted(n.conversation_id for n in told) == ["telegram:555", "telegram:555", "webchat:s1"]


def test_audit_log_refuses_changes_in_the_orm(store):
    with session_scope() as session:
        session.add(AuditRecord(skill="core", action="x", details={}))
    with pytest.raises(AuditLogIsAppendOnly), session_scope() as session:
        entry = session.execute(select(AuditRecord)).scalar_one()
        entry.action = "rewritten"
    with pytest.raises(AuditLogIsAppendOnly), session_scope() as session:
        session.delete(session.execute(select(AuditRecord)).scalar_one())


def test_audit_log_refuses_changes_in_the_database(store):
    with session_scope() as session:
        session.add(AuditRecord(skill="core", action="x", details={}))
    for statement in ("UPDATE audit_log SET action = 'y'", "DELETE FROM audit_log"):
        with pytest.raises(DatabaseError), session_scope() as session:
            session.execute(text(statement))
    with session_scope() as session:
        assert session.execute(select(AuditRecord.action)).scalars().all() == ["x"]


def test_identity_is_unique_per_channel(store):
    with pytest.raises(DatabaseError), session_scope() as session:
        resident = Resident()
        session.add_all(
            [
                ChannelIdentity(channel="rest", external_id="1", resident=resident),
                ChannelIdentity(channel="rest", external_id="1", resident=resident),
            ]
        )


def test_two_first_messages_of_one_new_user_at_once_make_one_resident(postgres_store):
    """The second insert waits for the first transaction, then violates the unique key: it must find the first
    one's identity instead of failing the turn. Deterministic: the first holds its transaction open."""
    import threading

    created = threading.Event()
    results = []

    def first() -> None:
        with session_scope() as session:
            results.append(residents.identity_for(session, "telegram", "race-1").resident_id)
            created.set()
            time.sleep(1.0)

    def second() -> None:
        created.wait(10)
        with session_scope() as session:
            results.append(residents.identity_for(session, "telegram", "race-1").resident_id)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(results) == 2 and results[0] == results[1]
    with session_scope() as session:
        identities = session.execute(
            select(ChannelIdentity).where(ChannelIdentity.external_id == "race-1")
        ).scalars()
        assert len(list(identities)) == 1
