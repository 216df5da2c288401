"""Proposals and votes in the store (SQLite and PostgreSQL): what is open, a member's vote changed in place until
the deadline, non-members, a vote before the review ends and after the deadline, the same member twice at once,
a vote racing the close, publishing (and publishing twice), hostile text."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from engine.sdk import clock, session_scope
from engine.testing import at_once, scheduled_notifications
from skills.governance import proposals
from skills.governance.models import CLOSED, OPEN, REVIEW, Vote
from skills.governance.proposals import (
    CAST,
    CHANGED,
    CLOSED_ALREADY,
    NOT_MEMBER,
    NOT_OPEN_YET,
    SAME,
    UNKNOWN,
    Draft,
    cast_vote,
)

from .conftest import NOW
from .votes_fixtures import (
    COMMISSION,
    DISCOUNT,
    MEETINGS,
    REVIEWS,
    STANDARD,
    after,
    member,
    proposal_row,
    votes_store,  # noqa: F401 (a fixture)
)

pytestmark = pytest.mark.usefixtures("votes_store")


def vote(sender, proposal_id, choice, now=NOW):
    voter = member(sender)
    with session_scope() as session:
        ballot = cast_vote(session, proposal_id, voter, choice, now)
        return ballot.status, ballot.previous


def votes_of(proposal_id):
    with session_scope() as session:
        rows = session.execute(
            select(Vote).where(Vote.proposal_id == proposal_id).order_by(Vote.id)
        ).scalars()
        return [(r.member_id, r.choice, r.changes) for r in rows]


def test_the_demo_agenda():
    anna = member("member-anna")
    with session_scope() as session:
        proposals.refresh(session, NOW)
        assert [p.id for p in proposals.open_proposals(session, NOW)] == [COMMISSION, STANDARD]
        assert [p.id for p in proposals.in_review(session)] == [DISCOUNT]
        assert [p.id for p in proposals.closed_proposals(session)] == [MEETINGS, REVIEWS]
        assert proposals.voters(session, [COMMISSION, STANDARD, DISCOUNT]) == {1: 5, 2: 2, 3: 0}
        assert proposals.own_votes(session, anna, [COMMISSION, STANDARD]) == {COMMISSION: "for"}
        assert [p.id for p in proposals.proposals_of(session, anna)] == [COMMISSION]
    commission = proposal_row(COMMISSION)
    assert (commission.kind, commission.parameter, commission.parameter_value) == (
        "parameter",
        "commission_percent",
        Decimal("7.00"),
    )
    assert commission.closes_at == clock.to_store(NOW + timedelta(minutes=20))
    jobs = {
        name for _, name, _, _, conversation in scheduled_notifications() if conversation == "governance-jobs"
    }
    assert jobs == {"close-1", "close-2", "close-3"}


def test_a_member_votes_then_changes_the_vote_in_place():
    assert vote("me", COMMISSION, "for") == (CAST, None)
    assert vote("me", COMMISSION, "against") == (CHANGED, "for")
    assert vote("me", COMMISSION, "against") == (SAME, "against")
    mine = [row for row in votes_of(COMMISSION) if row[0] == member("me")]
    assert mine == [(member("me"), "against", 1)]
    assert len(votes_of(COMMISSION)) == 6


def test_no_vote_of_a_non_member_or_on_an_unknown_proposal_or_choice():
    assert vote("guest", COMMISSION, "for") == (NOT_MEMBER, None)
    assert member("guest") not in [row[0] for row in votes_of(COMMISSION)]
    assert vote("me", 999, "for") == (UNKNOWN, None)
    with pytest.raises(ValueError):
        vote("me", COMMISSION, "maybe")


def test_no_vote_before_the_review_ends_nor_after_the_deadline():
    assert vote("me", DISCOUNT, "for") == (NOT_OPEN_YET, None)
    assert proposal_row(DISCOUNT).status == REVIEW
    assert vote("me", DISCOUNT, "for", after(minutes=91)) == (CAST, None)
    assert proposal_row(DISCOUNT).status == OPEN
    # after the deadline: refused, and the proposal closed on the way
    status, _ = vote("me", COMMISSION, "against", after(minutes=20))
    assert status == CLOSED_ALREADY
    closed = proposal_row(COMMISSION)
    assert (closed.status, closed.outcome, closed.votes_for, closed.votes_against) == (
        CLOSED,
        "adopted",
        4,
        1,
    )
    assert member("me") not in [row[0] for row in votes_of(COMMISSION)]


def test_the_same_member_twice_at_once_keeps_one_vote():
    results = at_once(lambda choice: vote("me", STANDARD, choice), ["for", "against"])
    assert sorted(status for status, _ in results) in ([CAST, CHANGED], [CAST, CAST])
    mine = [row for row in votes_of(STANDARD) if row[0] == member("me")]
    assert len(mine) == 1 and mine[0][1] in ("for", "against")


def test_a_vote_racing_the_close_is_counted_or_refused_never_lost():
    deadline = after(minutes=20)

    def work(kind):
        if kind == "vote":
            return vote("me", COMMISSION, "for", deadline - timedelta(milliseconds=1))[0]
        with session_scope() as session:
            from skills.governance import closing

            return closing.close(session, COMMISSION, deadline) is not None

    voted, closed = at_once(work, ["vote", "close"])
    assert closed is True
    row = proposal_row(COMMISSION)
    counted = row.votes_for + row.votes_against + row.votes_abstain
    assert counted == len(votes_of(COMMISSION))
    assert (voted == CAST) == (counted == 6)


def test_publishing_opens_after_review_and_schedules_the_close_and_the_notices():
    draft = Draft(
        "Снизить взнос до 400 рублей", "Членский взнос 400 рублей в месяц.", "member_fee", Decimal(400)
    )
    me = member("me")
    with session_scope() as session:
        published = proposals.publish(session, me, draft, NOW)
        number = published.id
        again = proposals.publish(session, me, draft, NOW + timedelta(minutes=1))
        assert again.id == number
    row = proposal_row(number)
    assert (row.status, row.kind, row.parameter_value) == (REVIEW, "fee", Decimal("400.00"))
    assert row.opens_at - row.created_at == timedelta(hours=2)
    assert row.closes_at - row.opens_at == timedelta(days=7)
    names = [name for _, name, _, _, _ in scheduled_notifications()]
    assert names.count(f"close-{number}") == 1
    assert names.count(f"opened-{number}") == 6  # every demo member has a REST conversation


def test_hostile_text_is_stored_as_text():
    hostile = "<script>alert(1)</script>'; DROP TABLE gov_votes; -- 🗳️ " + "очень " * 1000
    me = member("me")
    with session_scope() as session:
        published = proposals.publish(session, me, Draft(hostile, hostile), NOW)
        number = published.id
    row = proposal_row(number)
    assert row.title.startswith("<script>alert(1)</script>'; DROP TABLE gov_votes; -- 🗳️")
    assert len(row.title) == proposals.TITLE_MAX and len(row.text) <= proposals.TEXT_MAX
    assert row.parameter is None and votes_of(COMMISSION)
