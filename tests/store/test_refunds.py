import threading
import time
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from engine.payments import (
    DECLINED,
    SUCCEEDED,
    PaymentRefund,
    PaymentRefused,
    ProviderResult,
    SandboxProvider,
    pay,
    refund,
    refunded_amount,
)
from engine.store import session_scope
from engine.store.models import AuditRecord, Payment, Resident
from engine.testing import at_once


class RefundingProvider:
    """Charges and refunds like the sandbox, counts refunds, and can be slow so that concurrent calls overlap."""

    name = "refunding"

    def __init__(self, delay: float = 0.0, refund_status: str = SUCCEEDED) -> None:
        self.refunds = []
        self.delay = delay
        self.refund_status = refund_status
        self._lock = threading.Lock()

    def charge(self, **request) -> ProviderResult:
        return SandboxProvider().charge(**request)

    def refund(self, *, idempotency_key, payment_reference, amount, currency, description) -> ProviderResult:
        with self._lock:
            self.refunds.append((idempotency_key, payment_reference, amount))
        time.sleep(self.delay)
        return ProviderResult(
            status=self.refund_status,
            provider_reference=f"refund-{idempotency_key}",
            receipt_number="",
            message=description,
        )


class DecliningCharges(RefundingProvider):
    def charge(self, **request) -> ProviderResult:
        return ProviderResult(
            status=DECLINED, provider_reference="bank-1", receipt_number="R-1", message="no"
        )


def _paid(provider, amount: str = "1000.00", key: str = "pay-1") -> Payment:
    with session_scope() as session:
        resident = Resident()
        session.add(resident)
        session.flush()
        return pay(
            session,
            resident_id=resident.id,
            skill="transport",
            purpose="parking:7",
            amount=Decimal(amount),
            idempotency_key=key,
            description="Парковка",
            provider=provider,
        )


def _refund(payment: Payment, amount: str, key: str, provider, reason: str = "parking ended early"):
    """`amount` goes in as text on purpose: `refund` must refuse what is not a sum of money."""
    with session_scope() as session:
        return refund(session, payment, amount=amount, idempotency_key=key, reason=reason, provider=provider)


def _refund_rows() -> int:
    with session_scope() as session:
        return session.execute(select(func.count(PaymentRefund.id))).scalar_one()


def test_a_partial_refund_is_stored_audited_and_counted(store):
    provider = RefundingProvider()
    payment = _paid(provider)
    given = _refund(payment, "250.50", "refund-1", provider, reason="  left\n early  ")
    assert given.status == SUCCEEDED and given.amount == Decimal("250.50") and given.reason == "left early"
    assert given.payment_id == payment.id and given.provider_reference == "refund-refund-1"
    assert provider.refunds == [("refund-1", payment.provider_reference, Decimal("250.50"))]
    with session_scope() as session:
        assert refunded_amount(session, payment) == Decimal("250.50")
        (entry,) = session.execute(
            select(AuditRecord).where(AuditRecord.action == "payment_refund_succeeded")
        ).scalars()
        assert entry.resident_id == payment.resident_id and entry.skill == "transport"
        assert entry.details["refund_id"] == given.id and entry.details["amount"] == "250.50"


def test_refunds_add_up_to_the_payment_and_not_a_kopeck_more(store):
    provider = RefundingProvider()
    payment = _paid(provider, amount="100.00")
    _refund(payment, "60.00", "r-1", provider)
    with pytest.raises(PaymentRefused):
        _refund(payment, "40.01", "r-2", provider)
    _refund(payment, "40.00", "r-3", provider)
    with pytest.raises(PaymentRefused):
        _refund(payment, "0.01", "r-4", provider)
    with session_scope() as session:
        assert refunded_amount(session, payment) == Decimal("100.00")
    assert [key for key, _, _ in provider.refunds] == ["r-1", "r-3"]
    assert _refund_rows() == 2  # a refused refund leaves no row behind


def test_a_refused_refund_releases_its_key_even_when_the_caller_commits(store):
    provider = RefundingProvider()
    payment = _paid(provider, amount="100.00")
    with session_scope() as session, pytest.raises(PaymentRefused):
        refund(session, payment, amount=Decimal("150"), idempotency_key="k", reason="x", provider=provider)
    given = _refund(payment, "100", "k", provider)
    assert given.status == SUCCEEDED and given.amount == Decimal("100.00")


def test_a_repeated_key_returns_the_first_refund_without_refunding_again(store):
    provider = RefundingProvider()
    payment = _paid(provider, amount="100.00")
    first = _refund(payment, "100", "r-1", provider)
    # The payment is fully refunded by now: the repeat is still answered with the first refund, not refused.
    again = _refund(payment, "100.00", "r-1", provider)
    assert again.id == first.id and len(provider.refunds) == 1


@pytest.mark.parametrize("other", ["payment", "amount"])
def test_a_key_reused_for_another_payment_or_amount_is_refused(store, other):
    provider = RefundingProvider()
    payment = _paid(provider, amount="100.00")
    _refund(payment, "30", "r-1", provider)
    target = _paid(provider, amount="100.00", key="pay-2") if other == "payment" else payment
    with pytest.raises(PaymentRefused):
        _refund(target, "30" if other == "payment" else "31", "r-1", provider)
    assert len(provider.refunds) == 1 and _refund_rows() == 1


@pytest.mark.parametrize("amount", ["0", "-5", "0.004", "abc", ""])
def test_zero_negative_and_non_amounts_are_refused(store, amount):
    provider = RefundingProvider()
    payment = _paid(provider)
    with pytest.raises(PaymentRefused):
        _refund(payment, amount, "r-bad", provider)
    assert provider.refunds == [] and _refund_rows() == 0


def test_a_declined_payment_is_not_refunded(store):
    provider = DecliningCharges()
    payment = _paid(provider)
    assert payment.status == DECLINED
    with pytest.raises(PaymentRefused):
        _refund(payment, "1", "r-1", provider)
    assert provider.refunds == [] and _refund_rows() == 0


def test_a_pending_payment_is_not_refunded(store):
    provider = RefundingProvider()
    payment = _paid(provider)
    with session_scope() as session:
        session.get(Payment, payment.id).status = "pending"
    with pytest.raises(PaymentRefused):
        _refund(payment, "1", "r-1", provider)
    assert provider.refunds == []


def test_a_refund_goes_to_the_provider_that_took_the_payment(store):
    payment = _paid(SandboxProvider())
    other = RefundingProvider()
    with pytest.raises(PaymentRefused):
        _refund(payment, "1", "r-1", other)
    assert other.refunds == []
    assert _refund(payment, "1", "r-1", None).provider_reference.startswith("sandbox-refund-")


def test_a_declined_refund_is_final_for_its_key_and_gives_nothing_back(store):
    payment = _paid(RefundingProvider(), amount="100.00")
    declined = _refund(payment, "100", "r-1", RefundingProvider(refund_status=DECLINED))
    assert declined.status == DECLINED
    assert _refund(payment, "100", "r-1", RefundingProvider()).status == DECLINED
    with session_scope() as session:
        assert refunded_amount(session, payment) == Decimal("0.00")
        assert (
            session.execute(
                select(func.count(AuditRecord.id)).where(AuditRecord.action == "payment_refund_declined")
            ).scalar_one()
            == 1
        )
    assert _refund(payment, "100", "r-2", RefundingProvider()).status == SUCCEEDED


def test_the_sandbox_refund_answers_a_retry_as_the_first_time():
    request = {"payment_reference": "p", "amount": Decimal("1"), "currency": "RUB", "description": "d"}
    first = SandboxProvider().refund(idempotency_key="k-1", **request)
    assert first == SandboxProvider().refund(idempotency_key="k-1", **request)
    assert (
        first.provider_reference
        != SandboxProvider().refund(idempotency_key="k-2", **request).provider_reference
    )
    assert (
        first.provider_reference
        != SandboxProvider()
        .charge(
            idempotency_key="k-1", amount=Decimal("1"), currency="RUB", description="d", payer_reference="r"
        )
        .provider_reference
    )


def _racing_refunds(payment: Payment, provider, *requests):
    """Asks for the refunds, (amount, key) each, all at once; (refunds given, refusals)."""

    def attempt(request):
        amount, key = request
        try:
            return _refund(payment, amount, key, provider)
        except PaymentRefused as refused:
            return refused

    outcomes = at_once(attempt, requests)
    return (
        [o for o in outcomes if not isinstance(o, PaymentRefused)],
        [o for o in outcomes if isinstance(o, PaymentRefused)],
    )


def test_two_racing_refunds_never_give_back_more_than_was_paid(store):
    provider = RefundingProvider(delay=0.3)
    payment = _paid(provider, amount="1000.00")
    results, errors = _racing_refunds(payment, provider, ("600", "r-a"), ("600", "r-b"))
    assert len(results) == 1 and results[0].status == SUCCEEDED
    assert len(errors) == 1 and isinstance(errors[0], PaymentRefused)
    assert len(provider.refunds) == 1
    with session_scope() as session:
        assert refunded_amount(session, payment) == Decimal("600.00")


def test_two_racing_refunds_that_fit_are_both_given(store):
    provider = RefundingProvider(delay=0.2)
    payment = _paid(provider, amount="1000.00")
    results, errors = _racing_refunds(payment, provider, ("400", "r-a"), ("600", "r-b"))
    assert errors == [] and len(results) == 2
    with session_scope() as session:
        assert refunded_amount(session, payment) == Decimal("1000.00")


def test_racing_requests_with_one_key_refund_once(store):
    provider = RefundingProvider(delay=0.3)
    payment = _paid(provider, amount="1000.00")
    results, errors = _racing_refunds(payment, provider, ("600", "r-a"), ("600", "r-a"))
    assert errors == [] and len(results) == 2 and results[0].id == results[1].id
    assert len(provider.refunds) == 1 and _refund_rows() == 1
