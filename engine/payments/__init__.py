"""The engine's payment interface: every skill that takes money pays through `pay` (never twice per key)."""

from engine.payments.provider import (
    DECLINED,
    SUCCEEDED,
    PaymentProvider,
    ProviderResult,
    SandboxProvider,
    payment_provider,
    payments_are_test,
)
from engine.payments.service import PENDING, PaymentRefused, is_test_payment, pay, receipt

__all__ = [
    "DECLINED",
    "PENDING",
    "SUCCEEDED",
    "PaymentProvider",
    "PaymentRefused",
    "ProviderResult",
    "SandboxProvider",
    "is_test_payment",
    "pay",
    "payment_provider",
    "payments_are_test",
    "receipt",
]
