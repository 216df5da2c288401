"""The cooperative's proposals and votes in the store: publishing a proposal, what is open or in review, a member's
vote, and the demo proposals.

A member has one vote per proposal: the first vote inserts it, a later one changes it in place (INSERT ... ON
CONFLICT DO UPDATE on the unique (proposal, member)), until the deadline. A vote first takes the proposal's row
with a conditional UPDATE that holds only while the vote is open: a close running at the same moment waits for the
vote (and counts it) or the vote waits for the close (and is refused), on PostgreSQL and SQLite alike.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

from sqlalchemy import func, select, update
from sqlalchemy import text as sql
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.sdk import clock, is_member, resident_for

from . import closing, decisions, notices
from .closing import stored
from .models import CLOSED, OPEN, REVIEW, WITHDRAWN, Proposal, Vote

TITLE_MAX, TEXT_MAX = 200, 4000
REPEAT_WINDOW = timedelta(minutes=10)  # the same proposal published again this soon is the same one
LOCK_SPACE = 0x676F7670  # the first key of the proposers' advisory locks on PostgreSQL ("govp")
DEMO_CHANNEL = "rest"
_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}

# What became of a vote.
CAST, CHANGED, SAME = "cast", "changed", "same"
NOT_MEMBER, NOT_OPEN_YET, CLOSED_ALREADY, UNKNOWN = "not_member", "not_open_yet", "closed", "unknown"


@dataclass(frozen=True)
class Draft:
    """A proposal as the proposer wrote it; `parameter` and `value` when it changes a parameter."""

    title: str
    text: str
    parameter: Optional[str] = None
    value: Optional[Decimal] = None
    effective_from: Optional[date] = None


@dataclass(frozen=True)
class Ballot:
    status: str
    proposal: Optional[Proposal]
    previous: Optional[str] = None  # the member's choice before this vote


def clean(text: str, limit: int) -> str:
    """Text as stored: control and format characters dropped (a NUL, a terminal escape, a right-to-left override),
    spaces collapsed, cut to the column's length."""
    kept = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in str(text or ""))
    return " ".join(kept.split())[:limit]


def _lock_proposer(session: Session, proposer: int) -> None:
    """Until the unit of work ends, the proposer's other publications wait (PostgreSQL: an advisory lock on the
    proposer; SQLite: every unit of work holds the write lock already): one confirmation sent twice at once finds
    the proposal the first one published."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            sql("SELECT pg_advisory_xact_lock(:space, :proposer)"),
            {"space": LOCK_SPACE, "proposer": proposer},
        )


def publish(session: Session, proposer: int, draft: Draft, now: datetime) -> Proposal:
    """Publishes the proposal for review; voting opens after the review window and closes after the voting
    duration (decisions.yml). Schedules the close and the members' notice of the opening. The same proposal
    published again within minutes (a confirmation answered twice) is the one published first."""
    moment = stored(now)
    title, text = clean(draft.title, TITLE_MAX), clean(draft.text, TEXT_MAX)
    _lock_proposer(session, proposer)
    repeated = (
        session.execute(
            select(Proposal).where(
                Proposal.proposer_id == proposer,
                Proposal.title == title,
                Proposal.text == text,
                Proposal.created_at >= moment - REPEAT_WINDOW,
            )
        )
        .scalars()
        .first()
    )
    if repeated is not None:
        return repeated
    config = decisions.config()
    opens = moment + config.review
    proposal = Proposal(
        title=title,
        text=text,
        kind=config.kind_of(draft.parameter),
        parameter=draft.parameter,
        parameter_value=draft.value if draft.parameter else None,
        effective_from=draft.effective_from if draft.parameter else None,
        proposer_id=proposer,
        status=REVIEW if config.review else OPEN,
        created_at=moment,
        opens_at=opens,
        closes_at=opens + config.voting,
    )
    session.add(proposal)
    session.flush()
    notices.schedule_close(session, proposal)
    notices.tell_opening(session, proposal)
    return proposal


def refresh(session: Session, now: datetime) -> None:
    """Opens what is due and closes what is overdue, before anything is shown."""
    closing.close_due(session, now)


def open_proposals(session: Session, now: datetime) -> List[Proposal]:
    """Open votes, the soonest deadline first."""
    return list(
        session.execute(
            select(Proposal)
            .where(Proposal.status == OPEN, Proposal.closes_at > stored(now))
            .order_by(Proposal.closes_at, Proposal.id)
        ).scalars()
    )


def in_review(session: Session) -> List[Proposal]:
    return list(
        session.execute(
            select(Proposal).where(Proposal.status == REVIEW).order_by(Proposal.opens_at, Proposal.id)
        ).scalars()
    )


def closed_proposals(session: Session, limit: int = 5) -> List[Proposal]:
    """Closed votes, the latest first."""
    return list(
        session.execute(
            select(Proposal)
            .where(Proposal.status == CLOSED)
            .order_by(Proposal.closed_at.desc(), Proposal.id.desc())
            .limit(limit)
        ).scalars()
    )


def proposals_of(session: Session, proposer: int, limit: int = 5) -> List[Proposal]:
    """The resident's own proposals, the latest first."""
    return list(
        session.execute(
            select(Proposal)
            .where(Proposal.proposer_id == proposer)
            .order_by(Proposal.created_at.desc(), Proposal.id.desc())
            .limit(limit)
        ).scalars()
    )


def voters(session: Session, proposal_ids: Iterable[int]) -> Dict[int, int]:
    """{proposal id: how many members have voted so far}."""
    ids = list(proposal_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(Vote.proposal_id, func.count(Vote.id))
        .where(Vote.proposal_id.in_(ids))
        .group_by(Vote.proposal_id)
    ).all()
    found = {proposal_id: int(count) for proposal_id, count in rows}
    return {proposal_id: found.get(proposal_id, 0) for proposal_id in ids}


def own_votes(session: Session, member: int, proposal_ids: Iterable[int]) -> Dict[int, str]:
    """{proposal id: the member's choice} of the proposals the member voted on."""
    ids = list(proposal_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(Vote.proposal_id, Vote.choice).where(Vote.member_id == member, Vote.proposal_id.in_(ids))
    ).all()
    return {int(proposal_id): str(choice) for proposal_id, choice in rows}


def cast_vote(session: Session, proposal_id: int, member: int, choice: str, now: datetime) -> Ballot:
    """Records or changes the member's vote while the proposal is open."""
    if choice not in decisions.CHOICES:
        raise ValueError(f"not a vote choice: {choice!r}")
    moment = stored(now)
    proposal = session.get(Proposal, proposal_id)
    if proposal is None or proposal.status == WITHDRAWN:
        return Ballot(UNKNOWN, None)
    if not is_member(session, member, clock.to_local(moment).date()):
        return Ballot(NOT_MEMBER, proposal)
    closing.open_due(session, moment, proposal_id)
    held = session.execute(
        update(Proposal)
        .where(
            Proposal.id == proposal_id,
            Proposal.status == OPEN,
            Proposal.opens_at <= moment,
            Proposal.closes_at > moment,
        )
        .values(status=Proposal.status)
        .execution_options(synchronize_session=False)
    )
    if held.rowcount != 1:
        session.refresh(proposal)
        if proposal.status == REVIEW:
            return Ballot(NOT_OPEN_YET, proposal)
        closing.close(session, proposal_id, moment)
        session.refresh(proposal)
        return Ballot(CLOSED_ALREADY, proposal)
    previous = session.execute(
        select(Vote.choice).where(Vote.proposal_id == proposal_id, Vote.member_id == member)
    ).scalar_one_or_none()
    table = Vote.__table__
    insert = _INSERT[session.get_bind().dialect.name](table).values(
        proposal_id=proposal_id, member_id=member, choice=choice, cast_at=moment, changes=0
    )
    session.execute(
        insert.on_conflict_do_update(
            index_elements=[table.c.proposal_id, table.c.member_id],
            set_={
                "choice": insert.excluded.choice,
                "changed_at": insert.excluded.cast_at,
                "changes": table.c.changes + 1,
            },
            where=table.c.choice != insert.excluded.choice,
        )
    )
    status = CAST if previous is None else SAME if previous == choice else CHANGED
    return Ballot(status, proposal, previous)


# ---- demo ----


def _demo_moment(today: date) -> datetime:
    """The demo's "now" in the store: the present moment when the demo loads today, else noon of `today`."""
    now = clock.now()
    if now.date() != today:
        now = datetime.combine(today, time(12, 0), tzinfo=clock.local_zone())
    return stored(now).replace(microsecond=0)


def _demo_times(item: Mapping[str, Any], moment: datetime) -> Dict[str, Any]:
    """opens_at, closes_at and status of a demo proposal from its offsets relative to the load moment."""
    config = decisions.config()
    if item.get("status") == CLOSED:
        closes = moment - timedelta(days=float(item["closed_days_ago"]))
        return {"status": OPEN, "opens_at": closes - config.voting, "closes_at": closes}
    if item.get("status") == REVIEW:
        opens = moment + timedelta(minutes=float(item["opens_in_minutes"]))
        return {"status": REVIEW, "opens_at": opens, "closes_at": opens + config.voting}
    closes = moment + timedelta(
        days=float(item.get("closes_in_days", 0)), minutes=float(item.get("closes_in_minutes", 0))
    )
    opens = moment - timedelta(hours=float(item.get("opened_hours_ago", 24)))
    return {"status": OPEN, "opens_at": opens, "closes_at": closes}


def _demo_votes(session: Session, proposal: Proposal, votes: Mapping[str, Sequence[str]]) -> None:
    for choice, senders in (votes or {}).items():
        for number, sender in enumerate(senders):
            session.add(
                Vote(
                    proposal_id=proposal.id,
                    member_id=resident_for(session, DEMO_CHANNEL, sender),
                    choice=choice,
                    cast_at=proposal.opens_at + timedelta(hours=1 + number),
                    changes=0,
                )
            )


def seed_demo(session: Session, data: List[Any], today: date) -> None:
    """The demo proposals of demo.yml: closed ones are closed in the order of their deadlines (so their minutes
    chain), open and review ones get their close jobs (and the opening notice)."""
    moment = _demo_moment(today)
    config = decisions.config()
    created = []
    for item in data:
        times = _demo_times(item, moment)
        parameter = item.get("parameter")
        proposal = Proposal(
            title=item["title"],
            text=" ".join(str(item["text"]).split()),
            kind=config.kind_of(parameter),
            parameter=parameter,
            parameter_value=Decimal(str(item["value"])) if parameter else None,
            effective_from=today + timedelta(days=int(item["effective_in_days"]))
            if parameter and "effective_in_days" in item
            else None,
            proposer_id=resident_for(session, DEMO_CHANNEL, item["proposer"]),
            created_at=times["opens_at"] - config.review,
            **times,
        )
        session.add(proposal)
        session.flush()
        _demo_votes(session, proposal, item.get("votes") or {})
        created.append((item, proposal))
    session.flush()
    for item, proposal in sorted(created, key=lambda pair: pair[1].closes_at):
        if item.get("status") == CLOSED:
            closing.close(session, proposal.id, proposal.closes_at, notify=False)
        else:
            notices.schedule_close(session, proposal)
            if proposal.status == REVIEW:
                notices.tell_opening(session, proposal)
