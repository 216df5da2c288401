from datetime import timedelta
from decimal import Decimal

from engine.sdk import clock
from skills.marketplace import dispatch, orders
from skills.marketplace.tests.conftest import NOW, moscow

TOMORROW = NOW.date() + timedelta(days=1)


def test_score_orders_by_load_then_rating_then_reviews_then_id():
    ranked = sorted(
        [
            dispatch.score(1, Decimal("5.0"), 100, 1),
            dispatch.score(0, Decimal("4.0"), 3, 9),
            dispatch.score(0, Decimal("4.8"), 5, 7),
            dispatch.score(0, Decimal("4.8"), 20, 8),
            dispatch.score(0, Decimal("4.8"), 20, 2),
        ]
    )
    assert [key[3] for key in ranked] == [2, 8, 7, 9, 1]


def test_highest_rating_wins_among_equally_loaded(factory, session):
    factory.provider("Средний", rating="4.20")
    best = factory.provider("Лучший", rating="4.90")
    factory.provider("Электрик", categories=("electrician",), rating="5.00")
    assert dispatch.choose_provider(session, "plumber", moscow(TOMORROW, 10)) is best


def test_lower_load_beats_higher_rating(factory, session):
    customer = factory.resident("c1")
    busy = factory.provider("Загруженный", rating="5.00")
    free = factory.provider("Свободный", rating="4.00")
    orders.place_order(
        session,
        customer,
        "plumber",
        "ул. Речная, 1",
        moscow(TOMORROW, 15),
        offer_id=factory.offer_of(busy).id,
        now=NOW,
    )
    assert dispatch.choose_provider(session, "plumber", moscow(TOMORROW, 10)) is free


def test_tie_is_broken_by_reviews_then_by_id(factory, session):
    first = factory.provider("Первый", rating="4.50", reviews=10)
    factory.provider("Второй", rating="4.50", reviews=10)
    assert dispatch.choose_provider(session, "plumber", moscow(TOMORROW, 10)) is first
    more_reviews = factory.provider("Третий", rating="4.50", reviews=11)
    assert dispatch.choose_provider(session, "plumber", moscow(TOMORROW, 10)) is more_reviews


def test_busy_off_duty_excluded_pending_and_other_district_providers_are_skipped(factory, session):
    customer = factory.resident("c1")
    busy = factory.provider("Занят", rating="5.00")
    factory.provider("Спит", rating="5.00", hours=(12, 20))
    factory.provider("Кандидат", rating="5.00", status="pending")
    factory.provider("Далеко", rating="5.00", districts=("Южный",))
    excluded = factory.provider("Исключён", rating="4.90")
    fallback = factory.provider("Запасной", rating="3.00")
    orders.place_order(
        session,
        customer,
        "plumber",
        "ул. Речная, 1",
        moscow(TOMORROW, 9),
        offer_id=factory.offer_of(busy).id,
        now=NOW,
    )
    chosen = dispatch.choose_provider(
        session, "plumber", moscow(TOMORROW, 10), exclude_provider_ids=[excluded.id], district="Заречный"
    )
    assert chosen is fallback


def test_slot_must_fit_working_hours(factory, session):
    provider = factory.provider("До шести", hours=(9, 18), duration=120)
    assert dispatch.choose_provider(session, "plumber", moscow(TOMORROW, 16)) is provider
    assert dispatch.choose_provider(session, "plumber", moscow(TOMORROW, 17)) is None
    assert dispatch.choose_provider(session, "plumber", moscow(TOMORROW, 8)) is None


def test_nearest_free_slot_skips_booked_hours(factory, session):
    customer = factory.resident("c1")
    provider = factory.provider("Мастер", hours=(9, 12), duration=120)
    orders.place_order(
        session,
        customer,
        "plumber",
        "ул. Речная, 1",
        moscow(TOMORROW, 9),
        offer_id=factory.offer_of(provider).id,
        now=NOW,
    )
    # the order is unpaid: its hours are held for a while after NOW (dispatch.UNPAID_HOLD)
    slot = dispatch.nearest_free_slot(session, provider, moscow(TOMORROW, 0), 120, now=NOW)
    assert clock.to_local(slot) == moscow(TOMORROW + timedelta(days=1), 9)
    assert dispatch.nearest_free_slot(
        session, provider, moscow(TOMORROW, 0), 60, day=TOMORROW, now=NOW
    ) == clock.to_store(moscow(TOMORROW, 11))
