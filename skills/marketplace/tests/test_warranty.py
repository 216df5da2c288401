from datetime import timedelta

import pytest

from engine.sdk import clock
from skills.marketplace import contract_log, dispatch, ledger, orders, warranty
from skills.marketplace.models import MarketClaim, MarketOrder
from skills.marketplace.tests.conftest import NOW, moscow

TOMORROW = NOW.date() + timedelta(days=1)


@pytest.fixture
def cast(session, factory):
    master = factory.resident("master")
    return {
        "master": factory.provider(
            "Иван", rating="4.90", resident_id=master, hours=(9, 12), warranty_days=30
        ),
        "other": factory.provider("Пётр", rating="4.00", warranty_days=30),
        "customer": factory.resident("customer"),
    }


def _done(session, cast, paid=True):
    order = orders.place_order(
        session, cast["customer"], "plumber", "ул. Речная, 1", moscow(TOMORROW, 10), now=NOW
    )
    if paid:
        ledger.pay_order(session, cast["customer"], order.id, f"key-{order.id}")
    orders.set_state(session, order, orders.DONE, moscow(TOMORROW, 12))
    return order


def test_claim_in_term_books_a_free_visit_with_the_same_master(session, cast):
    order = _done(session, cast)
    assert warranty.claimable_orders(session, cast["customer"], TOMORROW) == [order]
    result = warranty.open_claim(
        session, cast["customer"], order.id, "опять течёт", moscow(TOMORROW + timedelta(days=5), 10)
    )
    assert result.accepted and result.claim_id and result.visit_order_id
    visit = session.get(MarketOrder, result.visit_order_id)
    assert visit.provider_id == order.provider_id and visit.price == 0 and visit.state == orders.ASSIGNED
    assert clock.to_local(visit.slot_start) == moscow(TOMORROW + timedelta(days=6), 9)
    assert result.reason == "same_master" and result.values == {
        "claim_id": result.claim_id,
        "order_id": order.id,
        "category": "plumber",
        "ends_on": TOMORROW + timedelta(days=30),
        "slot": visit.slot_start,
        "provider": "Иван",
        "visit_id": visit.id,
    }
    with pytest.raises(ledger.NotPayable):
        ledger.pay_order(session, cast["customer"], visit.id, "visit-key")
    assert warranty.claimable_orders(session, cast["customer"], TOMORROW) == [
        order
    ]  # visits are not claimable
    orders.set_state(session, visit, orders.DONE, moscow(TOMORROW + timedelta(days=6), 11))
    assert session.get(MarketClaim, result.claim_id).status == "resolved"
    kinds = [event.kind for event in contract_log.events_of(session, order.id)]
    assert kinds == ["order_done", "warranty_started", "claim_opened", "visit_done"]


def test_another_master_comes_when_the_same_one_has_no_free_time(session, cast, monkeypatch):
    order = _done(session, cast)
    real = dispatch.nearest_free_slot
    monkeypatch.setattr(
        dispatch,
        "nearest_free_slot",
        lambda s, provider, *a, **k: None if provider.id == cast["master"].id else real(s, provider, *a, **k),
    )
    result = warranty.open_claim(
        session, cast["customer"], order.id, "искрит", moscow(TOMORROW + timedelta(days=2), 10)
    )
    visit = session.get(MarketOrder, result.visit_order_id)
    assert result.accepted and visit.provider_id == cast["other"].id and result.reason == "other_master"
    assert result.values["provider"] == "Пётр"


def test_a_claim_is_accepted_without_a_visit_when_nobody_has_time(session, cast, monkeypatch):
    order = _done(session, cast)
    monkeypatch.setattr(dispatch, "nearest_free_slot", lambda *a, **k: None)
    monkeypatch.setattr(dispatch, "candidates", lambda *a, **k: [])
    result = warranty.open_claim(
        session, cast["customer"], order.id, "искрит", moscow(TOMORROW + timedelta(days=2), 10)
    )
    assert (result.accepted, result.reason, result.visit_order_id) == (True, "no_free_time", None)
    assert session.get(MarketClaim, result.claim_id).status == "accepted"


def test_claim_out_of_term_is_refused_with_the_dates(session, cast):
    order = _done(session, cast)
    result = warranty.open_claim(
        session, cast["customer"], order.id, "течёт", moscow(TOMORROW + timedelta(days=31), 10)
    )
    assert not result.accepted and result.visit_order_id is None
    assert result.reason == "claim_expired" and result.values == {
        "order_id": order.id,
        "starts_on": TOMORROW,
        "ends_on": TOMORROW + timedelta(days=30),
        "today": TOMORROW + timedelta(days=31),
    }
    claim = session.get(MarketClaim, result.claim_id)
    assert (claim.status, claim.reason) == ("refused", "claim_expired")
    assert contract_log.events_of(session, order.id)[-1].kind == contract_log.CLAIM_REFUSED


def test_the_last_day_of_the_term_is_inside(session, cast):
    order = _done(session, cast)
    assert warranty.open_claim(
        session, cast["customer"], order.id, "течёт", moscow(TOMORROW + timedelta(days=30), 10)
    ).accepted


def test_unpaid_not_done_or_someone_elses_orders_are_refused(session, cast, factory):
    assert warranty.claimable_orders(session, cast["customer"], TOMORROW) == []
    unpaid = _done(session, cast, paid=False)
    result = warranty.open_claim(session, cast["customer"], unpaid.id, "течёт", moscow(TOMORROW, 14))
    assert (result.accepted, result.reason, result.values) == (False, "claim_unpaid", {"order_id": unpaid.id})
    stranger = factory.resident("stranger")
    foreign = warranty.open_claim(session, stranger, unpaid.id, "течёт", moscow(TOMORROW, 14))
    assert (foreign.accepted, foreign.reason, foreign.claim_id) == (False, "not_yours", None)
    pending = orders.place_order(
        session, cast["customer"], "plumber", "ул. Речная, 1", moscow(TOMORROW, 15), now=NOW
    )
    not_done = warranty.open_claim(session, cast["customer"], pending.id, "течёт", NOW)
    assert (not_done.accepted, not_done.reason, not_done.claim_id) == (False, "claim_not_done", None)
