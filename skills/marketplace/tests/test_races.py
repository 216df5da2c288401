"""Issue 15, defect 4: two workers changing one order or one provider at once lose no update. A cancellation racing
the provider's «выполнен» — exactly one wins and the money follows the state; two reviews of one provider at once
both count in the rating. On SQLite and PostgreSQL."""

from decimal import Decimal

from sqlalchemy import select

from engine.sdk import SUCCEEDED, session_scope
from engine.testing import at_once, meeting_after
from skills.marketplace import orders, reviews
from skills.marketplace.models import MarketWarranty
from skills.marketplace.tests.cast import (
    Meeting,
    cancel,
    done_and_paid,
    finish,
    pay,
    place,
    rating_of,
    refunds_of,
    review,
    state_of,
)


def test_a_cancellation_and_the_providers_done_at_once_one_wins_and_the_money_follows(
    market, counting, monkeypatch
):
    number = place(market.anna)
    assert pay(market.anna, number, "key-1")[0] == "paid"
    meeting = Meeting(2)
    monkeypatch.setattr(orders, "cancel_refusal", meeting.after(orders.cancel_refusal))
    monkeypatch.setattr(orders, "set_state", meeting.before(orders.set_state))

    def act(who: str) -> str:
        if who == "customer":
            return "cancelled" if cancel(market.anna, number).cancelled else "refused"
        return finish(market.master, number)

    outcomes = dict(zip(["customer", "provider"], at_once(act, ["customer", "provider"]), strict=True))
    won = [who for who, outcome in outcomes.items() if outcome in ("cancelled", "done")]
    assert len(won) == 1, outcomes
    with session_scope() as session:
        warranties = session.execute(select(MarketWarranty.id).where(MarketWarranty.order_id == number)).all()
    if won == ["customer"]:
        assert state_of(number) == orders.CANCELLED and outcomes["provider"] == "not_forward"
        assert refunds_of(number) == [(Decimal("1500.00"), SUCCEEDED)] and warranties == []
    else:
        assert state_of(number) == orders.DONE and outcomes["customer"] == "refused"
        assert refunds_of(number) == [] and len(warranties) == 1


def test_two_reviews_of_one_provider_at_once_both_count(market, counting, monkeypatch):
    annas = done_and_paid(market, market.anna)
    boriss = done_and_paid(market, market.boris, hour=14)
    monkeypatch.setattr(reviews, "_recompute", meeting_after(reviews._recompute, 2))
    outcomes = at_once(lambda job: review(*job), [(market.anna, annas, 5), (market.boris, boriss, 2)])
    assert outcomes == ["saved", "saved"]
    assert rating_of(market.ivan) == (Decimal("3.50"), 2)


def test_the_same_review_sent_twice_at_once_is_saved_once(market, counting, monkeypatch):
    number = done_and_paid(market, market.anna)
    monkeypatch.setattr(reviews, "parse_rating", meeting_after(reviews.parse_rating, 2))
    outcomes = at_once(lambda _: review(market.anna, number, 4), [1, 2])
    assert sorted(outcomes) == ["already_reviewed", "saved"], outcomes
    assert rating_of(market.ivan) == (Decimal("4.00"), 1)
