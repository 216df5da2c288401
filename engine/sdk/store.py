"""The shared store as skills see it: their tables' base, units of work, residents and the audit log."""

from __future__ import annotations

from typing import List, Optional, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import residents
from engine.audit import record as audit_record
from engine.channels import identity_conversation
from engine.store import Base, session_scope, utcnow
from engine.store.models import ChannelIdentity, Payment

__all__ = [
    "Base",
    "Payment",
    "audit_record",
    "channel_identities_of",
    "mask_phone",
    "payment_by_id",
    "resident_for",
    "session_scope",
    "utcnow",
]

mask_phone = residents.mask_phone


def resident_for(session: Session, channel: str, external_id: str) -> int:
    """The resident behind a channel identity (created if new): for demo data and administrators' tools."""
    return residents.identity_for(session, channel, external_id).resident_id


def channel_identities_of(session: Session, resident_id: int) -> List[Tuple[str, str]]:
    """(channel, conversation id) of every channel a resident writes from, oldest first: the conversation to
    deliver into (`telegram:42`, engine/channels.py)."""
    rows = session.execute(
        select(ChannelIdentity.channel, ChannelIdentity.external_id)
        .where(ChannelIdentity.resident_id == resident_id)
        .order_by(ChannelIdentity.id)
    )
    return [(channel, identity_conversation(channel, external_id)) for channel, external_id in rows]


def payment_by_id(session: Session, payment_id: int) -> Optional[Payment]:
    return session.get(Payment, payment_id)
