"""Closing votes (SQLite and PostgreSQL): only after the deadline and only once, also with two closers at once; the
outcome and counts written, an adopted commission read back through the engine, the minute chained and the
members told with the new head."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from engine.sdk import parameter_changes, parameter_value, session_scope
from engine.testing import at_once, scheduled_notifications
from skills.governance import closing, minutes, notices
from skills.governance.models import CLOSED, OPEN, Minute, Proposal

from .conftest import NOW, TODAY
from .votes_fixtures import (
    COMMISSION,
    DISCOUNT,
    STANDARD,
    after,
    proposal_row,
    votes_store,  # noqa: F401 (a fixture)
)

pytestmark = pytest.mark.usefixtures("votes_store")

DEADLINE = after(minutes=20)


def close(proposal_id, now=DEADLINE):
    with session_scope() as session:
        closed = closing.close(session, proposal_id, now)
        return None if closed is None else (closed.outcome.reason, closed.minute_sequence, closed.head)


def test_closed_after_the_deadline_once_with_the_commission_applied_and_members_told():
    with session_scope() as session:
        before = parameter_value(session, "commission_percent", TODAY)
    assert before != Decimal(7)
    assert close(COMMISSION, DEADLINE - timedelta(seconds=1)) is None
    assert proposal_row(COMMISSION).status == OPEN
    reason, sequence, head = close(COMMISSION)
    assert (reason, sequence) == ("majority", 3)
    assert close(COMMISSION, DEADLINE + timedelta(hours=1)) is None
    row = proposal_row(COMMISSION)
    assert (row.status, row.outcome, row.outcome_reason) == (CLOSED, "adopted", "majority")
    assert (row.votes_for, row.votes_against, row.votes_abstain, row.electorate) == (4, 1, 0, 6)
    with session_scope() as session:
        assert minutes.head(session) == head
        assert len(session.execute(select(Minute)).all()) == 3
        # the demo's commission applies from the day the vote closes, and not a day earlier
        assert parameter_value(session, "commission_percent", TODAY - timedelta(days=1)) == before
        assert parameter_value(session, "commission_percent", TODAY) == Decimal("7.00")
        assert parameter_changes(session, "commission_percent")[-1] == (
            TODAY,
            Decimal("7.00"),
            "governance:proposal:1",
        )
    assert proposal_row(COMMISSION).applied_from == TODAY
    told = [
        (entities, conversation)
        for _, name, _, entities, conversation in scheduled_notifications()
        if name == f"{notices.RESULT}-{COMMISSION}"
    ]
    assert len(told) == 6
    assert all(entities[notices.HEAD] == head and entities[notices.PROPOSAL] == "1" for entities, _ in told)
    assert {conversation for _, conversation in told} >= {"rest:me", "rest:member-anna"}


def test_a_stated_day_applies_but_never_before_the_close():
    later, earlier = date(2027, 1, 1), date(2026, 11, 1)
    with session_scope() as session:
        session.execute(update(Proposal).where(Proposal.id == COMMISSION).values(effective_from=later))
    close(COMMISSION)
    assert proposal_row(COMMISSION).applied_from == later
    with session_scope() as session:
        assert parameter_value(session, "commission_percent", date(2026, 12, 31)) != Decimal(7)
        assert parameter_value(session, "commission_percent", later) == Decimal("7.00")
    assert closing.applied_from(proposal_row(COMMISSION), TODAY) == later
    row = proposal_row(COMMISSION)
    row.effective_from = earlier
    assert closing.applied_from(row, TODAY) == TODAY


def test_a_vote_without_quorum_changes_nothing():
    with session_scope() as session:
        session.execute(
            update(Proposal).where(Proposal.id == STANDARD).values(parameter="commission_percent")
        )
        session.execute(update(Proposal).where(Proposal.id == STANDARD).values(parameter_value=Decimal(5)))
    with session_scope() as session:
        before = parameter_changes(session, "commission_percent")
    reason, _, _ = close(STANDARD, after(days=5, minutes=1))
    assert reason == "no_quorum" and proposal_row(STANDARD).outcome == "rejected"
    with session_scope() as session:
        assert parameter_changes(session, "commission_percent") == before


def test_two_closers_at_once_close_once():
    results = at_once(lambda _: close(COMMISSION), [1, 2, 3])
    assert sorted(r is not None for r in results) == [False, False, True]
    with session_scope() as session:
        assert [m.sequence for m in session.execute(select(Minute).order_by(Minute.sequence)).scalars()] == [
            1,
            2,
            3,
        ]
        assert minutes.verify_chain(session).ok
    told = [
        name for _, name, _, _, _ in scheduled_notifications() if name == f"{notices.RESULT}-{COMMISSION}"
    ]
    assert len(told) == 6


def test_reviews_open_and_due_votes_close_together_chained_in_order():
    later = after(days=6)
    with session_scope() as session:
        assert closing.open_due(session, NOW) == 0
        assert closing.open_due(session, after(minutes=90)) == 1
        session.execute(update(Proposal).where(Proposal.id == DISCOUNT).values(status="review"))
        assert closing.close_due(session, later) == [COMMISSION, STANDARD]
        assert closing.close_due(session, later) == []
        chain = minutes.verify_chain(session)
        assert (chain.ok, chain.records) == (True, 4)
    assert proposal_row(DISCOUNT).status == OPEN  # its review ended on the way; its vote runs another day
    with session_scope() as session:
        assert closing.open_due(session, later) == 0


def test_different_votes_closing_at_once_get_distinct_minutes():
    later = after(days=8)
    results = at_once(lambda number: close(number, later), [COMMISSION, STANDARD, DISCOUNT])
    assert sorted(sequence for _, sequence, _ in results) == [3, 4, 5]
    with session_scope() as session:
        assert minutes.verify_chain(session).ok
