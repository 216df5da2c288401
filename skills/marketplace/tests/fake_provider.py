"""A payment provider for the marketplace's money tests: succeeds (or declines) like the sandbox and counts every
charge and refund it is asked for, across threads. Chosen through ASSISTANT_PAYMENT_PROVIDER (the `counting`
fixture), so the skill's code reaches it exactly as it reaches a real provider."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar, List, Tuple

from engine.sdk import DECLINED, SUCCEEDED

PATH = "skills.marketplace.tests.fake_provider.CountingProvider"


@dataclass(frozen=True)
class Answer:
    status: str
    provider_reference: str
    receipt_number: str
    message: str


class CountingProvider:
    """Every instance shares the class's record: the skill makes a new provider for every payment."""

    name = "counting"
    charges: ClassVar[List[str]] = []
    refunds: ClassVar[List[Tuple[str, Decimal]]] = []
    decline_charges = False
    _lock = threading.Lock()

    @classmethod
    def reset(cls) -> None:
        cls.charges, cls.refunds, cls.decline_charges = [], [], False

    def charge(
        self, *, idempotency_key: str, amount: Decimal, currency: str, description: str, payer_reference: str
    ) -> Answer:
        with self._lock:
            type(self).charges.append(idempotency_key)
        status = DECLINED if type(self).decline_charges else SUCCEEDED
        return Answer(status, f"charge-{idempotency_key}", f"R-{len(self.charges)}", "counted")

    def refund(
        self,
        *,
        idempotency_key: str,
        payment_reference: str,
        amount: Decimal,
        currency: str,
        description: str,
    ) -> Answer:
        with self._lock:
            type(self).refunds.append((idempotency_key, Decimal(amount)))
        return Answer(SUCCEEDED, f"refund-{idempotency_key}", "", "counted")
