from datetime import timedelta
from decimal import Decimal

import pytest

from skills.marketplace import ledger, orders, providers
from skills.marketplace.tests.conftest import NOW, TODAY, moscow

TOMORROW = NOW.date() + timedelta(days=1)


@pytest.mark.parametrize(
    "said, title, price, unit",
    [
        ("добавь поклейку обоев 500 рублей за метр", "Поклейка обоев", "500", "м"),
        ("добавь мою услугу: поклейка обоев 500 рублей за метр", "Поклейка обоев", "500", "м"),
        ("укладка плитки 1 200 руб за квадратный метр", "Укладка плитки", "1200", "м²"),
        ("измени цену: замена смесителя 1800 ₽", "Замена смесителя", "1800", "услуга"),
        ("Репетиторство по физике 900 р за час", "Репетиторство по физике", "900", "час"),
        # A Tangut ideograph has no Unicode name, which pymorphy3's shape check asks for: kept as typed.
        ("\U00017000а 500 рублей за час", "\U00017000а", "500", "час"),
    ],
)
def test_parse_service(said, title, price, unit):
    assert providers.parse_service(said) == providers.ServiceDraft(title, Decimal(price), unit)


@pytest.mark.parametrize("said", ["добавь услугу", "500 рублей", ""])
def test_parse_service_needs_a_title_and_a_price(said):
    assert providers.parse_service(said) is None


def test_application_moderation_and_services(session, factory):
    resident = factory.resident("applicant")
    application = providers.apply(
        session, resident, "Пётр", ["renovation", "bogus"], ["в Заречном районе"], "+7 912 345-67-89"
    )
    assert (application.status, application.categories, application.districts) == (
        "pending",
        ["renovation"],
        ["Заречный"],
    )
    assert providers.provider_of(session, resident) is None
    with pytest.raises(providers.NotAMember):
        providers.upsert_service(session, resident, "renovation", "Поклейка обоев", Decimal("500"), "м")
    assert providers.apply(session, resident, "Другое имя", ["plumber"], [], "+79123456789") is application
    providers.decide(session, application.id, approve=True, reason=None)
    assert providers.provider_of(session, resident) is application
    offer = providers.upsert_service(session, resident, "renovation", "Поклейка обоев", Decimal("500"), "м")
    changed = providers.upsert_service(session, resident, "renovation", "поклейка обоев", Decimal("550"), "м")
    assert changed.id == offer.id and changed.price == Decimal("550.00") and offer.warranty_days == 180
    with pytest.raises(providers.ServiceRefused) as refused:
        providers.upsert_service(session, resident, "beauty", "Маникюр", Decimal("900"), "услуга")
    assert (refused.value.reason, refused.value.values) == (
        "category_not_in_profile",
        {"category": "beauty", "categories": ["renovation"]},
    )
    with pytest.raises(providers.ServiceRefused) as decided:
        providers.decide(session, application.id, approve=False, reason="повторно")
    assert (decided.value.reason, decided.value.values) == (
        "already_decided",
        {"application_id": application.id, "status": "approved"},
    )


def test_a_rejected_applicant_may_apply_again(session, factory):
    resident = factory.resident("applicant")
    application = providers.apply(session, resident, "Пётр", ["plumber"], [], "+79123456789")
    providers.decide(session, application.id, approve=False, reason="нет документов")
    assert (application.status, application.decision_reason) == ("rejected", "нет документов")
    again = providers.apply(session, resident, "Пётр", ["plumber"], ["Южный"], "+79123456789")
    assert again.id == application.id and again.status == "pending" and again.decision_reason is None


@pytest.mark.parametrize(
    "name, categories, phone, reason",
    [
        ("", ["plumber"], "+79123456789", "no_name"),
        ("Пётр", ["x"], "+79123456789", "no_categories"),
        ("Пётр", ["plumber"], "12", "bad_phone"),
    ],
)
def test_incomplete_applications_are_refused(session, factory, name, categories, phone, reason):
    with pytest.raises(providers.ServiceRefused) as refused:
        providers.apply(session, factory.resident("applicant"), name, categories, [], phone)
    assert refused.value.reason == reason


@pytest.mark.parametrize(
    "price, reason", [("много", "bad_price"), ("0", "no_title_or_price"), ("1000001", "no_title_or_price")]
)
def test_a_service_needs_a_sensible_price(session, factory, price, reason):
    member = factory.resident("member")
    factory.provider("Иван", resident_id=member)
    with pytest.raises(providers.ServiceRefused) as refused:
        providers.upsert_service(session, member, "plumber", "Прочистка", price, "выезд")
    assert refused.value.reason == reason


def test_stats_count_upcoming_done_and_earnings_after_commission(session, factory):
    master = factory.resident("master")
    factory.provider("Иван", resident_id=master, price="1500")
    customer = factory.resident("customer")
    done = orders.place_order(session, customer, "plumber", "ул. Речная, 1", moscow(TOMORROW, 10), now=NOW)
    ledger.pay_order(session, customer, done.id, "k1")
    orders.advance(session, master, done.id, orders.DONE, moscow(TOMORROW, 12))
    unpaid = orders.place_order(session, customer, "plumber", "ул. Речная, 1", moscow(TOMORROW, 14), now=NOW)
    orders.advance(session, master, unpaid.id, orders.DONE, moscow(TOMORROW, 16))
    upcoming = orders.place_order(
        session, customer, "plumber", "ул. Речная, 1", moscow(TOMORROW, 17), now=NOW
    )
    stats = providers.stats(session, master, TODAY)
    assert [o.id for o in stats.upcoming] == [upcoming.id]
    assert (stats.done_this_month, stats.earned_this_month, stats.commission_this_month) == (
        2,
        Decimal("1350.00"),
        Decimal("150.00"),
    )
    assert providers.stats(session, master, TODAY + timedelta(days=31)).done_this_month == 0
    with pytest.raises(providers.NotAMember) as refused:
        providers.stats(session, customer, TODAY)
    assert refused.value.reason == "stats_members_only"
