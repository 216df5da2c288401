"""Orders: a price quote, placing an order (a chosen offer or automatic dispatch), its lifecycle, cancelling.

Lifecycle (lifecycle.py): new → assigned → confirmed → in_progress → done, or cancelled, or expired. An order is
created `new` and is `assigned` as soon as its provider is known (at once: either the chosen offer's provider or
dispatch's choice). The provider moves it forward (a step may be skipped, never go back). When it is done its
warranty starts. An unpaid order holds the provider's hours for UNPAID_HOLD (dispatch.py). Nobody orders from
themselves: a provider's own offer is refused, and dispatch never gives providers their own orders.

Cancellation by the customer: free until FREE_CANCEL_HOURS before the slot; later, until the slot starts, a fee
of LATE_CANCEL_FEE_PERCENT of the price compensates the provider's reserved time. An order in progress or done
cannot be cancelled. A warranty visit is always cancelled free. A paid order gets back what it paid less the fee
(ledger.settle_cancellation). Every change of an order locks its row first (lifecycle.order_by_id), so that two
workers — a cancellation and the provider's «done», or two cancellations — decide one after the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import List, Optional

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.sdk import clock, utcnow

from . import catalog, contract_log, dispatch, ledger, notices
from .lifecycle import (
    ASSIGNED,
    CANCELLED,
    CONFIRMED,
    DONE,
    ENDED,
    EXPIRED,
    IN_PROGRESS,
    LIFECYCLE,
    NEW,
    order_by_id,
    valid_id,
)
from .models import APPROVED, OPEN_CLAIM, MarketClaim, MarketOffer, MarketOrder, MarketProvider
from .refusals import Refusal, Refused, refusal

PROVIDER_STATES = (CONFIRMED, IN_PROGRESS, DONE)
MIN_LEAD = timedelta(hours=1)
MAX_AHEAD = timedelta(days=60)
FREE_CANCEL_HOURS = 3
LATE_CANCEL_FEE_PERCENT = Decimal("30")
CENT = Decimal("0.01")
UNPAID_HOLD = dispatch.UNPAID_HOLD
WITHDRAWN = "withdrawn"  # a warranty claim whose free visit the customer cancelled


class OrderError(Refused):
    """An order refused; `reason` and `values` say why (see refusals)."""


class SlotTaken(OrderError):
    """The chosen provider is busy at that time."""


class NoProviderAvailable(OrderError):
    """Nobody in the category works and is free at that time."""


class InvalidSlot(OrderError):
    """The time cannot be booked (past, too soon, too far, not a whole hour, outside working hours)."""


class InvalidOffer(OrderError):
    """The offer does not exist, is no longer offered or belongs to another category."""


class NotYourOrder(OrderError):
    """The order is not the provider's (or does not exist)."""


class BadTransition(OrderError):
    """The order cannot move to that state."""


@dataclass(frozen=True)
class Quote:
    price: Decimal
    unit: str
    provider_name: Optional[str]
    offer_id: Optional[int]
    duration_minutes: int
    provider_id: Optional[int] = None
    title: Optional[str] = None


@dataclass(frozen=True)
class CancelResult:
    """A cancellation done (with the fee kept, zero when free, and what the payment got back) or refused
    (`refused` says why). `refund_failed`: the order is cancelled but the provider did not give the money back."""

    cancelled: bool
    fee: Decimal
    order_id: int
    refused: Optional[Refusal] = None
    refunded: Decimal = Decimal("0.00")
    refund_failed: bool = False


def _now(now: Optional[datetime]) -> datetime:
    return clock.to_store(now) if now is not None else utcnow()


def _check_slot(slot_start: datetime, now: datetime) -> None:
    if slot_start.minute or slot_start.second or slot_start.microsecond:
        raise InvalidSlot("not_whole_hour")
    if slot_start < now + MIN_LEAD:
        raise InvalidSlot("too_soon")
    if slot_start > now + MAX_AHEAD:
        raise InvalidSlot("too_far", days=MAX_AHEAD.days)


def _offer(
    session: Session, offer_id: Optional[int], category: Optional[str], customer_id: Optional[int] = None
) -> MarketOffer:
    offer = session.get(MarketOffer, offer_id) if valid_id(offer_id) else None
    provider = session.get(MarketProvider, offer.provider_id) if offer is not None else None
    if offer is None or not offer.active or provider.status != APPROVED:
        raise InvalidOffer("offer_gone", offer_id=offer_id)
    if category and offer.category != category:
        raise InvalidOffer("offer_other_category", offer_id=offer_id)
    if customer_id is not None and provider.resident_id == customer_id:
        raise InvalidOffer("own_offer", offer_id=offer_id)
    return offer


def _own_providers(session: Session, customer_id: Optional[int]) -> List[int]:
    """The member profiles of the resident: dispatch never gives providers their own orders."""
    if customer_id is None:
        return []
    return list(
        session.execute(select(MarketProvider.id).where(MarketProvider.resident_id == customer_id)).scalars()
    )


def _check_chosen(session: Session, offer: MarketOffer, slot_start: datetime, now: datetime) -> None:
    provider = session.get(MarketProvider, offer.provider_id)
    slot_end = dispatch.slot_end_for(offer, slot_start)
    if not dispatch.works_at(provider, slot_start, slot_end):
        raise InvalidSlot(
            "outside_hours",
            provider=provider.name,
            start_hour=provider.work_start_hour,
            end_hour=provider.work_end_hour,
        )
    if not dispatch.is_free(session, provider.id, slot_start, slot_end, now):
        nearest = dispatch.nearest_free_slot(session, provider, slot_start, offer.duration_minutes, now=now)
        if nearest is None:
            raise SlotTaken("provider_busy_no_slot", provider=provider.name)
        raise SlotTaken("provider_busy", provider=provider.name, nearest=nearest)


def _dispatched(
    session: Session,
    category: str,
    slot_start: datetime,
    district: Optional[str],
    customer_id: Optional[int],
    now: datetime,
) -> dispatch.Candidate:
    if category not in catalog.CATEGORIES:
        raise NoProviderAvailable("unknown_category")
    found = dispatch.candidates(
        session,
        category,
        slot_start,
        exclude_provider_ids=_own_providers(session, customer_id),
        district=district,
        now=now,
    )
    if not found:
        raise NoProviderAvailable("nobody_free", slot=slot_start, category=category)
    return found[0]


def quote(
    session: Session,
    category: Optional[str],
    slot_start: datetime,
    offer_id: Optional[int] = None,
    address: Optional[str] = None,
    now: Optional[datetime] = None,
    customer_id: Optional[int] = None,
) -> Quote:
    """The price to confirm before placing; the same checks as place_order, so its errors come early."""
    slot_start, now = clock.to_store(slot_start), _now(now)
    _check_slot(slot_start, now)
    if offer_id is not None:
        offer = _offer(session, offer_id, category, customer_id)
        _check_chosen(session, offer, slot_start, now)
        provider = session.get(MarketProvider, offer.provider_id)
    else:
        candidate = _dispatched(
            session, category or "", slot_start, catalog.district_of(address), customer_id, now
        )
        offer, provider = candidate.offer, candidate.provider
    return Quote(
        price=offer.price,
        unit=offer.unit,
        provider_name=provider.name,
        offer_id=offer.id,
        duration_minutes=offer.duration_minutes,
        provider_id=provider.id,
        title=offer.title,
    )


def place_order(
    session: Session,
    customer_id: int,
    category: Optional[str],
    address: str,
    slot_start: datetime,
    offer_id: Optional[int] = None,
    now: Optional[datetime] = None,
) -> MarketOrder:
    """Books the slot and creates the order (assigned). Raises SlotTaken also when another order took the slot
    a moment earlier: the (provider, hour) bookings are unique."""
    slot_start, now = clock.to_store(slot_start), _now(now)
    _check_slot(slot_start, now)
    if not (address or "").strip():
        raise InvalidSlot("no_address")
    if offer_id is not None:
        offer = _offer(session, offer_id, category, customer_id)
        _check_chosen(session, offer, slot_start, now)
    else:
        district = catalog.district_of(address)
        offer = _dispatched(session, category or "", slot_start, district, customer_id, now).offer
    return book_order(session, customer_id, offer, address.strip(), slot_start, offer.price, now=now)


def book_order(
    session: Session,
    customer_id: int,
    offer: MarketOffer,
    address: str,
    slot_start: datetime,
    price: Decimal,
    warranty_claim_id: Optional[int] = None,
    now: Optional[datetime] = None,
) -> MarketOrder:
    """Creates the order and holds its hours: for UNPAID_HOLD from `now` while it is to be paid, for good when it
    is free (a warranty visit)."""
    now = _now(now)
    slot_end = dispatch.slot_end_for(offer, slot_start)
    held_until = now + UNPAID_HOLD if price > 0 and not warranty_claim_id else None
    order = MarketOrder(
        customer_id=customer_id,
        provider_id=offer.provider_id,
        offer_id=offer.id,
        category=offer.category,
        address=address,
        slot_start=slot_start,
        slot_end=slot_end,
        price=price,
        state=NEW,
        warranty_claim_id=warranty_claim_id,
        created_at=utcnow(),
        updated_at=utcnow(),
    )
    try:
        with session.begin_nested():
            session.add(order)
            session.flush()
            dispatch.book(session, offer.provider_id, order.id, slot_start, slot_end, held_until, now)
    except IntegrityError:
        raise SlotTaken("just_taken") from None
    order.state = ASSIGNED
    session.flush()
    return order


def order_of(session: Session, customer_id: int, order_id: int, lock: bool = False) -> Optional[MarketOrder]:
    """The order if it belongs to this customer; None otherwise (never reveals somebody else's). With `lock`, read
    afresh and locked for a change (lifecycle.order_by_id)."""
    order = order_by_id(session, order_id, lock)
    return order if order is not None and order.customer_id == customer_id else None


def customer_orders(session: Session, customer_id: int) -> List[MarketOrder]:
    """Newest first."""
    return list(
        session.execute(
            select(MarketOrder).where(MarketOrder.customer_id == customer_id).order_by(MarketOrder.id.desc())
        ).scalars()
    )


def cancellation_fee(order: MarketOrder, now: datetime) -> Decimal:
    if order.warranty_claim_id or now <= order.slot_start - timedelta(hours=FREE_CANCEL_HOURS):
        return Decimal("0.00")
    return (order.price * LATE_CANCEL_FEE_PERCENT / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def cancel_refusal(order: MarketOrder, now: Optional[datetime] = None) -> Optional[Refusal]:
    """Why the customer cannot cancel this order now, or None."""
    if order.state == CANCELLED:
        return refusal("already_cancelled", order_id=order.id)
    if order.state == EXPIRED:
        return refusal("order_expired", order_id=order.id)
    if order.state in (IN_PROGRESS, DONE):
        return refusal("cancel_too_late", order_id=order.id, order_state=order.state)
    if _now(now) >= order.slot_start:
        return refusal("visit_started", order_id=order.id)
    return None


def fee_values(fee: Decimal) -> dict:
    """What a response about the late-cancel fee names besides the fee."""
    return {"fee": fee, "free_hours": FREE_CANCEL_HOURS, "fee_percent": f"{LATE_CANCEL_FEE_PERCENT:.0f}"}


def cancel(
    session: Session,
    customer_id: int,
    order_id: int,
    now: Optional[datetime] = None,
    agreed_fee: Optional[Decimal] = None,
) -> CancelResult:
    """Cancels the customer's order: frees its hours, withdraws the claim of a warranty visit, and gives a paid
    order its money back less the fee. `agreed_fee` is the fee the customer was told when asked to confirm: a
    confirmation that became more expensive since (the free period ended) cancels nothing (`fee_changed`)."""
    now = _now(now)
    order = order_of(session, customer_id, order_id, lock=True)
    if order is None:
        return CancelResult(False, Decimal("0.00"), order_id, refusal("not_yours", order_id=order_id))
    fee = cancellation_fee(order, now)
    refused = cancel_refusal(order, now)
    if refused is None and ledger.payment_pending(session, order.id):
        refused = refusal("payment_pending", order_id=order.id)
    if refused is None and agreed_fee is not None and fee > agreed_fee:
        refused = refusal("fee_changed", order_id=order.id, **fee_values(fee))
    if refused is not None:
        return CancelResult(False, Decimal("0.00"), order.id, refused)
    order.state, order.cancel_fee, order.updated_at = CANCELLED, fee, now
    dispatch.release(session, order.id)
    if order.warranty_claim_id:
        claim = session.get(MarketClaim, order.warranty_claim_id)
        if claim is not None and claim.status == OPEN_CLAIM:
            claim.status = WITHDRAWN
    settled = ledger.settle_cancellation(session, order, fee, now)
    return CancelResult(True, fee, order.id, None, settled.refunded, settled.failed)


def advance(
    session: Session, provider_resident_id: int, order_id: int, new_state: str, now: Optional[datetime] = None
) -> MarketOrder:
    """The provider moves their order forward: confirmed, in_progress or done; the customer is told
    (notices.tell_customer)."""
    order = order_by_id(session, order_id, lock=True)
    provider = order.provider if order is not None else None
    if provider is None or provider.resident_id != provider_resident_id:
        raise NotYourOrder("not_yours", order_id=order_id)
    order = set_state(session, order, new_state, now)
    notices.tell_customer(session, order, _now(now))
    return order


def set_state(
    session: Session, order: MarketOrder, new_state: str, now: Optional[datetime] = None
) -> MarketOrder:
    """Moves an order forward in its lifecycle (the provider's side, or an administrator). The order is read afresh
    under its lock; taken up by the provider, it holds its hours for good. The customer is not told here: the
    provider's move (`advance`) and the administrator's (admin.py) tell them (notices.tell_customer); the demo's
    history does not."""
    now = _now(now)
    if new_state not in PROVIDER_STATES:
        raise BadTransition("unknown_state", state=new_state, allowed=", ".join(PROVIDER_STATES))
    order = order_by_id(session, order.id, lock=True) or order
    if order.state in ENDED or LIFECYCLE.index(new_state) <= LIFECYCLE.index(order.state):
        raise BadTransition("not_forward", order_id=order.id, order_state=order.state, new_state=new_state)
    dispatch.hold_for_good(session, order.id)
    order.state, order.updated_at = new_state, now
    if new_state == DONE:
        order.done_at = now
        session.flush()
        contract_log.record_done(session, order)
    session.flush()
    return order
