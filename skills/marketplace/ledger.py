"""Paying for an order through the engine's payment interface, with the split recorded for every payment:
provider's share + cooperative commission = amount, always (`balance_check`); and what a cancelled paid order gives
back and keeps (`settle_cancellation`): the refund and the late-cancel fee, each split as the payment was.

The commission is the cooperative's percent in force on the day of payment (the engine's parameter
`commission_percent`, declared in manifest.yml and changed by the members' vote), rounded half up to kopecks;
the provider's share is the rest, so rounding never loses or creates a kopeck.

An order is paid once, whatever keys and workers ask (`pay_order`): reserve, then charge, then confirm. The order's
row is locked and the order claimed for payment — a pending `market_payments` row (unique per order) with the
engine's payment reserved under the request's key — and that is committed before the provider is asked; the outcome
is recorded and committed after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Dict, List, Optional, Tuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.sdk import (
    DECLINED,
    PENDING,
    SUCCEEDED,
    Payment,
    PaymentRefused,
    charge_reserved,
    clock,
    parameter_value,
    payment_by_id,
    refund,
    refunded_amount,
    reserve_payment,
    skill_lexicon,
    utcnow,
)

from . import dispatch
from .lifecycle import CANCELLED, EXPIRED, order_by_id, valid_id
from .models import MarketLedgerEntry, MarketOrder, MarketPayment
from .refusals import Refused

SKILL = "marketplace"
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
COMMISSION = "commission_percent"
MEMBER_FEE = "member_fee"
PAYMENT_DESCRIPTION = skill_lexicon(__file__)["payment_description"]
PAID = "paid"  # a claim whose payment succeeded; a claim still being charged is PENDING
# A claim younger than this is a payment going on: other requests are told so. An older one was left by a worker
# that stopped before the provider's answer was recorded: the next request of the customer finishes it.
PAYMENT_UNDER_WAY = timedelta(minutes=2)
REFUND, CANCEL_FEE = "refund", "cancel_fee"


class NotPayable(Refused):
    """A payment refused; `reason` and `values` say why (see refusals)."""


@dataclass(frozen=True)
class PaidOrder:
    payment: Payment
    order_id: int
    provider_share: Decimal
    commission: Decimal
    commission_percent: Decimal


@dataclass(frozen=True)
class Settled:
    """What a cancelled order's payment got back (`refunded`), and whether the provider refused to give it."""

    refunded: Decimal = ZERO
    failed: bool = False


def parameters(session: Session, day: Optional[date] = None) -> Tuple[Decimal, Decimal]:
    """(commission percent, monthly member fee) in force on the day (today in the city by default)."""
    day = day or clock.today()
    return parameter_value(session, COMMISSION, day), parameter_value(session, MEMBER_FEE, day)


def split(amount: Decimal, commission_percent: Decimal) -> Tuple[Decimal, Decimal]:
    """(provider share, commission); they always add up to the amount."""
    amount = Decimal(amount).quantize(CENT)
    commission = (amount * Decimal(commission_percent) / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    return amount - commission, commission


def payment_of(session: Session, order_id: int) -> Optional[MarketPayment]:
    """The order's claim on its payment: pending while it is charged, paid once it succeeded."""
    if not valid_id(order_id):
        return None
    return session.execute(
        select(MarketPayment).where(MarketPayment.order_id == order_id)
    ).scalar_one_or_none()


def is_paid(session: Session, order_id: int) -> bool:
    claim = payment_of(session, order_id)
    return claim is not None and claim.status == PAID


def payment_pending(session: Session, order_id: int) -> bool:
    """Whether a payment of the order is under way (its provider not answered yet)."""
    claim = payment_of(session, order_id)
    return claim is not None and claim.status == PENDING


def _paid(session: Session, record: MarketPayment) -> PaidOrder:
    return PaidOrder(
        payment_by_id(session, record.payment_id),
        record.order_id,
        record.provider_share,
        record.commission,
        record.commission_percent,
    )


def _now(now: Optional[datetime]) -> datetime:
    return clock.to_store(now) if now is not None else utcnow()


def pay_order(
    session: Session, customer_id: int, order_id: int, idempotency_key: str, now: Optional[datetime] = None
) -> PaidOrder:
    """Pays the order once. The same key again returns the first payment and charges nothing; another key is
    refused while a payment is under way (`payment_pending`) and once it is paid (`already_paid`); a key used for
    another request is refused (`key_reused`). A declined payment releases the order for a new key.

    Commits the caller's unit of work: with the reservation before the provider is asked, with the outcome after.
    """
    now = _now(now)
    order = order_by_id(session, order_id, lock=True)
    if order is None or order.customer_id != customer_id:
        raise NotPayable("not_yours", order_id=order_id)
    claim = payment_of(session, order.id)
    if claim is not None:
        payment = payment_by_id(session, claim.payment_id)
        if claim.status == PAID or payment.status == SUCCEEDED:
            _confirm(session, claim)
            if claim.idempotency_key == idempotency_key:
                return _paid(session, claim)
            raise NotPayable("already_paid", order_id=order.id)
        if payment.status != DECLINED and claim.created_at > now - PAYMENT_UNDER_WAY:
            raise NotPayable("payment_pending", order_id=order.id)
        if payment.status != DECLINED:  # left by a worker that stopped: finished with its own key
            return _charge(session, claim, now)
        _release(session, claim, now)
    if order.state == CANCELLED:
        raise NotPayable("cancelled_unpaid", order_id=order.id)
    if order.state == EXPIRED:
        raise NotPayable("hold_expired", order_id=order.id)
    if order.warranty_claim_id or order.price <= 0:
        raise NotPayable("warranty_visit_free", order_id=order.id)
    return _charge(session, _reserve(session, order, idempotency_key, now), now)


def _reserve(session: Session, order: MarketOrder, idempotency_key: str, now: datetime) -> MarketPayment:
    """Claims the locked order for payment: its hours held for good, the engine's payment reserved under the key
    and the pending claim, all or nothing."""
    percent, _ = parameters(session)
    share, commission = split(order.price, percent)
    try:
        with session.begin_nested():
            if not dispatch.hold_for_good(session, order.id):
                raise NotPayable("hold_expired", order_id=order.id)
            payment = reserve_payment(
                session,
                resident_id=order.customer_id,
                skill=SKILL,
                purpose=f"market_order:{order.id}",
                amount=order.price,
                idempotency_key=idempotency_key,
            )
            if payment.status == DECLINED:  # this key was declined before: a new confirmation makes a new key
                raise NotPayable("payment_declined", payment=payment)
            claim = MarketPayment(
                order_id=order.id,
                payment_id=payment.id,
                idempotency_key=idempotency_key,
                amount=payment.amount,
                provider_share=share,
                commission=commission,
                commission_percent=percent,
                status=PAID if payment.status == SUCCEEDED else PENDING,
                created_at=now,
            )
            session.add(claim)
            session.flush()
    except PaymentRefused:
        raise NotPayable("key_reused", order_id=order.id) from None
    return claim


def _charge(session: Session, claim: MarketPayment, now: datetime) -> PaidOrder:
    """Charges the claim's reserved payment (committing the claim first) and confirms or releases the claim."""
    claim.created_at = now  # taken up now: a request meanwhile is told the payment is under way
    payment = charge_reserved(
        session,
        payment_by_id(session, claim.payment_id),
        description=PAYMENT_DESCRIPTION.format(order_id=claim.order_id),
    )
    order_by_id(session, claim.order_id, lock=True)
    claim = session.get(MarketPayment, claim.id, populate_existing=True)
    if payment.status == SUCCEEDED:
        _confirm(session, claim)
        session.commit()
        return _paid(session, claim)
    if claim is not None and claim.status == PENDING:
        _release(session, claim, now)
    session.commit()
    raise NotPayable("payment_declined", payment=payment)


def _confirm(session: Session, claim: MarketPayment) -> None:
    if claim.status != PAID:
        claim.status = PAID
        dispatch.hold_for_good(session, claim.order_id)
        session.flush()


def _release(session: Session, claim: MarketPayment, now: datetime) -> None:
    """A declined payment's claim goes: the order can be paid with a new key, and holds its hours a while again."""
    dispatch.hold_until(session, claim.order_id, now + dispatch.UNPAID_HOLD)
    session.delete(claim)
    session.flush()


def settle_cancellation(session: Session, order: MarketOrder, fee: Decimal, now: datetime) -> Settled:
    """Gives a cancelled paid order its payment back less the late-cancel fee (one refund per order, keyed by it),
    and records both in the ledger split as the payment was; an unpaid order moves no money. The caller holds the
    order's lock. A refund the provider declines is recorded by the engine (final for its key) and reported here:
    the ledger then does not balance until an operator gives the money back."""
    claim = payment_of(session, order.id)
    if claim is None or claim.status != PAID:
        return Settled()
    payment = payment_by_id(session, claim.payment_id)
    fee = min(Decimal(fee), Decimal(claim.amount))
    fee_share, fee_commission = split(fee, claim.commission_percent) if fee else (ZERO, ZERO)
    if fee:
        _entry(session, claim, CANCEL_FEE, fee, fee_share, fee_commission, None, now)
    back = Decimal(claim.amount) - fee
    if not back:
        return Settled()
    try:
        given = refund(
            session,
            payment,
            amount=back,
            idempotency_key=f"marketplace:cancel:{order.id}",
            reason=f"market order {order.id} cancelled, fee {fee}",
        )
    except PaymentRefused:
        return Settled(back, failed=True)
    if given.status != SUCCEEDED:
        return Settled(back, failed=True)
    share, commission = claim.provider_share - fee_share, claim.commission - fee_commission
    _entry(session, claim, REFUND, back, share, commission, given.id, now)
    return Settled(back)


def _entry(
    session: Session,
    claim: MarketPayment,
    kind: str,
    amount: Decimal,
    provider_share: Decimal,
    commission: Decimal,
    refund_id: Optional[int],
    now: datetime,
) -> None:
    session.add(
        MarketLedgerEntry(
            order_id=claim.order_id,
            payment_id=claim.payment_id,
            kind=kind,
            amount=amount,
            provider_share=provider_share,
            commission=commission,
            refund_id=refund_id,
            created_at=now,
        )
    )
    session.flush()


def entries_of(session: Session, order_id: int) -> Dict[str, MarketLedgerEntry]:
    """The order's ledger entries by kind (refund, cancel_fee)."""
    rows = session.execute(select(MarketLedgerEntry).where(MarketLedgerEntry.order_id == order_id)).scalars()
    return {row.kind: row for row in rows}


def fee_of(session: Session, order_id: int) -> Optional[MarketLedgerEntry]:
    """The late-cancel fee the ledger kept of the order's payment, or None."""
    return entries_of(session, order_id).get(CANCEL_FEE)


def balance_check(session: Session) -> bool:
    """True when every split adds up, the paid amounts equal what the engine's payments took in, and the refunds
    and fees of every cancelled paid order add up to its payment, the refunds to what the engine gave back."""
    rows: List[MarketPayment] = list(
        session.execute(select(MarketPayment).where(MarketPayment.status == PAID)).scalars()
    )
    entries: List[MarketLedgerEntry] = list(session.execute(select(MarketLedgerEntry)).scalars())
    if any(r.provider_share + r.commission != r.amount or r.commission < 0 for r in [*rows, *entries]):
        return False
    engine_total = session.execute(
        select(func.coalesce(func.sum(Payment.amount), 0)).where(
            Payment.id.in_([row.payment_id for row in rows] or [-1]), Payment.status == SUCCEEDED
        )
    ).scalar_one()
    if Decimal(engine_total) != sum((row.amount for row in rows), ZERO):
        return False
    for row in rows:
        payment = payment_by_id(session, row.payment_id)
        moved = [entry for entry in entries if entry.order_id == row.order_id]
        back = sum((entry.amount for entry in moved if entry.kind == REFUND), ZERO)
        if payment.amount != row.amount or refunded_amount(session, payment) != back:
            return False
        cancelled = session.get(MarketOrder, row.order_id).state == CANCELLED
        if (moved or cancelled) and (
            sum((entry.amount for entry in moved), ZERO) != row.amount
            or sum((entry.provider_share for entry in moved), ZERO) != row.provider_share
        ):
            return False
    return True
