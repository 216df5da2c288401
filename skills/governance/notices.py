"""What the cooperative's members are told of its votes, in their own conversations (engine.sdk
`notify_resident`): a vote that opens, and the result of a vote that closed with the new head of the minutes'
chain. The notice action (actions/vote_jobs.py) says them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy.orm import Session

from engine.sdk import member_ids, notify_resident, schedule_job

from .models import Proposal

SKILL = "governance"
NOTICE_INTENT = "EXTERNAL_gov_vote_notice"
CLOSE_INTENT = "EXTERNAL_gov_close_vote"
KIND, PROPOSAL, HEAD = "gov_notice_kind", "gov_notice_proposal", "gov_notice_head"
OPENED, RESULT = "opened", "result"
RESULT_KEPT = timedelta(days=14)  # a result notice not delivered by then is dropped


def schedule_close(session: Session, proposal: Proposal) -> int:
    """The job that closes the vote at its deadline (moved, not doubled, when scheduled again)."""
    return schedule_job(
        session,
        skill=SKILL,
        name=f"close-{proposal.id}",
        intent=CLOSE_INTENT,
        at=proposal.closes_at,
        entities={"proposal_id": str(proposal.id)},
    )


def tell_members(
    session: Session,
    proposal: Proposal,
    kind: str,
    at: datetime,
    head: Optional[str] = None,
    expires_after: Optional[timedelta] = None,
) -> int:
    """Schedules the notice `kind` of the proposal for every member with a channel; how many."""
    entities = {KIND: kind, PROPOSAL: str(proposal.id), **({HEAD: head} if head else {})}
    told = 0
    for member in member_ids(session):
        scheduled = notify_resident(
            session,
            member,
            skill=SKILL,
            name=f"{kind}-{proposal.id}",
            intent=NOTICE_INTENT,
            at=at,
            entities=entities,
            expires_after=expires_after,
        )
        told += scheduled is not None
    return told


def tell_opening(session: Session, proposal: Proposal) -> int:
    """Members hear when the vote opens; the notice lapses when the vote closes."""
    return tell_members(
        session, proposal, OPENED, proposal.opens_at, expires_after=proposal.closes_at - proposal.opens_at
    )


def tell_result(session: Session, proposal: Proposal, head: str, now: datetime) -> int:
    return tell_members(session, proposal, RESULT, now, head=head, expires_after=RESULT_KEPT)
