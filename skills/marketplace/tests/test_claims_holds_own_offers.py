"""Issue 15, defect 3: one open warranty claim per order (also for two claims at once), unpaid orders hold the
provider's hours only until their hold deadline, and nobody orders, finishes or reviews their own offer — reviews
come from customers of paid orders. On SQLite and PostgreSQL."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine.sdk import clock, session_scope
from engine.testing import at_once, meeting_after
from skills.marketplace import ledger, orders, warranty
from skills.marketplace.models import MarketOffer, MarketOrder, MarketReview
from skills.marketplace.tests.cast import (
    TOMORROW,
    claim,
    claims_of,
    done_and_paid,
    finish,
    pay,
    place,
    review,
    state_of,
)
from skills.marketplace.tests.conftest import NOW, moscow

# Later than any hold of an unpaid order may last, and still long before the visit (tomorrow at 10).
LONG_AFTER = NOW + timedelta(hours=6)


def test_a_second_claim_while_one_is_open_is_refused(market, counting):
    number = done_and_paid(market, market.anna)
    first = claim(market.anna, number)
    assert first.accepted and first.visit_order_id
    second = claim(market.anna, number)
    assert (second.accepted, second.reason, second.visit_order_id) == (False, "claim_open", None)
    assert second.values == {"order_id": number, "claim_id": first.claim_id}
    assert claims_of(number) == [("accepted", first.visit_order_id)]


def test_two_claims_at_once_book_one_visit(market, counting, monkeypatch):
    number = done_and_paid(market, market.anna)
    monkeypatch.setattr(warranty, "warranty_of", meeting_after(warranty.warranty_of, 2))
    outcomes = at_once(lambda _: claim(market.anna, number), [1, 2])
    assert sorted((result.accepted, result.reason) for result in outcomes) == [
        (False, "claim_open"),
        (True, "same_master"),
    ], outcomes
    assert [status for status, _ in claims_of(number)] == ["accepted"]


def test_a_claim_is_open_again_once_its_visit_is_done(market, counting):
    number = done_and_paid(market, market.anna)
    first = claim(market.anna, number)
    with session_scope() as session:
        visit = session.get(MarketOrder, first.visit_order_id)
        orders.set_state(session, visit, orders.DONE, visit.slot_end)
    assert claim(market.anna, number, day_offset=10).accepted  # a new problem after the repeat visit


def test_an_unpaid_order_holds_the_hours_only_until_its_deadline(market, counting):
    first = place(market.anna, offer=market.ivan_offer)
    with pytest.raises(orders.SlotTaken):
        place(market.boris, offer=market.ivan_offer, now=NOW + timedelta(minutes=10))
    second = place(market.boris, offer=market.ivan_offer, now=LONG_AFTER)
    assert state_of(second) == orders.ASSIGNED and state_of(first) == orders.EXPIRED
    assert pay(market.anna, first, "late-key") == ("refused", "hold_expired")
    assert pay(market.boris, second, "key-2")[0] == "paid"


def test_a_paid_order_keeps_its_hours(market, counting):
    first = place(market.anna, offer=market.ivan_offer)
    assert pay(market.anna, first, "key-1")[0] == "paid"
    with pytest.raises(orders.SlotTaken):
        place(market.boris, offer=market.ivan_offer, now=LONG_AFTER)
    assert state_of(first) == orders.ASSIGNED


def test_an_expired_hold_nobody_took_can_still_be_paid(market, counting):
    first = place(market.anna, offer=market.ivan_offer)
    assert pay(market.anna, first, "key-1")[0] == "paid"  # the hours were still its own
    with session_scope() as session:
        assert ledger.is_paid(session, first)


def test_the_hold_is_a_named_period_shorter_than_the_tests_wait():
    assert timedelta(0) < orders.UNPAID_HOLD < LONG_AFTER - NOW


def test_a_provider_cannot_order_their_own_offer_and_dispatch_never_sends_them_to_themselves(
    market, counting
):
    with pytest.raises(orders.InvalidOffer) as refused:
        place(market.master, offer=market.ivan_offer)
    assert (refused.value.reason, refused.value.values) == ("own_offer", {"offer_id": market.ivan_offer})
    with session_scope() as session:
        quote = orders.quote(session, "plumber", moscow(TOMORROW, 10), now=NOW, customer_id=market.master)
    assert quote.provider_id == market.petr  # Иван would win on rating, but not his own order
    number = place(market.master)
    with session_scope() as session:
        assert session.get(MarketOrder, number).provider_id == market.petr


def test_reviews_come_only_from_customers_of_paid_orders(market, counting):
    unpaid = place(market.anna)
    assert finish(market.master, unpaid) == "done"
    assert review(market.anna, unpaid, 5) == "review_unpaid"
    with (
        session_scope() as session
    ):  # an order of the provider's own offer, made before such orders were refused
        offer = session.get(MarketOffer, market.ivan_offer)
        slot = clock.to_store(moscow(TOMORROW, 14))
        own = orders.book_order(session, market.master, offer, "ул. Речная, 1", slot, offer.price).id
    assert pay(market.master, own, "own-key")[0] == "paid"
    assert finish(market.master, own) == "done"
    assert review(market.master, own, 5) == "review_own_order"
    with session_scope() as session:
        assert session.execute(select(func.count(MarketReview.id))).scalar_one() == 0
