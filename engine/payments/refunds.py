"""`refund`: money given back on a succeeded payment, once per idempotency key and never more than was paid."""

from __future__ import annotations

from decimal import Decimal
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.payments.provider import DECLINED, SUCCEEDED, PaymentProvider, payment_provider
from engine.payments.service import PENDING, PaymentRefused, claim_key, money_amount
from engine.store.base import utcnow
from engine.store.models import Payment, PaymentRefund

MAX_REASON = 255


def refund(
    session: Session,
    payment: Payment,
    *,
    amount: Decimal,
    idempotency_key: str,
    reason: str,
    provider: Optional[PaymentProvider] = None,
) -> PaymentRefund:
    """Gives back `amount` of a succeeded payment once per `idempotency_key`: a repeated call returns the first
    refund without asking the provider again; a key used for another payment or amount is refused.

    Runs in the caller's unit of work: the refund and its audit record commit together. The payment's row is
    locked (SELECT ... FOR UPDATE) before the refunds so far are summed, so on PostgreSQL two refunds of one
    payment are decided one after the other; on SQLite the claim of the key is the first write, and a writer
    waits for the other to commit before it sums. A declined refund is final for its key and gives nothing back.
    """
    if not idempotency_key:
        raise PaymentRefused("an idempotency key is required")
    value = money_amount(amount)
    provider = provider or payment_provider()
    paid = session.execute(
        select(Payment)
        .where(Payment.id == payment.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    claimed = claim_key(
        session,
        PaymentRefund.__table__,
        {
            "payment_id": paid.id,
            "idempotency_key": idempotency_key,
            "amount": value,
            "reason": " ".join(reason.split())[:MAX_REASON],
            "status": PENDING,
            "created_at": utcnow(),
        },
    )
    given = session.execute(
        select(PaymentRefund).where(PaymentRefund.idempotency_key == idempotency_key)
    ).scalar_one()
    if not claimed:
        if given.payment_id != paid.id or given.amount != value:
            raise PaymentRefused(f"refund key {idempotency_key!r} was used for another refund")
        return given
    refusal = _refusal(session, paid, value, provider, given.id)
    if refusal:
        # The key is released: the caller may catch the refusal and still commit its unit of work.
        session.delete(given)
        session.flush()
        raise PaymentRefused(refusal)
    result = provider.refund(
        idempotency_key=idempotency_key,
        payment_reference=paid.provider_reference or "",
        amount=value,
        currency=paid.currency,
        description=given.reason,
    )
    given.status = result.status
    given.provider_reference = result.provider_reference
    session.flush()
    audit.record(
        session,
        skill=paid.skill,
        action="payment_refund_" + result.status,
        resident_id=paid.resident_id,
        details={
            "payment_id": paid.id,
            "refund_id": given.id,
            "amount": str(value),
            "currency": paid.currency,
            "reason": given.reason,
            "provider": provider.name,
            "provider_reference": result.provider_reference,
        },
    )
    return given


def _refusal(
    session: Session, paid: Payment, value: Decimal, provider: PaymentProvider, claimed_id: int
) -> Optional[str]:
    """Why this refund cannot be given, or None."""
    if paid.status != SUCCEEDED:
        return f"payment {paid.id} is {paid.status}: only a succeeded payment is refunded"
    if provider.name != paid.provider:
        return f"payment {paid.id} was taken by {paid.provider}, not {provider.name}"
    # A declined refund gave nothing back; any other counts, a pending one included (its provider call failed).
    committed = session.execute(
        select(PaymentRefund.amount).where(
            PaymentRefund.payment_id == paid.id,
            PaymentRefund.status != DECLINED,
            PaymentRefund.id != claimed_id,
        )
    ).scalars()
    already = sum(committed, Decimal("0.00"))
    if already + value > paid.amount:
        return f"refund of {value} exceeds what is left of payment {paid.id}: {paid.amount - already}"
    return None


def refunded_amount(session: Session, payment: Payment) -> Decimal:
    """How much of the payment its succeeded refunds gave back."""
    amounts = session.execute(
        select(PaymentRefund.amount).where(
            PaymentRefund.payment_id == payment.id, PaymentRefund.status == SUCCEEDED
        )
    ).scalars()
    return sum(amounts, Decimal("0.00"))
