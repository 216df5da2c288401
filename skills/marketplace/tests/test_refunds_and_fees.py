"""Issue 15, defect 2: cancelling a paid order gives the money back through the engine's refunds — in full when
early, less the late-cancel fee when late, with the fee and its split kept in the ledger — and once, also for two
cancellations at once. On SQLite and PostgreSQL."""

from decimal import Decimal

from engine.sdk import SUCCEEDED, session_scope
from engine.testing import at_once, meeting_after
from skills.marketplace import ledger, orders
from skills.marketplace.tests.cast import TOMORROW, cancel, pay, place, refunds_of, state_of
from skills.marketplace.tests.conftest import moscow


def test_cancelling_a_paid_order_early_refunds_it_in_full_once(market, counting):
    number = place(market.anna)
    assert pay(market.anna, number, "key-1")[0] == "paid"
    result = cancel(market.anna, number)
    assert (result.cancelled, result.fee) == (True, Decimal("0.00"))
    assert refunds_of(number) == [(Decimal("1500.00"), SUCCEEDED)]
    again = cancel(market.anna, number)
    assert (again.cancelled, again.refused.reason) == (False, "already_cancelled")
    assert refunds_of(number) == [(Decimal("1500.00"), SUCCEEDED)]
    assert [amount for _, amount in counting.refunds] == [Decimal("1500.00")]
    with session_scope() as session:
        assert ledger.balance_check(session)


def test_two_cancellations_at_once_refund_once(market, counting, monkeypatch):
    number = place(market.anna)
    assert pay(market.anna, number, "key-1")[0] == "paid"
    monkeypatch.setattr(orders, "cancel_refusal", meeting_after(orders.cancel_refusal, 2))
    outcomes = at_once(lambda _: cancel(market.anna, number), [1, 2])
    assert sorted(result.cancelled for result in outcomes) == [False, True], outcomes
    assert refunds_of(number) == [(Decimal("1500.00"), SUCCEEDED)]
    assert len(counting.refunds) == 1 and state_of(number) == orders.CANCELLED


def test_cancelling_late_refunds_the_price_less_the_fee_and_the_ledger_keeps_the_fee(market, counting):
    number = place(market.anna)
    assert pay(market.anna, number, "key-1")[0] == "paid"
    result = cancel(market.anna, number, moscow(TOMORROW, 8))  # two hours before the visit
    assert (result.cancelled, result.fee) == (True, Decimal("450.00"))
    assert refunds_of(number) == [(Decimal("1050.00"), SUCCEEDED)]
    with session_scope() as session:
        fee = ledger.fee_of(session, number)
        assert (fee.amount, fee.provider_share, fee.commission) == (
            Decimal("450.00"),
            Decimal("405.00"),
            Decimal("45.00"),
        )
        assert ledger.balance_check(session)


def test_an_unpaid_order_cancelled_late_moves_no_money(market, counting):
    number = place(market.anna)
    result = cancel(market.anna, number, moscow(TOMORROW, 8))
    assert (result.cancelled, result.fee) == (True, Decimal("450.00"))
    assert refunds_of(number) == [] and counting.charges == [] and counting.refunds == []
