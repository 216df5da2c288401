"""Issue 15, defect 1: an order is charged once, whatever keys, retries and workers do — the order is claimed for
payment before the provider is asked — and an idempotency key answers only the request it was made for. On SQLite
and PostgreSQL."""

from datetime import timedelta
from decimal import Decimal

from engine.sdk import SUCCEEDED, session_scope, utcnow
from engine.testing import at_once, meeting_after
from skills.marketplace import ledger
from skills.marketplace.tests.cast import cancel, pay, payments, place


def test_two_payments_of_one_order_with_different_keys_charge_once(market, counting, monkeypatch):
    number = place(market.anna)
    monkeypatch.setattr(ledger, "payment_of", meeting_after(ledger.payment_of, 2))
    outcomes = at_once(lambda key: pay(market.anna, number, key), ["key-a", "key-b"])
    assert len(counting.charges) == 1, f"the provider charged {counting.charges}; the workers said {outcomes}"
    assert sorted(kind for kind, _ in outcomes) == ["paid", "refused"], outcomes
    assert payments() == [(Decimal("1500.00"), SUCCEEDED)]
    with session_scope() as session:
        assert ledger.is_paid(session, number) and ledger.balance_check(session)


def test_the_same_confirmation_twice_at_once_charges_once(market, counting, monkeypatch):
    number = place(market.anna)
    monkeypatch.setattr(ledger, "payment_of", meeting_after(ledger.payment_of, 2))
    outcomes = at_once(lambda _: pay(market.anna, number, "same-key"), [1, 2])
    assert counting.charges == ["same-key"], outcomes
    # the twin answers with the same payment, or says it is still going on: never an error, never a second one
    assert sorted(kind for kind, _ in outcomes) in (["paid", "paid"], ["paid", "refused"]), outcomes
    assert len({value for kind, value in outcomes if kind == "paid"}) == 1
    assert payments() == [(Decimal("1500.00"), SUCCEEDED)]


def test_a_key_used_by_another_resident_or_for_another_amount_is_refused(market, counting):
    annas, boriss = place(market.anna), place(market.boris, hour=14)
    paid = pay(market.anna, annas, "key-1")
    assert paid[0] == "paid"
    assert pay(market.boris, boriss, "key-1") == ("refused", "key_reused")  # never Анна's payment
    cheaper = place(market.anna, hour=16, offer=market.petr_offer)  # 900 ₽: another amount
    assert pay(market.anna, cheaper, "key-1") == ("refused", "key_reused")
    assert pay(market.anna, annas, "key-1") == paid  # the same request again: the same payment
    assert counting.charges == ["key-1"]
    assert payments() == [(Decimal("1500.00"), SUCCEEDED)]
    with session_scope() as session:
        assert not ledger.is_paid(session, boriss) and not ledger.is_paid(session, cheaper)
    assert pay(market.boris, boriss, "key-2")[0] == "paid"  # a key of his own pays his order


def test_a_payment_left_under_way_is_finished_once_by_the_next_request(market, counting, monkeypatch):
    """A worker stops after its reservation was committed, before the provider was asked: the order is neither
    paid twice nor stuck — the next request, once the payment is overdue, finishes it with its own key."""
    number = place(market.anna)
    real_charge = ledger.charge_reserved

    def reserved_then_stopped(session, payment, **kwargs):
        session.commit()
        raise RuntimeError("the worker stopped")

    monkeypatch.setattr(ledger, "charge_reserved", reserved_then_stopped)
    assert pay(market.anna, number, "first") == ("error", "RuntimeError")
    monkeypatch.setattr(ledger, "charge_reserved", real_charge)
    assert pay(market.anna, number, "second") == ("refused", "payment_pending")
    assert cancel(market.anna, number).refused.reason == "payment_pending"
    assert counting.charges == []
    later = utcnow() + ledger.PAYMENT_UNDER_WAY + timedelta(seconds=1)
    with session_scope() as session:
        paid = ledger.pay_order(session, market.anna, number, "second", now=later)
    assert paid.payment.idempotency_key == "first" and counting.charges == ["first"]
    assert pay(market.anna, number, "third") == ("refused", "already_paid")
    assert payments() == [(Decimal("1500.00"), SUCCEEDED)]
