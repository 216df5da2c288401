"""Paying for an order through the engine's payment interface, with the split recorded for every payment:
provider's share + cooperative commission = amount, always (`balance_check`).

The commission is the cooperative's percent in force on the day of payment (the engine's parameter
`commission_percent`, declared in manifest.yml and changed by the members' vote), rounded half up to kopecks;
the provider's share is the rest, so rounding never loses or creates a kopeck.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Optional, Tuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.sdk import (
    SUCCEEDED,
    Payment,
    clock,
    parameter_value,
    pay,
    payment_by_id,
    skill_lexicon,
    utcnow,
)

from .models import MarketOrder, MarketPayment
from .refusals import Refused

SKILL = "marketplace"
CENT = Decimal("0.01")
COMMISSION = "commission_percent"
MEMBER_FEE = "member_fee"
PAYMENT_DESCRIPTION = skill_lexicon(__file__)["payment_description"]


class NotPayable(Refused):
    """A payment refused; `reason` and `values` say why (see refusals)."""


@dataclass(frozen=True)
class PaidOrder:
    payment: Payment
    order_id: int
    provider_share: Decimal
    commission: Decimal
    commission_percent: Decimal


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
    return session.execute(
        select(MarketPayment).where(MarketPayment.order_id == order_id)
    ).scalar_one_or_none()


def is_paid(session: Session, order_id: int) -> bool:
    return payment_of(session, order_id) is not None


def _paid(session: Session, record: MarketPayment) -> PaidOrder:
    return PaidOrder(
        payment_by_id(session, record.payment_id),
        record.order_id,
        record.provider_share,
        record.commission,
        record.commission_percent,
    )


def pay_order(session: Session, customer_id: int, order_id: int, idempotency_key: str) -> PaidOrder:
    """Pays the order once. Retrying with the same key returns the first payment and charges nothing."""
    order = session.get(MarketOrder, order_id)
    if order is None or order.customer_id != customer_id:
        raise NotPayable("not_yours", order_id=order_id)
    existing = payment_of(session, order.id)
    if existing is not None:
        if existing.idempotency_key == idempotency_key:
            return _paid(session, existing)
        raise NotPayable("already_paid", order_id=order.id)
    if order.state == "cancelled":
        raise NotPayable("cancelled_unpaid", order_id=order.id)
    if order.warranty_claim_id or order.price <= 0:
        raise NotPayable("warranty_visit_free", order_id=order.id)
    payment = pay(
        session,
        resident_id=customer_id,
        skill=SKILL,
        purpose=f"market_order:{order.id}",
        amount=order.price,
        idempotency_key=idempotency_key,
        description=PAYMENT_DESCRIPTION.format(order_id=order.id),
    )
    if payment.status != SUCCEEDED:
        raise NotPayable("payment_declined", payment=payment)
    percent, _ = parameters(session)
    share, commission = split(payment.amount, percent)
    record = MarketPayment(
        order_id=order.id,
        payment_id=payment.id,
        idempotency_key=idempotency_key,
        amount=payment.amount,
        provider_share=share,
        commission=commission,
        commission_percent=percent,
        created_at=utcnow(),
    )
    session.add(record)
    session.flush()
    return _paid(session, record)


def balance_check(session: Session) -> bool:
    """True when every split adds up and the split amounts equal what the engine's payments took in."""
    rows = session.execute(select(MarketPayment)).scalars().all()
    if any(row.provider_share + row.commission != row.amount or row.commission < 0 for row in rows):
        return False
    engine_total = session.execute(
        select(func.coalesce(func.sum(Payment.amount), 0)).where(
            Payment.id.in_(select(MarketPayment.payment_id)), Payment.status == SUCCEEDED
        )
    ).scalar_one()
    return Decimal(engine_total) == sum((row.amount for row in rows), Decimal("0")) and all(
        payment_by_id(session, row.payment_id).amount == row.amount for row in rows
    )
