import threading
import time
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from engine.payments import (
    DECLINED,
    SUCCEEDED,
    PaymentRefused,
    ProviderResult,
    SandboxProvider,
    is_test_payment,
    pay,
    payments_are_test,
    receipt,
)
from engine.sdk import phrase
from engine.store import session_scope
from engine.store.models import AuditRecord, Payment, Resident
from engine.testing import assembled_domain, at_once


class CountingProvider:
    """Succeeds like the sandbox, counts charges, and can be slow so that concurrent calls overlap."""

    name = "counting"

    def __init__(self, delay: float = 0.0) -> None:
        self.charges = []
        self.delay = delay
        self._lock = threading.Lock()

    def charge(self, *, idempotency_key, amount, currency, description, payer_reference) -> ProviderResult:
        with self._lock:
            self.charges.append(idempotency_key)
        time.sleep(self.delay)
        return SandboxProvider().charge(
            idempotency_key=idempotency_key,
            amount=amount,
            currency=currency,
            description=description,
            payer_reference=payer_reference,
        )


class DecliningProvider:
    """A real provider's answer when the bank says no."""

    name = "declining"

    def charge(self, *, idempotency_key, amount, currency, description, payer_reference) -> ProviderResult:
        return ProviderResult(
            status=DECLINED,
            provider_reference=f"bank-{idempotency_key}",
            receipt_number="R-77",
            message="declined",
        )


def _resident() -> int:
    with session_scope() as session:
        resident = Resident()
        session.add(resident)
        session.flush()
        return resident.id


def _pay(resident_id: int, key: str, provider=None, amount: str = "1500.50") -> Payment:
    """`amount` goes in as text on purpose: `pay` must refuse what is not a sum of money."""
    with session_scope() as session:
        return pay(
            session,
            resident_id=resident_id,
            skill="utilities",
            purpose="account:1002003004",
            amount=amount,
            idempotency_key=key,
            description="Квартплата",
            provider=provider,
        )


def test_a_payment_is_stored_audited_and_marked_as_a_test(store):
    resident_id = _resident()
    payment = _pay(resident_id, "key-1")
    assert payment.status == SUCCEEDED and payment.provider == "sandbox" and is_test_payment(payment)
    assert payment.amount == Decimal("1500.50") and payment.currency == "RUB"
    # "TEST-" and the first 10 hex digits of sha256("key-1"): the same key always gets the same receipt number.
    assert payment.receipt_number == "TEST-BE29745469"
    assert receipt(payment) == (
        "utter_payment_receipt_paid_sandbox",
        {"receipt_number": "TEST-BE29745469", "amount": "1 500,50 ₽"},
    )
    with session_scope() as session:
        (entry,) = session.execute(
            select(AuditRecord).where(AuditRecord.action == "payment_succeeded")
        ).scalars()
        assert entry.resident_id == resident_id and entry.details["amount"] == "1500.50"
        assert (
            entry.details["receipt_number"] == payment.receipt_number
            and entry.details["provider"] == "sandbox"
        )


def test_a_declined_payment_is_final_for_its_key_and_its_receipt_says_so(store):
    resident_id = _resident()
    payment = _pay(resident_id, "key-declined", DecliningProvider())
    assert payment.status == DECLINED and payment.receipt_number == "R-77" and not is_test_payment(payment)
    assert receipt(payment) == (
        "utter_payment_receipt_declined",
        {"receipt_number": "R-77", "amount": "1 500,50 ₽"},
    )
    again = _pay(resident_id, "key-declined", CountingProvider())
    assert again.id == payment.id and again.status == DECLINED


def _payment(status: str, provider: str, receipt_number: str = "R-1") -> Payment:
    return Payment(status=status, provider=provider, receipt_number=receipt_number, amount=Decimal("1234.5"))


@pytest.mark.parametrize(
    "status, provider, response, text",
    [
        (SUCCEEDED, "bank", "utter_payment_receipt_paid", "Квитанция № R-1: 1 234,50 ₽, оплачено."),
        (DECLINED, "bank", "utter_payment_receipt_declined", "Квитанция № R-1: 1 234,50 ₽, платёж отклонён."),
        (
            SUCCEEDED,
            "sandbox",
            "utter_payment_receipt_paid_sandbox",
            "ТЕСТОВЫЙ ПЛАТЁЖ (песочница). Квитанция № R-1: 1 234,50 ₽, оплачено. Деньги не списаны.",
        ),
        (
            DECLINED,
            "sandbox",
            "utter_payment_receipt_declined_sandbox",
            "ТЕСТОВЫЙ ПЛАТЁЖ (песочница). Квитанция № R-1: 1 234,50 ₽, платёж отклонён. Деньги не списаны.",
        ),
    ],
)
def test_the_receipt_is_a_core_response_marking_every_test_payment(status, provider, response, text):
    name, values = receipt(_payment(status, provider))
    assert (name, values) == (response, {"receipt_number": "R-1", "amount": "1 234,50 ₽"})
    assert phrase(assembled_domain(), name, **values) == text


def test_a_repeated_request_returns_the_first_payment_and_charges_once(store):
    resident_id = _resident()
    provider = CountingProvider()
    first = _pay(resident_id, "key-2", provider)
    again = _pay(resident_id, "key-2", provider)
    assert again.id == first.id and again.amount == Decimal("1500.50")
    assert provider.charges == ["key-2"]


def test_a_key_reused_for_another_amount_is_refused(store):
    """The key names one request: the same key with another sum is not a retry, and must not be told «paid»."""
    resident_id = _resident()
    provider = CountingProvider()
    _pay(resident_id, "key-3", provider)
    with pytest.raises(PaymentRefused, match="amount"):
        _pay(resident_id, "key-3", provider, amount="9999")
    assert provider.charges == ["key-3"]
    with session_scope() as session:
        assert session.execute(select(func.count(Payment.id))).scalar_one() == 1


def test_concurrent_requests_with_one_key_charge_once(store):
    resident_id = _resident()
    provider = CountingProvider(delay=0.3)
    results = at_once(lambda _: _pay(resident_id, "key-race", provider).id, range(2))
    assert len(results) == 2 and results[0] == results[1]
    assert provider.charges == ["key-race"]


@pytest.mark.parametrize("amount", ["0", "-5", "abc", "10000000"])
def test_bad_amounts_are_refused_before_any_charge(store, amount):
    resident_id = _resident()
    provider = CountingProvider()
    with pytest.raises(PaymentRefused):
        _pay(resident_id, f"key-{amount}", provider, amount=amount)
    assert provider.charges == []


def test_the_provider_comes_from_the_settings(store, monkeypatch):
    from engine.settings import settings

    # Not the default (the sandbox): the setting must be what chooses the provider.
    monkeypatch.setenv("ASSISTANT_PAYMENT_PROVIDER", "tests.store.test_payments.DecliningProvider")
    settings.cache_clear()
    try:
        payment = _pay(_resident(), "key-settings")
    finally:
        settings.cache_clear()  # the next settings() reads the environment monkeypatch restores
    assert payment.provider == "declining" and payment.status == DECLINED


def test_only_the_sandbox_counts_as_test_payments(monkeypatch):
    from engine.settings import settings

    try:
        monkeypatch.setenv("ASSISTANT_PAYMENT_PROVIDER", "engine.payments.SandboxProvider")
        settings.cache_clear()
        assert payments_are_test()
        monkeypatch.setenv("ASSISTANT_PAYMENT_PROVIDER", "tests.store.test_payments.DecliningProvider")
        settings.cache_clear()
        assert not payments_are_test()
    finally:
        settings.cache_clear()
