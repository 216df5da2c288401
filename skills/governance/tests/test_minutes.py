"""The minutes' keyed chain (SQLite and PostgreSQL) and every way of tampering with it: a body or a digest edited,
a record forged without the key, a middle record deleted (renumbered or not), records reordered, the newest ones
deleted (caught against a published head and against closed proposals), a wrong key; and the key file."""

import json
import os
import stat

import pytest
from sqlalchemy import delete, select, update

from engine.sdk import session_scope
from skills.governance import closing, minutes, proposals
from skills.governance.minutes import (
    CHANGED,
    GENESIS,
    INSERTED,
    REMOVED,
    REORDERED,
    TRUNCATED,
    Minute,
    digest_of,
    verify_chain,
)
from skills.governance.models import Proposal

from .conftest import NOW
from .votes_fixtures import after, member, votes_store  # noqa: F401 (a fixture)

STORE = pytest.mark.usefixtures("votes_store")


def five_minutes():
    """The demo's two minutes and three more: every open and review vote closed a week later."""
    with session_scope() as session:
        closing.close_due(session, after(days=8), notify=False)
        rows = session.execute(select(Minute).order_by(Minute.sequence)).scalars()
        return [(m.sequence, m.digest) for m in rows]


def report(heads=(), key=None):
    with session_scope() as session:
        return verify_chain(session, heads, key=key)


def edit(sequence, **values):
    with session_scope() as session:
        session.execute(update(Minute).where(Minute.sequence == sequence).values(**values))


def body(sequence):
    with session_scope() as session:
        return json.loads(
            session.execute(select(Minute.body).where(Minute.sequence == sequence)).scalar_one()
        )


@STORE
def test_an_untouched_chain_is_whole_and_its_head_is_the_newest_digest():
    chain = five_minutes()
    found = report([digest for _, digest in chain])
    assert (found.ok, found.records, found.head, found.problem) == (True, 5, chain[-1][1], None)
    first, second = body(1), body(2)
    assert first["previous_head"] == GENESIS and second["previous_head"] == chain[0][1]
    assert (second["proposal_id"], second["outcome"], second["reason"], second["votes"]) == (
        5,
        "rejected",
        "no_quorum",
        {"for": 1, "against": 1, "abstain": 0},
    )


@STORE
def test_an_edited_body_is_changed():
    five_minutes()
    forged = body(3)
    forged["outcome"] = "rejected"
    edit(3, body=minutes.canonical(forged))
    found = report()
    assert (found.ok, found.problem, found.sequence) == (False, CHANGED, 3)


@STORE
def test_an_edited_digest_even_one_recomputed_without_the_key():
    chain = five_minutes()
    text = json.dumps(body(4), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    edit(4, digest=digest_of(b"guessed key", 4, chain[2][1], text))
    assert (report().problem, report().sequence) == (CHANGED, 4)


@STORE
def test_a_forged_record_put_in_the_middle_is_inserted():
    chain = five_minutes()
    me, second = member("me"), body(2)
    with session_scope() as session:
        for sequence in (5, 4, 3):  # make room after the second record
            session.execute(update(Minute).where(Minute.sequence == sequence).values(sequence=sequence + 1))
        extra = proposals.publish(session, me, proposals.Draft("Лишнее решение", "Никто не голосовал."), NOW)
        forged = {**second, "proposal_id": extra.id, "sequence": 3, "previous_head": chain[1][1]}
        text = minutes.canonical(forged)
        session.add(
            Minute(
                sequence=3,
                proposal_id=extra.id,
                body=text,
                previous_digest=chain[1][1],
                digest=digest_of(b"not the key", 3, chain[1][1], text),
                created_at=after(days=9).replace(tzinfo=None),
            )
        )
    found = report()
    assert (found.ok, found.problem, found.sequence) == (False, INSERTED, 3)


@STORE
def test_a_forged_record_appended_fails():
    chain = five_minutes()
    me, fifth = member("me"), body(5)
    with session_scope() as session:
        extra = proposals.publish(session, me, proposals.Draft("Лишнее решение", "Никто не голосовал."), NOW)
        forged = {**fifth, "proposal_id": extra.id, "sequence": 6, "previous_head": chain[-1][1]}
        text = minutes.canonical(forged)
        session.add(
            Minute(
                sequence=6,
                proposal_id=extra.id,
                body=text,
                previous_digest=chain[-1][1],
                digest=digest_of(b"not the key", 6, chain[-1][1], text),
                created_at=after(days=9).replace(tzinfo=None),
            )
        )
    found = report()
    assert (found.ok, found.problem, found.sequence) == (False, CHANGED, 6)


@STORE
def test_a_deleted_middle_record_is_removed_renumbered_or_not():
    five_minutes()
    with session_scope() as session:
        session.execute(delete(Minute).where(Minute.sequence == 3))
    assert (report().problem, report().sequence) == (REMOVED, 3)
    with session_scope() as session:
        for sequence in (4, 5):
            session.execute(update(Minute).where(Minute.sequence == sequence).values(sequence=sequence - 1))
    assert (report().problem, report().sequence) == (REMOVED, 3)


@STORE
def test_swapped_records_are_reordered():
    five_minutes()
    with session_scope() as session:
        session.execute(update(Minute).where(Minute.sequence == 3).values(sequence=99))
        session.execute(update(Minute).where(Minute.sequence == 4).values(sequence=3))
        session.execute(update(Minute).where(Minute.sequence == 99).values(sequence=4))
    assert (report().problem, report().sequence) == (REORDERED, 3)


@STORE
def test_deleting_the_newest_records_is_caught_by_a_published_head():
    chain = five_minutes()
    published = chain[-1][1]
    with session_scope() as session:
        newest = session.execute(select(Minute.proposal_id).where(Minute.sequence >= 4)).scalars().all()
        session.execute(delete(Minute).where(Minute.sequence >= 4))
        # the closes are hidden too: only the published head can tell
        session.execute(update(Proposal).where(Proposal.id.in_(newest)).values(status="open"))
    assert report().ok is True
    found = report([published])
    assert (found.ok, found.problem, found.sequence, found.records) == (False, TRUNCATED, 4, 3)
    assert report([chain[2][1]]).ok is True  # a head published before the deleted ones is still in the chain


@STORE
def test_deleting_the_newest_record_of_a_closed_proposal_is_removed():
    five_minutes()
    with session_scope() as session:
        session.execute(delete(Minute).where(Minute.sequence == 5))
    assert (report().problem, report().sequence) == (REMOVED, 5)


@STORE
def test_a_wrong_key_fails_from_the_first_record():
    five_minutes()
    found = report(key=b"another key")
    assert (found.ok, found.problem, found.sequence) == (False, CHANGED, 1)


def test_the_key_file_is_created_once_owner_only(tmp_path, monkeypatch):
    monkeypatch.delenv("GOV_MINUTES_KEY", raising=False)
    path = tmp_path / "var" / "governance-minutes.key"
    monkeypatch.setenv("GOV_MINUTES_KEY_FILE", str(path))
    key = minutes.minutes_key()
    assert len(key) == 64 and minutes.minutes_key() == key
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    monkeypatch.setenv("GOV_MINUTES_KEY", "from the environment")
    assert minutes.minutes_key() == b"from the environment"
