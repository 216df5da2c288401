from datetime import time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from engine.sdk import clock, resident_for, session_scope
from skills.marketplace import catalog, contract_log, demo, ledger, orders, providers, reviews, warranty
from skills.marketplace.catalog import SearchQuery
from skills.marketplace.models import MarketProvider
from skills.marketplace.tests.conftest import NOW, moscow

TOMORROW = NOW.date() + timedelta(days=1)  # a Saturday


@pytest.fixture
def session(demo_store):
    with session_scope() as unit:
        yield unit


def test_demo_covers_every_category_with_real_ratings_and_a_consistent_history(session):
    approved = (
        session.execute(select(MarketProvider).where(MarketProvider.status == "approved")).scalars().all()
    )
    assert {c for p in approved for c in p.categories} == set(catalog.CATEGORIES)
    assert {d for p in approved for d in p.districts} == set(catalog.DISTRICTS)
    assert all(p.review_count > 0 and Decimal("3") <= p.rating <= Decimal("5") for p in approved)
    assert ledger.balance_check(session) and contract_log.verify(session) is None
    assert ledger.parameters(session, NOW.date()) == (Decimal("10"), Decimal("500"))
    assert demo.load_demo(session) is False
    assert session.execute(select(func.count(MarketProvider.id))).scalar_one() == len(demo.PROVIDERS) + 1


def test_demo_provider_identity_is_a_member(session):
    master = providers.provider_of(session, resident_for(session, *demo.PROVIDER_IDENTITY))
    assert master is not None and master.name == "Иван Петров" and "plumber" in master.categories
    applicant = providers.application_of(session, resident_for(session, *demo.APPLICANT_IDENTITY))
    assert (applicant.name, applicant.status, applicant.districts) == (
        "Пётр Смирнов",
        "pending",
        ["Северный"],
    )


def test_demo_members_of_all_districts_serve_every_district(session):
    cleaning = session.execute(
        select(MarketProvider).where(MarketProvider.name == "Клининг «Чистый город»")
    ).scalar_one()
    assert cleaning.districts == list(catalog.DISTRICTS) and len(catalog.DISTRICTS) == 5


def test_plumber_for_tomorrow_sorted_by_rating_with_the_nearest_slot(session):
    result = catalog.search(session, SearchQuery(category="plumber", day=TOMORROW, now=NOW))
    assert len(result.cards) == 4
    ratings = [card.rating for card in result.cards]
    assert ratings == sorted(ratings, reverse=True)
    assert all(clock.to_local(card.nearest_slot).date() == TOMORROW for card in result.cards)
    assert result.cards[0].provider_name == "Иван Петров"


def test_electrician_in_zarechny_on_saturday_up_to_2000(session):
    district = catalog.district_of("в Заречном районе")
    result = catalog.search(
        session,
        SearchQuery(category="electrician", district=district, day=TOMORROW, budget=Decimal("2000"), now=NOW),
    )
    assert {card.provider_name for card in result.cards} == {"Сергей Волков"}
    assert all(card.price <= 2000 for card in result.cards)


def test_sort_by_price(session):
    cards = catalog.search(session, SearchQuery(category="cleaning", sort="price", now=NOW)).cards
    assert [card.price for card in cards] == sorted(card.price for card in cards)
    assert cards[0].title == "Мытьё окон"


def test_empty_result_says_why_and_which_filter_to_relax(session):
    cheap = catalog.search(session, SearchQuery(category="renovation", budget=Decimal("100"), now=NOW))
    assert (cheap.cards, cheap.category_empty, cheap.unmet) == ([], False, ("budget",))
    assert cheap.relaxation.name == "budget" and cheap.relaxation.cheapest == Decimal("350")
    far = catalog.search(session, SearchQuery(category="beauty", district="Северный", now=NOW))
    assert far.unmet == ("district",) and far.relaxation.name == "district" and len(far.relaxation.cards) == 2
    night = catalog.search(session, SearchQuery(category="tutor", day=TOMORROW, time_from=time(22), now=NOW))
    assert night.unmet == ("time",) and night.relaxation.name == "time" and night.relaxation.nearest_slot


def test_the_first_filter_whose_relaxation_finds_something_is_hinted(session):
    both = catalog.search(
        session, SearchQuery(category="beauty", district="Северный", budget=Decimal("1300"), now=NOW)
    )
    assert both.unmet == ("budget", "district") and both.relaxation.name == "district"
    assert [card.title for card in both.relaxation.cards] == ["Стрижка на дому"]
    hopeless = catalog.search(
        session,
        SearchQuery(category="beauty", district="Северный", day=TOMORROW, time_from=time(23), now=NOW),
    )
    assert hopeless.unmet == ("district", "time") and hopeless.relaxation is None


def test_busy_provider_shows_the_next_free_slot(session):
    ivan = catalog.search(session, SearchQuery(category="plumber", day=TOMORROW, now=NOW)).cards[0]
    customer = resident_for(session, "rest", "neighbour")  # not Иван himself: nobody orders their own offer
    orders.place_order(
        session, customer, None, "ул. Речная, 1", clock.to_local(ivan.nearest_slot), ivan.offer_id, NOW
    )
    again = catalog.search(session, SearchQuery(category="plumber", day=TOMORROW, now=NOW)).cards
    assert next(
        c for c in again if c.offer_id == ivan.offer_id
    ).nearest_slot == ivan.nearest_slot + timedelta(hours=2)


def test_compare_the_first_two(session):
    first, second = catalog.search(session, SearchQuery(category="plumber", now=NOW)).cards[:2]
    compared = catalog.compare(session, [first.offer_id, second.offer_id, 9999], NOW)
    assert [card.offer_id for card in compared] == [first.offer_id, second.offer_id]


def test_walkthrough_order_pay_done_review_claim(session):
    resident = resident_for(session, "rest", "walkthrough")
    order = orders.place_order(session, resident, "plumber", "ул. Речная, 1", moscow(TOMORROW, 10), now=NOW)
    assert order.provider.name == "Иван Петров"
    ledger.pay_order(session, resident, order.id, "walkthrough-pay")
    master = resident_for(session, *demo.PROVIDER_IDENTITY)
    orders.advance(session, master, order.id, orders.DONE, moscow(TOMORROW, 12))
    reviews.leave_review(session, resident, order.id, reviews.parse_rating("пятёрка"), "быстро")
    claim = warranty.open_claim(
        session, resident, order.id, "после ремонта опять течёт", moscow(TOMORROW, 18)
    )
    assert claim.accepted and claim.visit_order_id
    assert ledger.balance_check(session) and contract_log.verify(session) is None


@pytest.mark.parametrize(
    "text, district",
    [
        ("в Заречном районе", "Заречный"),
        ("левобережный", "Левобережный"),
        ("центр", "Центральный"),
        ("ул. Южная, 3", None),
        ("Москва", None),
        ("Заречье", "Заречный"),
        ("ул. Южная, 3, Южный район", "Южный"),
        ("ЗАРЕЧНЫЙ", "Заречный"),
        ("", None),
    ],
)
def test_district_of(text, district):
    assert catalog.district_of(text) == district
