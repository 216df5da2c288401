from datetime import time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from engine.residents import identity_for
from engine.sdk import session_scope
from skills.marketplace import catalog, contract_log, demo, dispatch, ledger, orders, providers, reviews, warranty
from skills.marketplace.catalog import SearchQuery
from skills.marketplace.models import MarketProvider
from skills.marketplace.tests.conftest import NOW, moscow

TOMORROW = NOW.date() + timedelta(days=1)  # a Saturday


@pytest.fixture
def session(demo_store):
    with session_scope() as unit:
        yield unit


def test_demo_covers_every_category_with_real_ratings_and_a_consistent_history(session):
    approved = session.execute(select(MarketProvider).where(MarketProvider.status == "approved")).scalars().all()
    assert {c for p in approved for c in p.categories} == set(catalog.CATEGORY_TITLES)
    assert {d for p in approved for d in p.districts} == set(catalog.DISTRICTS)
    assert all(p.review_count > 0 and Decimal("3") <= p.rating <= Decimal("5") for p in approved)
    assert ledger.balance_check(session) and contract_log.verify(session) is None
    assert ledger.parameters(session, NOW.date()) == (Decimal("10"), Decimal("500"))
    assert demo.load_demo(session) is False
    assert session.execute(select(func.count(MarketProvider.id))).scalar_one() == len(demo.PROVIDERS) + 1


def test_demo_provider_identity_is_a_member(session):
    master = providers.provider_of(session, identity_for(session, *demo.PROVIDER_IDENTITY).resident_id)
    assert master is not None and master.name == "Иван Петров" and "plumber" in master.categories
    applicant = identity_for(session, *demo.APPLICANT_IDENTITY).resident_id
    assert providers.application_of(session, applicant).status == "pending"


def test_plumber_for_tomorrow_sorted_by_rating_with_the_nearest_slot(session):
    result = catalog.search(session, SearchQuery(category="plumber", day=TOMORROW, now=NOW))
    assert result.empty_reason is None and len(result.cards) == 4
    ratings = [card.rating for card in result.cards]
    assert ratings == sorted(ratings, reverse=True)
    assert all(dispatch.to_local(card.nearest_slot).date() == TOMORROW for card in result.cards)
    assert result.cards[0].provider_name == "Иван Петров"


def test_electrician_in_zarechny_on_saturday_up_to_2000(session):
    district = catalog.district_of("в Заречном районе")
    result = catalog.search(session, SearchQuery(category="electrician", district=district, day=TOMORROW,
                                                 budget=Decimal("2000"), now=NOW))
    assert {card.provider_name for card in result.cards} == {"Сергей Волков"}
    assert all(card.price <= 2000 for card in result.cards)


def test_sort_by_price(session):
    cards = catalog.search(session, SearchQuery(category="cleaning", sort="price", now=NOW)).cards
    assert [card.price for card in cards] == sorted(card.price for card in cards)
    assert cards[0].title == "Мытьё окон"


def test_empty_result_says_why_and_which_filter_to_relax(session):
    cheap = catalog.search(session, SearchQuery(category="renovation", budget=Decimal("100"), now=NOW))
    assert cheap.cards == [] and "дешевле 100 ₽" in cheap.empty_reason
    assert "увеличить бюджет" in cheap.relax_hint and "от 350 ₽" in cheap.relax_hint
    far = catalog.search(session, SearchQuery(category="beauty", district="Северный", now=NOW))
    assert "в районе Северный" in far.empty_reason and "не ограничивать район" in far.relax_hint
    night = catalog.search(session, SearchQuery(category="tutor", day=TOMORROW, time_from=time(22), now=NOW))
    assert "со свободным временем" in night.empty_reason and "В другое время" in night.relax_hint


def test_busy_provider_shows_the_next_free_slot(session):
    ivan = catalog.search(session, SearchQuery(category="plumber", day=TOMORROW, now=NOW)).cards[0]
    customer = session.execute(select(MarketProvider.resident_id).where(MarketProvider.id == ivan.provider_id)).scalar_one()
    orders.place_order(session, customer, None, "ул. Речная, 1", dispatch.to_local(ivan.nearest_slot), ivan.offer_id, NOW)
    again = catalog.search(session, SearchQuery(category="plumber", day=TOMORROW, now=NOW)).cards
    assert next(c for c in again if c.offer_id == ivan.offer_id).nearest_slot == ivan.nearest_slot + timedelta(hours=2)


def test_compare_the_first_two(session):
    first, second = catalog.search(session, SearchQuery(category="plumber", now=NOW)).cards[:2]
    compared = catalog.compare(session, [first.offer_id, second.offer_id, 9999], NOW)
    assert [card.offer_id for card in compared] == [first.offer_id, second.offer_id]


def test_walkthrough_order_pay_done_review_claim(session):
    resident = identity_for(session, "rest", "walkthrough").resident_id
    order = orders.place_order(session, resident, "plumber", "ул. Речная, 1", moscow(TOMORROW, 10), now=NOW)
    assert order.provider.name == "Иван Петров"
    ledger.pay_order(session, resident, order.id, "walkthrough-pay")
    master = identity_for(session, *demo.PROVIDER_IDENTITY).resident_id
    orders.advance(session, master, order.id, orders.DONE, moscow(TOMORROW, 12))
    reviews.leave_review(session, resident, order.id, reviews.parse_rating("пятёрка"), "быстро")
    claim = warranty.open_claim(session, resident, order.id, "после ремонта опять течёт", moscow(TOMORROW, 18))
    assert claim.accepted and claim.visit_order_id
    assert ledger.balance_check(session) and contract_log.verify(session) is None


@pytest.mark.parametrize("text, district", [("в Заречном районе", "Заречный"), ("левобережный", "Левобережный"),
                                            ("центр", "Центральный"), ("ул. Южная, 3", None), ("Москва", None)])
def test_district_of(text, district):
    assert catalog.district_of(text) == district
