from datetime import timedelta
from decimal import Decimal

import pytest

from skills.marketplace import ledger, orders, providers
from skills.marketplace.tests.conftest import NOW, TODAY, moscow

TOMORROW = NOW.date() + timedelta(days=1)


@pytest.mark.parametrize("said, title, price, unit", [
    ("добавь поклейку обоев 500 рублей за метр", "Поклейка обоев", "500", "м"),
    ("добавь мою услугу: поклейка обоев 500 рублей за метр", "Поклейка обоев", "500", "м"),
    ("укладка плитки 1 200 руб за квадратный метр", "Укладка плитки", "1200", "м²"),
    ("измени цену: замена смесителя 1800 ₽", "Замена смесителя", "1800", "услуга"),
    ("Репетиторство по физике 900 р за час", "Репетиторство по физике", "900", "час"),
])
def test_parse_service(said, title, price, unit):
    assert providers.parse_service(said) == providers.ServiceDraft(title, Decimal(price), unit)


@pytest.mark.parametrize("said", ["добавь услугу", "500 рублей", ""])
def test_parse_service_needs_a_title_and_a_price(said):
    assert providers.parse_service(said) is None


def test_application_moderation_and_services(session, factory):
    resident = factory.resident("applicant")
    application = providers.apply(session, resident, "Пётр", ["renovation", "bogus"], ["в Заречном районе"],
                                  "+7 912 345-67-89")
    assert (application.status, application.categories, application.districts) == ("pending", ["renovation"], ["Заречный"])
    assert providers.provider_of(session, resident) is None
    with pytest.raises(providers.NotAMember):
        providers.upsert_service(session, resident, "renovation", "Поклейка обоев", Decimal("500"), "м")
    assert providers.apply(session, resident, "Другое имя", ["plumber"], [], "+79123456789") is application
    providers.decide(session, application.id, approve=True, reason=None)
    assert "одобрена" in providers.decision_text(application)
    offer = providers.upsert_service(session, resident, "renovation", "Поклейка обоев", Decimal("500"), "м")
    changed = providers.upsert_service(session, resident, "renovation", "поклейка обоев", Decimal("550"), "м")
    assert changed.id == offer.id and changed.price == Decimal("550.00") and offer.warranty_days == 180
    with pytest.raises(providers.ServiceRefused) as refused:
        providers.upsert_service(session, resident, "beauty", "Маникюр", Decimal("900"), "услуга")
    assert "не указана в вашей анкете" in refused.value.message
    with pytest.raises(providers.ServiceRefused):
        providers.decide(session, application.id, approve=False, reason="повторно")


def test_a_rejected_applicant_may_apply_again(session, factory):
    resident = factory.resident("applicant")
    application = providers.apply(session, resident, "Пётр", ["plumber"], [], "+79123456789")
    providers.decide(session, application.id, approve=False, reason="нет документов")
    assert "нет документов" in providers.decision_text(application)
    again = providers.apply(session, resident, "Пётр", ["plumber"], ["Южный"], "+79123456789")
    assert again.id == application.id and again.status == "pending" and again.decision_reason is None


@pytest.mark.parametrize("name, categories, phone", [("", ["plumber"], "+79123456789"), ("Пётр", ["x"], "+79123456789"),
                                                     ("Пётр", ["plumber"], "12")])
def test_incomplete_applications_are_refused(session, factory, name, categories, phone):
    with pytest.raises(providers.ServiceRefused):
        providers.apply(session, factory.resident("applicant"), name, categories, [], phone)


def test_stats_count_upcoming_done_and_earnings_after_commission(session, factory):
    master = factory.resident("master")
    factory.provider("Иван", resident_id=master, price="1500")
    customer = factory.resident("customer")
    done = orders.place_order(session, customer, "plumber", "ул. Речная, 1", moscow(TOMORROW, 10), now=NOW)
    ledger.pay_order(session, customer, done.id, "k1")
    orders.advance(session, master, done.id, orders.DONE, moscow(TOMORROW, 12))
    unpaid = orders.place_order(session, customer, "plumber", "ул. Речная, 1", moscow(TOMORROW, 14), now=NOW)
    orders.advance(session, master, unpaid.id, orders.DONE, moscow(TOMORROW, 16))
    upcoming = orders.place_order(session, customer, "plumber", "ул. Речная, 1", moscow(TOMORROW, 17), now=NOW)
    stats = providers.stats(session, master, TODAY)
    assert [o.id for o in stats.upcoming] == [upcoming.id]
    assert (stats.done_this_month, stats.earned_this_month, stats.commission_this_month) == (
        2, Decimal("1350.00"), Decimal("150.00"))
    assert providers.stats(session, master, TODAY + timedelta(days=31)).done_this_month == 0
    with pytest.raises(providers.NotAMember):
        providers.stats(session, customer, TODAY)
