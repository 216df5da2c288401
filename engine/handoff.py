"""Requests for a human operator: opened by the bot (`human_handoff`), then taken, answered and closed by an
operator at the desk (connectors/desk.py).

A request goes open → taken → closed. Taking is one conditional UPDATE, so of two operators who take the same
request at the same moment exactly one gets it; only the operator who took a request answers and closes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, List, Optional

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine import audit
from engine.channels import identity_conversation
from engine.residents import mask_phone
from engine.store.base import utcnow
from engine.store.models import HandoffRequest, Resident

OPEN = "open"
TAKEN = "taken"
CLOSED = "closed"
ACTIVE = (OPEN, TAKEN)
QUEUE_LIMIT = 200  # active requests the desk lists at most, oldest first
MAX_OPERATOR = 64


def open_request(
    session: Session,
    *,
    channel: str,
    external_id: str,
    resident_id: Optional[int],
    transcript: List[Dict[str, str]],
    reason: str,
    conversation_id: Optional[str] = None,
) -> HandoffRequest:
    """Records the request with the conversation so far, for the operator who picks it up. A conversation that
    already waits in the queue keeps its one request (with the newer transcript): one resident, one queue entry."""
    conversation = conversation_id or identity_conversation(channel, external_id)
    request = session.execute(
        select(HandoffRequest)
        .where(HandoffRequest.conversation_id == conversation, HandoffRequest.status == OPEN)
        .order_by(HandoffRequest.id)
        .limit(1)
    ).scalar_one_or_none()
    if request is None:
        request = HandoffRequest(
            resident_id=resident_id,
            channel=channel,
            external_id=external_id,
            conversation_id=conversation,
            status=OPEN,
            transcript=transcript,
            reason=reason,
        )
        session.add(request)
    else:
        request.transcript, request.reason = transcript, reason
    session.flush()
    audit.record(
        session,
        skill="core",
        action="handoff_requested",
        resident_id=resident_id,
        details={"handoff_id": request.id, "reason": reason},
    )
    return request


@dataclass(frozen=True)
class QueueEntry:
    """An open or taken request as the desk lists it."""

    id: int
    status: str
    channel: str
    external_id: str
    conversation_id: str
    resident_id: Optional[int]
    phone: Optional[str]  # masked
    reason: str
    transcript: List[Dict[str, Any]]
    operator: Optional[str]
    created_at: datetime
    taken_at: Optional[datetime]

    def as_json(self) -> Dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "channel": self.channel,
            "external_id": self.external_id,
            "conversation_id": self.conversation_id,
            "resident_id": self.resident_id,
            "phone": self.phone,
            "reason": self.reason,
            "transcript": self.transcript,
            "operator": self.operator,
            "created_at": _iso(self.created_at),
            "taken_at": _iso(self.taken_at),
        }


def _iso(moment: Optional[datetime]) -> Optional[str]:
    return moment.isoformat(timespec="seconds") + "Z" if moment else None


def active_requests(session: Session, limit: int = QUEUE_LIMIT) -> List[QueueEntry]:
    """Open and taken requests, oldest first, with the resident's masked phone when they linked one."""
    rows = session.execute(
        select(HandoffRequest, Resident.phone)
        .outerjoin(Resident, Resident.id == HandoffRequest.resident_id)
        .where(HandoffRequest.status.in_(ACTIVE))
        .order_by(HandoffRequest.created_at, HandoffRequest.id)
        .limit(limit)
    ).all()
    return [
        QueueEntry(
            id=request.id,
            status=request.status,
            channel=request.channel,
            external_id=request.external_id,
            conversation_id=request.conversation_id,
            resident_id=request.resident_id,
            phone=mask_phone(phone) if phone else None,
            reason=request.reason,
            transcript=list(request.transcript or []),
            operator=request.operator,
            created_at=request.created_at,
            taken_at=request.taken_at,
        )
        for request, phone in rows
    ]


def find(session: Session, request_id: int) -> Optional[HandoffRequest]:
    """The request as the database has it now (not as this session saw it before an UPDATE)."""
    return session.get(HandoffRequest, request_id, populate_existing=True)


def take(session: Session, request_id: int, operator: str, now: Optional[datetime] = None) -> bool:
    """Gives an open request to `operator`; False when it is not open (another operator was first, or it is
    closed). Atomic: the status is checked by the UPDATE itself. Taking one's own request again is True."""
    now = now or utcnow()
    result = session.execute(
        update(HandoffRequest)
        .where(HandoffRequest.id == request_id, HandoffRequest.status == OPEN)
        .values(status=TAKEN, operator=operator, taken_at=now)
        .execution_options(synchronize_session=False)
    )
    request = find(session, request_id)
    if not result.rowcount:
        return request is not None and request.status == TAKEN and request.operator == operator
    _record(session, request, "handoff_taken", operator)
    return True


def _record(session: Session, request: Optional[HandoffRequest], action: str, operator: str) -> None:
    """The audit record of an operator's step on a request."""
    if request is not None:
        audit.record(
            session,
            skill="core",
            action=action,
            resident_id=request.resident_id,
            details={"handoff_id": request.id, "operator": operator},
        )


def record_reply(
    session: Session, request_id: int, resident_id: Optional[int], operator: str, text: str, delivered: bool
) -> None:
    """The audit record of an operator's answer: its length, not its words (they stay in the conversation)."""
    audit.record(
        session,
        skill="core",
        action="handoff_replied",
        resident_id=resident_id,
        details={"handoff_id": request_id, "operator": operator, "chars": len(text), "delivered": delivered},
    )


def close(session: Session, request_id: int, operator: str, now: Optional[datetime] = None) -> bool:
    """Closes a request `operator` took; False when it is not theirs or not taken (closed already, say)."""
    result = session.execute(
        update(HandoffRequest)
        .where(
            HandoffRequest.id == request_id,
            HandoffRequest.status == TAKEN,
            HandoffRequest.operator == operator,
        )
        .values(status=CLOSED, closed_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:
        return False
    _record(session, find(session, request_id), "handoff_closed", operator)
    return True


def held_by_operator(session: Session, conversation: str) -> bool:
    """Whether an operator has taken a request of this conversation and not closed it yet."""
    found = session.execute(
        select(HandoffRequest.id).where(
            HandoffRequest.conversation_id == conversation, HandoffRequest.status == TAKEN
        )
    ).first()
    return found is not None
