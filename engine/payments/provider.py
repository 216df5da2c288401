"""Who moves the money: a pluggable payment provider (`payment_provider` setting) and the built-in sandbox."""

from __future__ import annotations

import hashlib
import importlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from engine.settings import require_development_mode, settings

SUCCEEDED = "succeeded"
DECLINED = "declined"


@dataclass(frozen=True)
class ProviderResult:
    """What the provider answered: the outcome, its own reference, a receipt number and a note for the logs."""

    status: str  # SUCCEEDED or DECLINED
    provider_reference: str
    receipt_number: str
    message: str


class PaymentProvider(Protocol):
    """Charges a payer and refunds them. Must itself be idempotent on `idempotency_key`, as real acquirers are."""

    name: str

    def charge(
        self, *, idempotency_key: str, amount: Decimal, currency: str, description: str, payer_reference: str
    ) -> ProviderResult: ...

    def refund(
        self,
        *,
        idempotency_key: str,
        payment_reference: str,
        amount: Decimal,
        currency: str,
        description: str,
    ) -> ProviderResult: ...


class SandboxProvider:
    """Moves no money and always succeeds; every receipt is shown to the resident as a test payment. For development."""

    name = "sandbox"

    def charge(
        self, *, idempotency_key: str, amount: Decimal, currency: str, description: str, payer_reference: str
    ) -> ProviderResult:
        # Derived from the key, so a retried charge answers exactly as the first one did.
        digest = _digest(idempotency_key)
        return ProviderResult(
            status=SUCCEEDED,
            provider_reference=f"sandbox-{digest.lower()}",
            receipt_number=f"TEST-{digest}",
            message="sandbox: no money moved",
        )

    def refund(
        self,
        *,
        idempotency_key: str,
        payment_reference: str,
        amount: Decimal,
        currency: str,
        description: str,
    ) -> ProviderResult:
        # Derived from the key as a charge's is, so a retried refund answers exactly as the first one did.
        digest = _digest(idempotency_key)
        return ProviderResult(
            status=SUCCEEDED,
            provider_reference=f"sandbox-refund-{digest.lower()}",
            receipt_number=f"TEST-R-{digest}",
            message="sandbox: no money moved",
        )


def _digest(idempotency_key: str) -> str:
    return hashlib.sha256(idempotency_key.encode()).hexdigest()[:10].upper()


def payment_provider() -> PaymentProvider:
    """The provider named by the settings; the sandbox only in development mode."""
    require_development_mode(settings(), "payment_provider")
    module_name, _, class_name = settings().payment_provider.rpartition(".")
    return getattr(importlib.import_module(module_name), class_name)()


def payments_are_test() -> bool:
    """Whether the configured provider moves no money: confirmations then say the payment is a test."""
    return payment_provider().name == SandboxProvider.name
