import threading
import time
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from engine.payments import SANDBOX_NOTICE, SUCCEEDED, PaymentRefused, ProviderResult, SandboxProvider, pay, receipt_line
from engine.store import session_scope
from engine.store.models import AuditRecord, Payment, Resident


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
            idempotency_key=idempotency_key, amount=amount, currency=currency, description=description,
            payer_reference=payer_reference,
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
            session, resident_id=resident_id, skill="utilities", purpose="account:1002003004",
            amount=amount, idempotency_key=key, description="Квартплата", provider=provider,
        )


def test_a_payment_is_stored_audited_and_marked_as_a_test(store):
    resident_id = _resident()
    payment = _pay(resident_id, "key-1")
    assert payment.status == SUCCEEDED and payment.provider == "sandbox"
    assert payment.amount == Decimal("1500.50") and payment.currency == "RUB"
    assert payment.receipt_number.startswith("ТЕСТ-")
    assert receipt_line(payment).startswith(SANDBOX_NOTICE)
    assert "1 500,50 ₽" in receipt_line(payment)
    with session_scope() as session:
        (entry,) = session.execute(select(AuditRecord).where(AuditRecord.action == "payment_succeeded")).scalars()
        assert entry.resident_id == resident_id and entry.details["amount"] == "1500.50"


def test_a_repeated_request_returns_the_first_payment_and_charges_once(store):
    resident_id = _resident()
    provider = CountingProvider()
    first = _pay(resident_id, "key-2", provider)
    again = _pay(resident_id, "key-2", provider, amount="9999")
    assert again.id == first.id and again.amount == Decimal("1500.50")
    assert provider.charges == ["key-2"]
    with session_scope() as session:
        assert session.execute(select(func.count(Payment.id))).scalar_one() == 1


def test_concurrent_requests_with_one_key_charge_once(store):
    resident_id = _resident()
    provider = CountingProvider(delay=0.3)
    results, errors = [], []

    def attempt() -> None:
        try:
            results.append(_pay(resident_id, "key-race", provider).id)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
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

    monkeypatch.setenv("ASSISTANT_PAYMENT_PROVIDER", "engine.payments.SandboxProvider")
    settings.cache_clear()
    assert _pay(_resident(), "key-settings").provider == "sandbox"
