from datetime import timedelta
from decimal import Decimal

import pytest

from engine.sdk import clock
from engine.testing import assembled_domain
from skills.marketplace import contract_log, orders, texts, warranty
from skills.marketplace.tests.conftest import NOW, moscow

TOMORROW = NOW.date() + timedelta(days=1)


@pytest.fixture
def cast(factory):
    master_resident = factory.resident("master")
    return {
        "customer": factory.resident("customer"),
        "stranger": factory.resident("stranger"),
        "master_resident": master_resident,
        "master": factory.provider("Иван", rating="4.90", resident_id=master_resident, price="1500"),
        "other": factory.provider("Пётр", rating="4.10", price="1200"),
    }


def test_quote_shows_the_price_dispatch_will_charge(session, cast):
    quote = orders.quote(session, "plumber", moscow(TOMORROW, 10), now=NOW)
    order = orders.place_order(
        session, cast["customer"], "plumber", "ул. Речная, 1", moscow(TOMORROW, 10), now=NOW
    )
    assert (quote.price, quote.provider_name) == (Decimal("1500.00"), "Иван")
    assert order.provider_id == cast["master"].id and order.price == quote.price
    assert order.state == orders.ASSIGNED
    assert order.slot_end - order.slot_start == timedelta(minutes=quote.duration_minutes)


def test_chosen_offer_is_booked_with_its_provider(session, factory, cast):
    offer = factory.offer_of(cast["other"])
    order = orders.place_order(
        session, cast["customer"], None, "ул. Речная, 1", moscow(TOMORROW, 10), offer_id=offer.id, now=NOW
    )
    assert (order.provider_id, order.offer_id, order.category) == (cast["other"].id, offer.id, "plumber")


def test_a_booked_provider_cannot_be_booked_again_for_an_overlapping_slot(session, factory, cast):
    offer = factory.offer_of(cast["master"])
    orders.place_order(
        session, cast["customer"], "plumber", "ул. Речная, 1", moscow(TOMORROW, 10), offer.id, NOW
    )
    with pytest.raises(orders.SlotTaken) as taken:
        orders.place_order(
            session, cast["stranger"], "plumber", "ул. Южная, 3", moscow(TOMORROW, 11), offer.id, NOW
        )
    assert taken.value.reason == "provider_busy"
    assert taken.value.values == {"provider": "Иван", "nearest": clock.to_store(moscow(TOMORROW, 12))}
    # dispatch sends the second resident to the other plumber instead
    second = orders.place_order(
        session, cast["stranger"], "plumber", "ул. Южная, 3", moscow(TOMORROW, 11), now=NOW
    )
    assert second.provider_id == cast["other"].id
    with pytest.raises(orders.NoProviderAvailable) as nobody:
        orders.place_order(
            session, cast["customer"], "plumber", "ул. Речная, 1", moscow(TOMORROW, 10), now=NOW
        )
    assert nobody.value.reason == "nobody_free"
    assert nobody.value.values == {"slot": clock.to_store(moscow(TOMORROW, 10)), "category": "plumber"}


@pytest.mark.parametrize(
    "slot, reason",
    [
        (moscow(NOW.date(), 9), "too_soon"),
        (moscow(NOW.date(), 9) - timedelta(days=1), "too_soon"),
        (moscow(TOMORROW, 10) + timedelta(minutes=30), "not_whole_hour"),
        (moscow(TOMORROW, 10) + timedelta(days=70), "too_far"),
    ],
)
def test_invalid_slots_are_refused_with_a_reason(session, cast, slot, reason):
    with pytest.raises(orders.InvalidSlot) as refused:
        orders.place_order(session, cast["customer"], "plumber", "ул. Речная, 1", slot, now=NOW)
    assert refused.value.reason == reason


def test_an_order_needs_an_address_and_a_known_category(session, cast):
    with pytest.raises(orders.InvalidSlot) as refused:
        orders.place_order(session, cast["customer"], "plumber", "  ", moscow(TOMORROW, 10), now=NOW)
    assert refused.value.reason == "no_address"
    with pytest.raises(orders.NoProviderAvailable) as unknown:
        orders.place_order(
            session, cast["customer"], "astrologer", "ул. Речная, 1", moscow(TOMORROW, 10), now=NOW
        )
    assert unknown.value.reason == "unknown_category"


def test_outside_the_chosen_providers_hours_is_an_invalid_slot(session, factory, cast):
    with pytest.raises(orders.InvalidSlot) as refused:
        orders.place_order(
            session,
            cast["customer"],
            "plumber",
            "ул. Речная, 1",
            moscow(TOMORROW, 21),
            factory.offer_of(cast["master"]).id,
            NOW,
        )
    assert (refused.value.reason, refused.value.values) == (
        "outside_hours",
        {"provider": "Иван", "start_hour": 9, "end_hour": 20},
    )


def test_only_the_customer_sees_their_orders(session, cast):
    order = orders.place_order(
        session, cast["customer"], "plumber", "ул. Речная, 1", moscow(TOMORROW, 10), now=NOW
    )
    assert orders.order_of(session, cast["customer"], order.id) is order
    assert orders.order_of(session, cast["stranger"], order.id) is None
    assert orders.customer_orders(session, cast["stranger"]) == []
    refused = orders.cancel(session, cast["stranger"], order.id, NOW)
    assert not refused.cancelled and refused.refused.reason == "not_yours"
    assert order.state == orders.ASSIGNED


def test_cancel_is_free_until_the_cutoff_and_releases_the_slot(session, factory, cast):
    offer = factory.offer_of(cast["master"])
    order = orders.place_order(
        session, cast["customer"], "plumber", "ул. Речная, 1", moscow(TOMORROW, 10), offer.id, NOW
    )
    result = orders.cancel(session, cast["customer"], order.id, moscow(TOMORROW, 7))
    assert (result.cancelled, result.fee, result.refused, order.state) == (
        True,
        Decimal("0.00"),
        None,
        orders.CANCELLED,
    )
    again = orders.place_order(
        session, cast["stranger"], "plumber", "ул. Южная, 3", moscow(TOMORROW, 10), offer.id, NOW
    )
    assert again.provider_id == cast["master"].id
    again_cancelled = orders.cancel(session, cast["customer"], order.id, NOW)
    assert not again_cancelled.cancelled and again_cancelled.refused.reason == "already_cancelled"


def test_late_cancel_keeps_a_fee_and_a_started_order_cannot_be_cancelled(session, cast):
    late = orders.place_order(
        session, cast["customer"], "plumber", "ул. Речная, 1", moscow(TOMORROW, 10), now=NOW
    )
    result = orders.cancel(session, cast["customer"], late.id, moscow(TOMORROW, 8))
    assert result.cancelled and result.fee == Decimal("450.00") and result.refused is None
    started = orders.place_order(
        session, cast["customer"], "plumber", "ул. Речная, 1", moscow(TOMORROW, 12), now=NOW
    )
    refused = orders.cancel(session, cast["customer"], started.id, moscow(TOMORROW, 12))
    assert (
        not refused.cancelled
        and refused.refused.reason == "visit_started"
        and started.state == orders.ASSIGNED
    )


def test_provider_moves_the_order_forward_and_done_starts_the_warranty(session, cast):
    order = orders.place_order(
        session, cast["customer"], "plumber", "ул. Речная, 1", moscow(TOMORROW, 10), now=NOW
    )
    with pytest.raises(orders.NotYourOrder):
        orders.advance(session, cast["stranger"], order.id, orders.CONFIRMED, NOW)
    orders.advance(session, cast["master_resident"], order.id, orders.CONFIRMED, NOW)
    with pytest.raises(orders.BadTransition) as backwards:
        orders.advance(session, cast["master_resident"], order.id, orders.CONFIRMED, NOW)
    assert backwards.value.reason == "not_forward"
    assert backwards.value.values == {
        "order_id": order.id,
        "order_state": orders.CONFIRMED,
        "new_state": orders.CONFIRMED,
    }
    orders.advance(session, cast["master_resident"], order.id, orders.DONE, moscow(TOMORROW, 12))
    contract = warranty.warranty_of(session, order.id)
    assert (contract.starts_on, contract.ends_on) == (TOMORROW, TOMORROW + timedelta(days=30))
    assert [event.kind for event in contract_log.events_of(session, order.id)] == [
        contract_log.ORDER_DONE,
        contract_log.WARRANTY_STARTED,
    ]
    with pytest.raises(orders.BadTransition):
        orders.advance(session, cast["master_resident"], order.id, orders.IN_PROGRESS, NOW)
    too_late = orders.cancel(session, cast["customer"], order.id, NOW).refused
    assert (too_late.reason, too_late.values) == (
        "cancel_too_late",
        {"order_id": order.id, "order_state": orders.DONE},
    )
    assert texts.order_summary(assembled_domain(), order).endswith("— 1 500 ₽, выполнен (Иван).")


def test_a_cancelled_order_cannot_be_advanced(session, cast):
    order = orders.place_order(
        session, cast["customer"], "plumber", "ул. Речная, 1", moscow(TOMORROW, 10), now=NOW
    )
    orders.cancel(session, cast["customer"], order.id, NOW)
    with pytest.raises(orders.BadTransition):
        orders.advance(session, cast["master_resident"], order.id, orders.DONE, NOW)


def test_only_provider_states_can_be_set(session, cast):
    order = orders.place_order(
        session, cast["customer"], "plumber", "ул. Речная, 1", moscow(TOMORROW, 10), now=NOW
    )
    with pytest.raises(orders.BadTransition) as refused:
        orders.set_state(session, order, orders.CANCELLED, NOW)
    assert refused.value.reason == "unknown_state"
    assert refused.value.values == {"state": "cancelled", "allowed": "confirmed, in_progress, done"}
