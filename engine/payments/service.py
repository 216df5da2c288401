"""`pay`: one payment per idempotency key, whatever retries or concurrent requests happen."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Dict, Optional, Tuple

from sqlalchemy import Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine import audit
from engine.payments.provider import SUCCEEDED, PaymentProvider, SandboxProvider, payment_provider
from engine.russian import money
from engine.store.base import utcnow
from engine.store.models import Payment

PENDING = "pending"
MAX_AMOUNT = Decimal("1000000.00")
CENT = Decimal("0.01")
_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


class PaymentRefused(ValueError):
    """The request cannot become a payment or a refund (bad amount, empty or reused key, more than was paid);
    no money moved."""


def money_amount(amount: Decimal) -> Decimal:
    """The amount rounded to kopecks; PaymentRefused unless it is from 0.01 to MAX_AMOUNT."""
    try:
        value = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError, ValueError) as error:
        raise PaymentRefused(f"not an amount: {amount!r}") from error
    if not CENT <= value <= MAX_AMOUNT:
        raise PaymentRefused(f"amount out of range: {value}")
    return value


def claim_key(session: Session, table: Table, values: dict) -> bool:
    """Inserts the pending row into `table` (payments, refunds) unless its key exists; True if this call owns the
    key.

    INSERT ... ON CONFLICT DO NOTHING: on PostgreSQL a concurrent insert of the same key waits for the other
    transaction and then does nothing, so exactly one caller ever reaches the provider.
    """
    insert = _INSERT[session.get_bind().dialect.name]
    result = session.execute(insert(table).values(**values).on_conflict_do_nothing())
    return result.rowcount == 1


def pay(
    session: Session,
    *,
    resident_id: int,
    skill: str,
    purpose: str,
    amount: Decimal,
    idempotency_key: str,
    description: str,
    currency: str = "RUB",
    provider: Optional[PaymentProvider] = None,
) -> Payment:
    """Charges once per `idempotency_key`; a repeated call returns the first payment without charging again.

    Runs in the caller's unit of work: the payment and its audit record commit together. A declined payment is
    also final for its key: to try again, use a new key.
    """
    if not idempotency_key:
        raise PaymentRefused("an idempotency key is required")
    value = money_amount(amount)
    provider = provider or payment_provider()
    claimed = claim_key(
        session,
        Payment.__table__,
        {
            "idempotency_key": idempotency_key,
            "resident_id": resident_id,
            "skill": skill,
            "purpose": purpose,
            "amount": value,
            "currency": currency,
            "status": PENDING,
            "provider": provider.name,
            "created_at": utcnow(),
        },
    )
    payment = session.execute(select(Payment).where(Payment.idempotency_key == idempotency_key)).scalar_one()
    if not claimed:
        return payment
    result = provider.charge(
        idempotency_key=idempotency_key,
        amount=value,
        currency=currency,
        description=description,
        payer_reference=f"resident-{resident_id}",
    )
    payment.status = result.status
    payment.provider_reference = result.provider_reference
    payment.receipt_number = result.receipt_number
    session.flush()
    audit.record(
        session,
        skill=skill,
        action="payment_" + result.status,
        resident_id=resident_id,
        details={
            "payment_id": payment.id,
            "purpose": purpose,
            "amount": str(value),
            "currency": currency,
            "provider": provider.name,
            "receipt_number": result.receipt_number,
        },
    )
    return payment


def is_test_payment(payment: Payment) -> bool:
    return payment.provider == SandboxProvider.name


RECEIPT_RESPONSES = {
    (SUCCEEDED, False): "utter_payment_receipt_paid",
    (SUCCEEDED, True): "utter_payment_receipt_paid_sandbox",
    (False, False): "utter_payment_receipt_declined",
    (False, True): "utter_payment_receipt_declined_sandbox",
}


def receipt(payment: Payment) -> Tuple[str, Dict[str, str]]:
    """(core response, its values) of the receipt as a resident reads it; a sandbox payment is always marked as a
    test (the responses live in the core domain)."""
    outcome = SUCCEEDED if payment.status == SUCCEEDED else False
    values = {"receipt_number": payment.receipt_number or "", "amount": money(payment.amount)}
    return RECEIPT_RESPONSES[(outcome, is_test_payment(payment))], values
