"""Warranty claims: checked automatically against the warranty contract of a done, paid order.

A claim is accepted when the order is the resident's, done, paid and today is within the warranty
(from the day the work was done through `ends_on`, inclusive). An accepted claim books a free repeat visit with
the same provider at their nearest free hour from tomorrow on (or with another provider chosen by dispatch when
the same one has no free time within the search horizon). A refused claim is recorded with its reason.
Accepted and refused claims both go to the contract log.

An order has one open (accepted) claim at a time: another is refused (`claim_open`) until the visit is done or
cancelled. The order's row is locked while a claim is decided, and the store's partial unique index on open claims
refuses a second one whatever happens.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Dict, List, Optional, Tuple

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.sdk import clock, skill_lexicon, utcnow

from . import contract_log, dispatch, ledger, orders
from .lifecycle import order_by_id
from .models import OPEN_CLAIM, MarketClaim, MarketOffer, MarketOrder, MarketWarranty

RECENT_DAYS = 365
ACCEPTED, REFUSED = OPEN_CLAIM, "refused"
WITHOUT_DESCRIPTION = skill_lexicon(__file__)["claim_without_description"]


@dataclass(frozen=True)
class ClaimResult:
    """A claim accepted or refused. `reason` says how: refused as not_yours, claim_not_done, claim_open (another
    claim of the order is open: `claim_id` is that one's), claim_unpaid or claim_expired; accepted with a visit of
    the same_master or of an other_master, or with no_free_time yet.
    `values` are what the answer names (order_id, claim_id, warranty dates, the visit's slot and provider)."""

    accepted: bool
    reason: str
    values: Dict[str, Any] = field(default_factory=dict)
    claim_id: Optional[int] = None
    visit_order_id: Optional[int] = None


def warranty_of(session: Session, order_id: int) -> Optional[MarketWarranty]:
    return session.execute(
        select(MarketWarranty).where(MarketWarranty.order_id == order_id)
    ).scalar_one_or_none()


def claimable_orders(session: Session, customer_id: int, today: date) -> List[MarketOrder]:
    """Done orders of the resident (not warranty visits) from the last year, newest first."""
    since = clock.local_moment(today - timedelta(days=RECENT_DAYS), 0)
    return list(
        session.execute(
            select(MarketOrder)
            .where(
                MarketOrder.customer_id == customer_id,
                MarketOrder.state == orders.DONE,
                MarketOrder.warranty_claim_id.is_(None),
                MarketOrder.done_at >= since,
            )
            .order_by(MarketOrder.done_at.desc(), MarketOrder.id.desc())
        ).scalars()
    )


def _refuse(
    session: Session,
    order: MarketOrder,
    customer_id: int,
    description: str,
    reason: str,
    now: datetime,
    **values: Any,
) -> ClaimResult:
    """A refused claim, recorded with its reason code."""
    claim = MarketClaim(
        order_id=order.id,
        customer_id=customer_id,
        description=description,
        status=REFUSED,
        reason=reason,
        created_at=now,
    )
    session.add(claim)
    session.flush()
    contract_log.append(
        session, order.id, contract_log.CLAIM_REFUSED, {"claim_id": claim.id, "reason": reason}
    )
    return ClaimResult(False, reason, {"order_id": order.id, **values}, claim.id, None)


def _open_claim(session: Session, order_id: int) -> Optional[MarketClaim]:
    return session.execute(
        select(MarketClaim).where(MarketClaim.order_id == order_id, MarketClaim.status == OPEN_CLAIM)
    ).scalar_one_or_none()


def _claim_open(order_id: int, claim: Optional[MarketClaim]) -> ClaimResult:
    return ClaimResult(False, "claim_open", {"order_id": order_id, "claim_id": claim.id if claim else None})


def _visit(session: Session, order: MarketOrder, claim: MarketClaim, now: datetime) -> Optional[MarketOrder]:
    """A free repeat visit: the same provider if free within the horizon, else the best dispatch candidate."""
    tomorrow = clock.local_moment(clock.to_local(now).date() + timedelta(days=1), 0)
    offer = session.get(MarketOffer, order.offer_id)
    slot = dispatch.nearest_free_slot(session, order.provider, tomorrow, offer.duration_minutes, now=now)
    if slot is None:
        offer, slot = _other_provider(session, order, tomorrow, now)
        if slot is None:
            return None
    try:
        return orders.book_order(
            session, order.customer_id, offer, order.address, slot, Decimal("0.00"), claim.id, now
        )
    except orders.SlotTaken:
        return None


def _other_provider(
    session: Session, order: MarketOrder, after: datetime, now: datetime
) -> Tuple[Optional[MarketOffer], Optional[datetime]]:
    for day in range(dispatch.SEARCH_HORIZON_DAYS):
        local_day = clock.to_local(after).date() + timedelta(days=day)
        for hour in range(24):
            start = clock.local_moment(local_day, hour)
            found = dispatch.candidates(
                session, order.category, start, exclude_provider_ids=[order.provider_id], now=now
            )
            if found:
                return found[0].offer, start
    return None, None


def open_claim(
    session: Session, customer_id: int, order_id: int, description: str, now: Optional[datetime] = None
) -> ClaimResult:
    now = clock.to_store(now) if now is not None else utcnow()
    today = clock.to_local(now).date()
    order = order_by_id(session, order_id, lock=True)
    if order is None or order.customer_id != customer_id:
        return ClaimResult(False, "not_yours", {"order_id": order_id})
    description = (description or "").strip() or WITHOUT_DESCRIPTION
    warranty = warranty_of(session, order.id)
    if order.state != orders.DONE or warranty is None:
        return ClaimResult(False, "claim_not_done", {"order_id": order.id})
    already = _open_claim(session, order.id)
    if already is not None:
        return _claim_open(order.id, already)
    if not ledger.is_paid(session, order.id):
        return _refuse(session, order, customer_id, description, "claim_unpaid", now)
    if not warranty.starts_on <= today <= warranty.ends_on:
        return _refuse(
            session,
            order,
            customer_id,
            description,
            "claim_expired",
            now,
            starts_on=warranty.starts_on,
            ends_on=warranty.ends_on,
            today=today,
        )
    claim = MarketClaim(
        order_id=order.id,
        customer_id=customer_id,
        description=description,
        status=ACCEPTED,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(claim)
            session.flush()
    except IntegrityError:  # opened by another worker a moment ago: the store's index let only one in
        return _claim_open(order.id, _open_claim(session, order.id))
    visit = _visit(session, order, claim, now)
    claim.visit_order_id = visit.id if visit is not None else None
    contract_log.append(
        session,
        order.id,
        contract_log.CLAIM_OPENED,
        {
            "claim_id": claim.id,
            "description": description,
            "visit_order_id": claim.visit_order_id,
            "warranty_ends_on": warranty.ends_on.isoformat(),
        },
    )
    values = {
        "claim_id": claim.id,
        "order_id": order.id,
        "category": order.category,
        "ends_on": warranty.ends_on,
    }
    if visit is None:
        return ClaimResult(True, "no_free_time", values, claim.id, None)
    how = "same_master" if visit.provider_id == order.provider_id else "other_master"
    values.update(slot=visit.slot_start, provider=visit.provider.name, visit_id=visit.id)
    return ClaimResult(True, how, values, claim.id, visit.id)
