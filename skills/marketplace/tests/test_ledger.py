from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from engine.sdk import Payment, clock, set_parameter
from skills.marketplace import ledger, orders
from skills.marketplace.models import MarketPayment
from skills.marketplace.tests.conftest import NOW, moscow

TOMORROW = NOW.date() + timedelta(days=1)


@pytest.mark.parametrize(
    "amount, percent, share, commission",
    [
        ("1500", "10", "1350.00", "150.00"),
        ("999.99", "10", "899.99", "100.00"),
        ("333.33", "12.5", "291.66", "41.67"),
        ("0.01", "10", "0.01", "0.00"),
    ],
)
def test_split_always_adds_up(amount, percent, share, commission):
    assert ledger.split(Decimal(amount), Decimal(percent)) == (Decimal(share), Decimal(commission))
    assert sum(ledger.split(Decimal(amount), Decimal(percent))) == Decimal(amount)


@pytest.fixture
def order(session, factory):
    set_parameter(
        session, "commission_percent", Decimal("12"), effective_from=date(2026, 1, 1), source="test"
    )
    factory.provider("Иван", price="1500")
    customer = factory.resident("customer")
    return orders.place_order(session, customer, "plumber", "ул. Речная, 1", moscow(TOMORROW, 10), now=NOW)


def test_payment_records_the_split_with_the_commission_in_force(session, order, monkeypatch):
    described = []
    real_charge = ledger.charge_reserved
    monkeypatch.setattr(
        ledger,
        "charge_reserved",
        lambda *a, **k: described.append(k["description"]) or real_charge(*a, **k),
    )
    paid = ledger.pay_order(session, order.customer_id, order.id, "key-1")
    assert (paid.order_id, paid.provider_share, paid.commission, paid.commission_percent) == (
        order.id,
        Decimal("1320.00"),
        Decimal("180.00"),
        Decimal("12.00"),
    )
    assert paid.payment.amount == Decimal("1500.00") and paid.payment.receipt_number.startswith("TEST-")
    assert described == [f"Оплата заказа № {order.id} в кооперативе услуг"]
    assert ledger.balance_check(session)


def test_a_retried_confirmation_never_pays_twice(session, order):
    first = ledger.pay_order(session, order.customer_id, order.id, "key-1")
    again = ledger.pay_order(session, order.customer_id, order.id, "key-1")
    assert again.payment.id == first.payment.id
    assert session.execute(select(func.count(Payment.id))).scalar_one() == 1
    with pytest.raises(ledger.NotPayable) as refused:
        ledger.pay_order(session, order.customer_id, order.id, "key-2")
    assert (refused.value.reason, refused.value.values) == ("already_paid", {"order_id": order.id})
    assert session.execute(select(func.count(Payment.id))).scalar_one() == 1


def test_not_payable_when_cancelled_or_not_theirs(session, factory, order):
    stranger = factory.resident("stranger")
    with pytest.raises(ledger.NotPayable) as foreign:
        ledger.pay_order(session, stranger, order.id, "key-x")
    assert foreign.value.reason == "not_yours"
    orders.cancel(session, order.customer_id, order.id, NOW)
    with pytest.raises(ledger.NotPayable) as refused:
        ledger.pay_order(session, order.customer_id, order.id, "key-1")
    assert (refused.value.reason, refused.value.values) == ("cancelled_unpaid", {"order_id": order.id})
    assert session.execute(select(func.count(Payment.id))).scalar_one() == 0


def test_balance_check_detects_a_split_that_does_not_add_up(session, order):
    ledger.pay_order(session, order.customer_id, order.id, "key-1")
    session.execute(update(MarketPayment).values(commission=Decimal("181.00")))
    assert not ledger.balance_check(session)


def test_a_commission_decided_by_the_members_applies_from_its_day_on(session, order):
    """The governance skill's adopted change reaches the marketplace only through the engine's parameter."""
    today = clock.today()
    set_parameter(
        session, "commission_percent", Decimal("7"), effective_from=today + timedelta(days=1), source="t"
    )
    assert ledger.pay_order(session, order.customer_id, order.id, "key-1").commission_percent == Decimal(
        "12.00"
    )
    set_parameter(session, "commission_percent", Decimal("7"), effective_from=today, source="t")
    assert ledger.parameters(session)[0] == Decimal("7.00")
