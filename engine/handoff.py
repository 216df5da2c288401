"""Requests for a human operator."""

from __future__ import annotations

from typing import Dict, List, Optional

from sqlalchemy.orm import Session

from engine import audit
from engine.store.models import HandoffRequest


def open_request(
    session: Session,
    *,
    channel: str,
    external_id: str,
    resident_id: Optional[int],
    transcript: List[Dict[str, str]],
    reason: str,
) -> HandoffRequest:
    """Records the request with the conversation so far, for the operator who picks it up."""
    request = HandoffRequest(
        resident_id=resident_id,
        channel=channel,
        external_id=external_id,
        transcript=transcript,
        reason=reason,
        status="open",
    )
    session.add(request)
    session.flush()
    audit.record(
        session,
        skill="core",
        action="handoff_requested",
        resident_id=resident_id,
        details={"handoff_id": request.id, "reason": reason},
    )
    return request
