"""`pay`: one payment per idempotency key, whatever retries or concurrent requests happen.

Two ways to charge. `pay` claims the key and asks the provider inside the caller's unit of work. `reserve_payment`
then `charge_reserved` split that: the pending payment is committed (with whatever the caller claimed along with it,
an order for instance) before the provider is asked, outside any transaction, and the outcome is recorded after. A
skill that must never charge twice for one thing, whatever keys its requests carry, claims the thing together with
the reservation.

A key answers only the request it was made for: a key used before for another resident, skill, purpose or currency
(or, by `reserve_payment`, another amount) is refused, never answered with somebody else's payment.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Dict, List, Optional, Tuple

from sqlalchemy import Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine import audit
from engine.payments.provider import (
    SUCCEEDED,
    PaymentProvider,
    ProviderResult,
    SandboxProvider,
    payment_provider,
)
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


def _mismatch(payment: Payment, request: Dict[str, object]) -> List[str]:
    """What of the request (resident, skill, purpose, currency, and the amount when asked) differs from the payment
    its key made before."""
    return [name for name, value in request.items() if getattr(payment, name) != value]


def _claim(
    session: Session,
    *,
    resident_id: int,
    skill: str,
    purpose: str,
    amount: Decimal,
    idempotency_key: str,
    currency: str,
    provider: PaymentProvider,
) -> Tuple[Payment, bool, Decimal]:
    """The payment of the key, pending if this call claimed it; (payment, claimed, the amount as money).
    PaymentRefused without a key, for what is not an amount of money, or when the key was used before for another
    request."""
    if not idempotency_key:
        raise PaymentRefused("an idempotency key is required")
    value = money_amount(amount)
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
        request: Dict[str, object] = {
            "resident_id": resident_id,
            "skill": skill,
            "purpose": purpose,
            "currency": currency,
            "amount": value,
        }
        differs = _mismatch(payment, request)
        if differs:
            raise PaymentRefused(
                f"payment key {idempotency_key!r} was used for another payment ({', '.join(differs)} differ)"
            )
    return payment, claimed, value


def _record_charge(
    session: Session, payment: Payment, result: ProviderResult, provider: PaymentProvider
) -> None:
    """The provider's answer on the payment, and its audit record."""
    payment.status = result.status
    payment.provider_reference = result.provider_reference
    payment.receipt_number = result.receipt_number
    session.flush()
    audit.record(
        session,
        skill=payment.skill,
        action="payment_" + result.status,
        resident_id=payment.resident_id,
        details={
            "payment_id": payment.id,
            "purpose": payment.purpose,
            "amount": str(payment.amount),
            "currency": payment.currency,
            "provider": provider.name,
            "receipt_number": result.receipt_number,
        },
    )


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
    """Charges once per `idempotency_key`; a repeated call returns the first payment without charging again. A key
    used before for another resident, skill, purpose, currency or amount is refused (PaymentRefused).

    Runs in the caller's unit of work: the payment and its audit record commit together. A declined payment is
    also final for its key: to try again, use a new key.
    """
    provider = provider or payment_provider()
    payment, claimed, value = _claim(
        session,
        resident_id=resident_id,
        skill=skill,
        purpose=purpose,
        amount=amount,
        idempotency_key=idempotency_key,
        currency=currency,
        provider=provider,
    )
    if not claimed:
        return payment
    result = provider.charge(
        idempotency_key=idempotency_key,
        amount=value,
        currency=currency,
        description=description,
        payer_reference=f"resident-{resident_id}",
    )
    _record_charge(session, payment, result, provider)
    return payment


def reserve_payment(
    session: Session,
    *,
    resident_id: int,
    skill: str,
    purpose: str,
    amount: Decimal,
    idempotency_key: str,
    currency: str = "RUB",
    provider: Optional[PaymentProvider] = None,
) -> Payment:
    """The pending payment of `idempotency_key`, reserved for this request (no money moves), or the payment the
    key made before (pending or final). A key used before for another resident, skill, purpose, currency or amount
    is refused (PaymentRefused).

    Runs in the caller's unit of work, so the caller can claim what is paid for in the same transaction;
    `charge_reserved` commits it before it asks the provider.
    """
    payment, _, _ = _claim(
        session,
        resident_id=resident_id,
        skill=skill,
        purpose=purpose,
        amount=amount,
        idempotency_key=idempotency_key,
        currency=currency,
        provider=provider or payment_provider(),
    )
    return payment


def charge_reserved(
    session: Session, payment: Payment, *, description: str, provider: Optional[PaymentProvider] = None
) -> Payment:
    """Charges a reserved payment once and returns it with the outcome; a payment no longer pending is returned as
    it is, the provider not asked.

    Commits the caller's unit of work first, so the reservation (and what the caller claimed with it) is durable
    and no lock is held while the provider works; the provider is asked outside any transaction. The outcome and
    its audit record are written in the session's next transaction, which the caller commits. The provider is
    idempotent on the key: a charge retried after a failure, or run by two workers at once, takes the money once.
    """
    provider = provider or payment_provider()
    session.commit()
    reserved = session.get(Payment, payment.id, populate_existing=True)
    if reserved is None or reserved.status != PENDING:
        return reserved
    if reserved.provider != provider.name:
        raise PaymentRefused(
            f"payment {reserved.id} was reserved with {reserved.provider}, not {provider.name}"
        )
    request = {
        "idempotency_key": reserved.idempotency_key,
        "amount": Decimal(reserved.amount),
        "currency": reserved.currency,
        "payer_reference": f"resident-{reserved.resident_id}",
    }
    session.commit()
    result = provider.charge(description=description, **request)
    charged = session.execute(
        select(Payment)
        .where(Payment.id == payment.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    if charged.status == PENDING:
        _record_charge(session, charged, result, provider)
    return charged


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
