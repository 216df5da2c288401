"""The contract log: an append-only, hash-chained record of every contract event of an order.

Each record stores `prev_hash` (the hash of the record before it, or 64 zeros for the first) and
`hash = sha256(prev_hash | order_id | kind | payload | created_at)`. Editing, deleting or inserting a record
breaks the chain at that record, and `verify` names it. Appends are serialised (an advisory lock on
PostgreSQL, the database lock on SQLite; `prev_hash` is unique as the last line of defence).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any, Dict, List, Optional

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from engine.sdk import clock, utcnow

from .models import MarketClaim, MarketContractEvent, MarketOrder, MarketWarranty

GENESIS = "0" * 64
APPEND_LOCK = 0x6D61726B  # "mark": the advisory lock key serialising appends on PostgreSQL

ORDER_DONE = "order_done"
WARRANTY_STARTED = "warranty_started"
CLAIM_OPENED = "claim_opened"
CLAIM_REFUSED = "claim_refused"
VISIT_DONE = "visit_done"
RESOLVED = "resolved"  # a claim whose free visit was done


def canonical(payload: Dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def record_hash(prev_hash: str, order_id: int, kind: str, payload: str, created_at: datetime) -> str:
    material = "|".join(
        (prev_hash, str(order_id), kind, payload, created_at.isoformat(timespec="microseconds"))
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def _last_hash(session: Session) -> str:
    last = session.execute(
        select(MarketContractEvent.hash).order_by(MarketContractEvent.id.desc()).limit(1)
    ).scalar_one_or_none()
    return last or GENESIS


def append(session: Session, order_id: int, kind: str, payload: Dict[str, Any]) -> MarketContractEvent:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": APPEND_LOCK})
    session.flush()
    prev_hash = _last_hash(session)
    body = canonical(payload)
    created_at = utcnow()
    event = MarketContractEvent(
        order_id=order_id,
        kind=kind,
        payload=body,
        created_at=created_at,
        prev_hash=prev_hash,
        hash=record_hash(prev_hash, order_id, kind, body, created_at),
    )
    session.add(event)
    session.flush()
    return event


def verify(session: Session) -> Optional[int]:
    """The id of the first record that does not match the chain, or None when the whole log is intact."""
    expected_prev = GENESIS
    for event in session.execute(select(MarketContractEvent).order_by(MarketContractEvent.id)).scalars():
        recomputed = record_hash(event.prev_hash, event.order_id, event.kind, event.payload, event.created_at)
        if event.prev_hash != expected_prev or event.hash != recomputed:
            return event.id
        expected_prev = event.hash
    return None


def events_of(session: Session, order_id: int) -> List[MarketContractEvent]:
    return list(
        session.execute(
            select(MarketContractEvent)
            .where(MarketContractEvent.order_id == order_id)
            .order_by(MarketContractEvent.id)
        ).scalars()
    )


def record_done(session: Session, order: MarketOrder) -> None:
    """A done order starts its warranty; a done warranty visit resolves its claim. Both go to the log."""
    if order.warranty_claim_id:
        claim = session.get(MarketClaim, order.warranty_claim_id)
        claim.status = RESOLVED
        append(
            session,
            claim.order_id,
            VISIT_DONE,
            {"claim_id": claim.id, "visit_order_id": order.id, "done_at": order.done_at.isoformat()},
        )
        return
    offer = order.offer
    starts_on = clock.to_local(order.done_at).date()
    warranty = MarketWarranty(
        order_id=order.id,
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=offer.warranty_days),
        created_at=order.done_at,
    )
    session.add(warranty)
    session.flush()
    append(
        session,
        order.id,
        ORDER_DONE,
        {
            "provider_id": order.provider_id,
            "customer_id": order.customer_id,
            "price": str(order.price),
            "done_at": order.done_at.isoformat(),
        },
    )
    append(
        session,
        order.id,
        WARRANTY_STARTED,
        {
            "warranty_id": warranty.id,
            "starts_on": warranty.starts_on.isoformat(),
            "ends_on": warranty.ends_on.isoformat(),
            "days": offer.warranty_days,
        },
    )
