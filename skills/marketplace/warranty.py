"""Warranty claims: checked automatically against the warranty contract of a done, paid order.

A claim is accepted when the order is the resident's, done, paid and today is within the warranty
(from the day the work was done through `ends_on`, inclusive). An accepted claim books a free repeat visit with
the same provider at their nearest free hour from tomorrow on (or with another provider chosen by dispatch when
the same one has no free time within the search horizon). A refused claim is recorded with its reason.
Accepted and refused claims both go to the contract log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import List, Optional, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.sdk import utcnow

from . import catalog, contract_log, dispatch, ledger, orders
from .models import MarketClaim, MarketOffer, MarketOrder, MarketWarranty

RECENT_DAYS = 365
ACCEPTED, REFUSED = "accepted", "refused"


@dataclass(frozen=True)
class ClaimResult:
    accepted: bool
    message: str
    claim_id: Optional[int] = None
    visit_order_id: Optional[int] = None


def warranty_of(session: Session, order_id: int) -> Optional[MarketWarranty]:
    return session.execute(select(MarketWarranty).where(MarketWarranty.order_id == order_id)).scalar_one_or_none()


def claimable_orders(session: Session, customer_id: int, today: date) -> List[MarketOrder]:
    """Done orders of the resident (not warranty visits) from the last year, newest first."""
    since = dispatch.local_slot(today - timedelta(days=RECENT_DAYS), 0)
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


def _refuse(session: Session, order: MarketOrder, customer_id: int, description: str, reason: str, now: datetime) -> ClaimResult:
    claim = MarketClaim(
        order_id=order.id, customer_id=customer_id, description=description, status=REFUSED, reason=reason,
        created_at=now,
    )
    session.add(claim)
    session.flush()
    contract_log.append(session, order.id, contract_log.CLAIM_REFUSED, {"claim_id": claim.id, "reason": reason})
    return ClaimResult(False, reason, claim.id, None)


def _visit(session: Session, order: MarketOrder, claim: MarketClaim, now: datetime) -> Optional[MarketOrder]:
    """A free repeat visit: the same provider if free within the horizon, else the best dispatch candidate."""
    tomorrow = dispatch.local_slot(dispatch.to_local(now).date() + timedelta(days=1), 0)
    offer = session.get(MarketOffer, order.offer_id)
    slot = dispatch.nearest_free_slot(session, order.provider, tomorrow, offer.duration_minutes)
    if slot is None:
        offer, slot = _other_provider(session, order, tomorrow)
        if slot is None:
            return None
    try:
        return orders.book_order(session, order.customer_id, offer, order.address, slot, Decimal("0.00"), claim.id)
    except orders.SlotTaken:
        return None


def _other_provider(
    session: Session, order: MarketOrder, after: datetime
) -> Tuple[Optional[MarketOffer], Optional[datetime]]:
    for day in range(dispatch.SEARCH_HORIZON_DAYS):
        local_day = dispatch.to_local(after).date() + timedelta(days=day)
        for hour in range(24):
            start = dispatch.local_slot(local_day, hour)
            found = dispatch.candidates(session, order.category, start, exclude_provider_ids=[order.provider_id])
            if found:
                return found[0].offer, start
    return None, None


def open_claim(
    session: Session, customer_id: int, order_id: int, description: str, now: Optional[datetime] = None
) -> ClaimResult:
    now = dispatch.to_store(now) if now is not None else utcnow()
    today = dispatch.to_local(now).date()
    order = session.get(MarketOrder, order_id)
    if order is None or order.customer_id != customer_id:
        return ClaimResult(False, f"Заказа № {order_id} среди ваших заказов нет.")
    description = (description or "").strip() or "без описания"
    warranty = warranty_of(session, order.id)
    if order.state != orders.DONE or warranty is None:
        return ClaimResult(False, f"Заказ № {order.id} ещё не выполнен — гарантия начинается после выполнения работ.")
    if not ledger.is_paid(session, order.id):
        return _refuse(session, order, customer_id, description,
                       f"Заказ № {order.id} не оплачен, а гарантия действует на оплаченные работы. "
                       "Оплатите заказ — и гарантия заработает.", now)
    if not warranty.starts_on <= today <= warranty.ends_on:
        return _refuse(session, order, customer_id, description,
                       f"Гарантия на заказ № {order.id} действовала с {dispatch.day_text(warranty.starts_on)} "
                       f"по {dispatch.day_text(warranty.ends_on)}, сегодня {dispatch.day_text(today)} — срок истёк. "
                       "Можно заказать новый визит мастера.", now)
    claim = MarketClaim(
        order_id=order.id, customer_id=customer_id, description=description, status=ACCEPTED, created_at=now,
    )
    session.add(claim)
    session.flush()
    visit = _visit(session, order, claim, now)
    claim.visit_order_id = visit.id if visit is not None else None
    contract_log.append(session, order.id, contract_log.CLAIM_OPENED, {
        "claim_id": claim.id, "description": description, "visit_order_id": claim.visit_order_id,
        "warranty_ends_on": warranty.ends_on.isoformat(),
    })
    what = catalog.CATEGORY_TITLES.get(order.category, order.category)
    head = (
        f"Гарантийный случай № {claim.id} по заказу № {order.id} ({what}) принят: гарантия действует "
        f"до {dispatch.day_text(warranty.ends_on)}."
    )
    if visit is None:
        return ClaimResult(True, f"{head} Свободного времени у мастеров пока нет — координатор кооператива "
                                 "свяжется с вами и согласует бесплатный повторный визит.", claim.id, None)
    who = "тот же мастер" if visit.provider_id == order.provider_id else "другой мастер"
    return ClaimResult(
        True,
        f"{head} Бесплатный повторный визит — {dispatch.slot_text(visit.slot_start)}, приедет {who}: "
        f"{visit.provider.name} (заказ № {visit.id}).",
        claim.id, visit.id,
    )
