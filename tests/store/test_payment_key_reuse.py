"""An idempotency key answers only the request it was made for: a key reused by another resident, skill or purpose
is refused, never answered with somebody else's payment (pay, reserve_payment). On SQLite and PostgreSQL."""

from decimal import Decimal

import pytest

from engine.payments import PaymentRefused, pay
from engine.store import session_scope
from engine.store.models import Resident


def _resident() -> int:
    with session_scope() as session:
        resident = Resident()
        session.add(resident)
        session.flush()
        return resident.id


def _pay(
    resident_id: int, key: str, purpose: str = "account:1", skill: str = "utilities", amount: str = "100"
):
    with session_scope() as session:
        return pay(
            session,
            resident_id=resident_id,
            skill=skill,
            purpose=purpose,
            amount=Decimal(amount),
            idempotency_key=key,
            description="test",
        )


def test_a_key_reused_by_another_resident_is_refused(store):
    first, second = _resident(), _resident()
    paid = _pay(first, "key-1")
    with pytest.raises(PaymentRefused):
        _pay(second, "key-1")
    assert _pay(first, "key-1").id == paid.id


@pytest.mark.parametrize("change", [{"purpose": "account:2"}, {"skill": "transport"}])
def test_a_key_reused_for_another_purpose_or_skill_is_refused(store, change):
    resident = _resident()
    _pay(resident, "key-1")
    with pytest.raises(PaymentRefused):
        _pay(resident, "key-1", **change)
