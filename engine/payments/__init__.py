"""The engine's payment interface: every skill that takes money pays through `pay` (or `reserve_payment`, then
`charge_reserved`) and gives it back through `refund` (each never twice per key; never more back than was paid)."""

from engine.payments.provider import (
    DECLINED,
    SUCCEEDED,
    PaymentProvider,
    ProviderResult,
    SandboxProvider,
    payment_provider,
    payments_are_test,
)
from engine.payments.refunds import refund, refunded_amount
from engine.payments.service import (
    PENDING,
    PaymentRefused,
    charge_reserved,
    is_test_payment,
    pay,
    receipt,
    reserve_payment,
)
from engine.store.models import PaymentRefund

__all__ = [
    "DECLINED",
    "PENDING",
    "SUCCEEDED",
    "PaymentProvider",
    "PaymentRefund",
    "PaymentRefused",
    "ProviderResult",
    "SandboxProvider",
    "charge_reserved",
    "is_test_payment",
    "pay",
    "payment_provider",
    "payments_are_test",
    "receipt",
    "refund",
    "refunded_amount",
    "reserve_payment",
]
