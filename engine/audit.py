"""The audit log: one append-only record for everything done on a resident's behalf."""

from __future__ import annotations

from typing import Any, Mapping, Optional

from sqlalchemy.orm import Session

from engine.store.models import AuditRecord


def record(
    session: Session,
    *,
    skill: str,
    action: str,
    resident_id: Optional[int] = None,
    details: Optional[Mapping[str, Any]] = None,
) -> AuditRecord:
    """Adds a record in the caller's unit of work, so it commits or rolls back with what it describes."""
    entry = AuditRecord(resident_id=resident_id, skill=skill, action=action, details=dict(details or {}))
    session.add(entry)
    session.flush()
    return entry
