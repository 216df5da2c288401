from datetime import timedelta

import pytest

from skills.marketplace import contract_log, dispatch, ledger, orders, warranty
from skills.marketplace.models import MarketClaim
from skills.marketplace.tests.conftest import NOW, moscow

TOMORROW = NOW.date() + timedelta(days=1)


@pytest.fixture
def cast(session, factory):
    master = factory.resident("master")
    return {
        "master": factory.provider("Иван", rating="4.90", resident_id=master, hours=(9, 12), warranty_days=30),
        "other": factory.provider("Пётр", rating="4.00", warranty_days=30),
        "customer": factory.resident("customer"),
    }


def _done(session, cast, paid=True):
    order = orders.place_order(session, cast["customer"], "plumber", "ул. Речная, 1", moscow(TOMORROW, 10), now=NOW)
    if paid:
        ledger.pay_order(session, cast["customer"], order.id, f"key-{order.id}")
    orders.set_state(session, order, orders.DONE, moscow(TOMORROW, 12))
    return order


def test_claim_in_term_books_a_free_visit_with_the_same_master(session, cast):
    order = _done(session, cast)
    assert warranty.claimable_orders(session, cast["customer"], TOMORROW) == [order]
    result = warranty.open_claim(session, cast["customer"], order.id, "опять течёт", moscow(TOMORROW + timedelta(days=5), 10))
    assert result.accepted and result.claim_id and result.visit_order_id
    visit = session.get(orders.Order, result.visit_order_id)
    assert visit.provider_id == order.provider_id and visit.price == 0 and visit.state == orders.ASSIGNED
    assert dispatch.to_local(visit.slot_start) == moscow(TOMORROW + timedelta(days=6), 9)
    assert "тот же мастер" in result.message
    with pytest.raises(ledger.NotPayable):
        ledger.pay_order(session, cast["customer"], visit.id, "visit-key")
    assert warranty.claimable_orders(session, cast["customer"], TOMORROW) == [order]  # visits are not claimable
    orders.set_state(session, visit, orders.DONE, moscow(TOMORROW + timedelta(days=6), 11))
    assert session.get(MarketClaim, result.claim_id).status == "resolved"
    kinds = [event.kind for event in contract_log.events_of(session, order.id)]
    assert kinds == ["order_done", "warranty_started", "claim_opened", "visit_done"]


def test_another_master_comes_when_the_same_one_has_no_free_time(session, cast, monkeypatch):
    order = _done(session, cast)
    real = dispatch.nearest_free_slot
    monkeypatch.setattr(dispatch, "nearest_free_slot",
                        lambda s, provider, *a, **k: None if provider.id == cast["master"].id else real(s, provider, *a, **k))
    result = warranty.open_claim(session, cast["customer"], order.id, "искрит", moscow(TOMORROW + timedelta(days=2), 10))
    visit = session.get(orders.Order, result.visit_order_id)
    assert result.accepted and visit.provider_id == cast["other"].id and "другой мастер" in result.message


def test_claim_out_of_term_is_refused_with_the_dates(session, cast):
    order = _done(session, cast)
    result = warranty.open_claim(session, cast["customer"], order.id, "течёт", moscow(TOMORROW + timedelta(days=31), 10))
    assert not result.accepted and result.visit_order_id is None
    assert "по 21 декабря 2026" in result.message and "с 21 ноября 2026" in result.message
    assert session.get(MarketClaim, result.claim_id).status == "refused"
    assert contract_log.events_of(session, order.id)[-1].kind == contract_log.CLAIM_REFUSED


def test_the_last_day_of_the_term_is_inside(session, cast):
    order = _done(session, cast)
    assert warranty.open_claim(session, cast["customer"], order.id, "течёт", moscow(TOMORROW + timedelta(days=30), 10)).accepted


def test_unpaid_not_done_or_someone_elses_orders_are_refused(session, cast, factory):
    assert warranty.claimable_orders(session, cast["customer"], TOMORROW) == []
    unpaid = _done(session, cast, paid=False)
    result = warranty.open_claim(session, cast["customer"], unpaid.id, "течёт", moscow(TOMORROW, 14))
    assert not result.accepted and "не оплачен" in result.message
    stranger = factory.resident("stranger")
    assert not warranty.open_claim(session, stranger, unpaid.id, "течёт", moscow(TOMORROW, 14)).accepted
    pending = orders.place_order(session, cast["customer"], "plumber", "ул. Речная, 1", moscow(TOMORROW, 15), now=NOW)
    assert "не выполнен" in warranty.open_claim(session, cast["customer"], pending.id, "течёт", NOW).message
