"""Opening proposals whose review is over, and closing votes at their deadline.

A close is one conditional UPDATE (open -> closed, only once the deadline has passed): of two closers running at
once, on any number of workers, exactly one moves the status and goes on to count the votes, decide the outcome
(decisions.py), apply an adopted parameter change, write the minute (minutes.py) and tell the members; the other
finds nothing to do. The close job (EXTERNAL_gov_close_vote) and every read that meets an overdue vote call it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import List, Optional

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from engine.sdk import clock, member_count, set_parameter

from . import decisions, minutes, notices
from .ballots import choice_counts
from .models import CLOSED, OPEN, REVIEW, Proposal, Vote


@dataclass(frozen=True)
class Closed:
    proposal: Proposal
    outcome: decisions.Outcome
    minute_sequence: int
    head: str  # the digest of its minute: the chain's new head


def stored(now: datetime) -> datetime:
    """A moment as the store keeps it (naive UTC); an aware one is converted."""
    return clock.to_store(now)


def open_due(session: Session, now: datetime, proposal_id: Optional[int] = None) -> int:
    """Opens the proposals (or the one) whose review is over; how many."""
    conditions = [Proposal.status == REVIEW, Proposal.opens_at <= stored(now)]
    if proposal_id is not None:
        conditions.append(Proposal.id == proposal_id)
    result = session.execute(
        update(Proposal).where(*conditions).values(status=OPEN).execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def counts_of(session: Session, proposal_id: int) -> decisions.Counts:
    rows = session.execute(
        select(Vote.choice, func.count(Vote.id)).where(Vote.proposal_id == proposal_id).group_by(Vote.choice)
    ).all()
    return decisions.Counts.of(choice_counts([(choice, count) for choice, count in rows]))


def applied_from(proposal: Proposal, close_day: date) -> date:
    """A change applies from the day the proposal names, never before the close; by default the day after."""
    if proposal.effective_from is None:
        return close_day + timedelta(days=1)
    return max(proposal.effective_from, close_day)


def close(session: Session, proposal_id: int, now: datetime, notify: bool = True) -> Optional[Closed]:
    """Closes the vote if it is open and its deadline has passed; None when there was nothing to close here
    (not due, closed already, or closed by another worker at the same moment)."""
    moment = stored(now)
    open_due(session, moment, proposal_id)
    result = session.execute(
        update(Proposal)
        .where(Proposal.id == proposal_id, Proposal.status == OPEN, Proposal.closes_at <= moment)
        .values(status=CLOSED, closed_at=moment)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return None
    proposal = session.get(Proposal, proposal_id, populate_existing=True)
    close_day = clock.to_local(moment).date()
    counts = counts_of(session, proposal_id)
    electorate = member_count(session, close_day)
    decided = decisions.outcome(counts, electorate, decisions.config().rules(proposal.kind))
    proposal.votes_for, proposal.votes_against, proposal.votes_abstain = (
        counts.votes_for,
        counts.against,
        counts.abstain,
    )
    proposal.electorate, proposal.outcome, proposal.outcome_reason = electorate, decided.value, decided.reason
    if decided.adopted and proposal.parameter and proposal.parameter_value is not None:
        proposal.applied_from = applied_from(proposal, close_day)
        set_parameter(
            session,
            proposal.parameter,
            Decimal(proposal.parameter_value),
            effective_from=proposal.applied_from,
            source=f"governance:proposal:{proposal.id}",
        )
    minute = minutes.append(session, proposal, moment)
    if notify:
        notices.tell_result(session, proposal, minute.digest, moment)
    return Closed(proposal, decided, minute.sequence, minute.digest)


def close_due(session: Session, now: datetime, notify: bool = True) -> List[int]:
    """Opens what is due and closes every vote whose deadline has passed; the ids this call closed."""
    moment = stored(now)
    open_due(session, moment)
    due = session.execute(
        select(Proposal.id)
        .where(Proposal.status == OPEN, Proposal.closes_at <= moment)
        .order_by(Proposal.closes_at, Proposal.id)
    ).scalars()
    return [proposal_id for proposal_id in list(due) if close(session, proposal_id, moment, notify)]
