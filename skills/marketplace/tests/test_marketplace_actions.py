"""The marketplace conversation actions against the real store with the demo data (SQLite and PostgreSQL).

The actions use the real current time; the demo data is relative to today, so every date here is computed from
«today in Europe/Moscow» too. Demo identities: "master-ivan" is the approved plumber Иван Петров, "applicant-petr"
has an application on moderation, any other sender is a fresh resident without orders.
"""

import re
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
import yaml
from sqlalchemy import func, select

from engine.residents import identity_for
from engine.sdk import session_scope, utcnow
from engine.store.models import Payment
from engine.testing import just_set, make_tracker, run_action, slot_events, texts
from skills.marketplace import dispatch, orders, when
from skills.marketplace.actions import common
from skills.marketplace.actions.my_orders import (
    ActionAskMarketCancelConfirm,
    ActionMarketCancelDone,
    ActionMarketOrderStatus,
    ValidateMarketCancelForm,
)
from skills.marketplace.actions.order import (
    ActionAskMarketOrderConfirm,
    ActionMarketOrderDone,
    ValidateMarketOrderForm,
)
from skills.marketplace.actions.pay import ActionAskMarketPayConfirm, ActionMarketPayDone, ValidateMarketPayForm
from skills.marketplace.actions.provider import (
    ActionMarketJoinDone,
    ActionMarketProviderAddService,
    ActionMarketProviderOrderUpdate,
    ActionMarketProviderStats,
    ValidateMarketJoinForm,
)
from skills.marketplace.actions.review import ActionMarketReviewDone, ValidateMarketReviewForm
from skills.marketplace.actions.search import ActionMarketSearch
from skills.marketplace.actions.warranty import (
    ActionAskMarketClaimOrder,
    ActionMarketWarrantyDone,
    ValidateMarketWarrantyForm,
)
from skills.marketplace.models import (
    MarketBooking,
    MarketClaim,
    MarketOffer,
    MarketOrder,
    MarketPayment,
    MarketProvider,
    MarketWarranty,
)
from skills.marketplace.tests.conftest import SKILL_ROOT

DOMAIN = yaml.safe_load((SKILL_ROOT / "domain.yml").read_text(encoding="utf-8"))
STOP = common.STOP
ADDRESS = "Заречный район, ул. Речная, 12, кв. 5"
IVAN = "master-ivan"


# --- helpers -------------------------------------------------------------------------------------------------

def today() -> date:
    return dispatch.to_local(utcnow()).date()


def tomorrow() -> date:
    return today() + timedelta(days=1)


def validate(action, form, text="", intent="inform", slots=None, new=None, entities=None, sender="resident-1"):
    """Runs a form's validation action: `slots` were set before, `new` were set by this very message."""
    new = new or {}
    tracker = make_tracker(text, intent, entities=entities, slots={**(slots or {}), **new}, sender_id=sender,
                           active_loop=form, intent_ranking=[{"name": intent, "confidence": 1.0}])
    for slot, value in new.items():
        just_set(tracker, slot, value)
    return run_action(action, tracker, DOMAIN)


def offer_id(title: str) -> int:
    with session_scope() as session:
        return session.execute(select(MarketOffer.id).where(MarketOffer.title == title)).scalar_one()


def order_slots(day=None, hour="10:00", address=ADDRESS, offer=None, confirm=True):
    return {"market_category": "plumber", "market_address": address, "market_day": (day or tomorrow()).isoformat(),
            "market_hour": hour, "market_offer": offer, "market_quoted_offer": None, "market_order_confirm": confirm}


def place(sender="resident-1", day=None, hour="10:00", offer=None, address=ADDRESS) -> int:
    """An order placed through the order form's final action; its number."""
    messages, _ = run_action(ActionMarketOrderDone(), make_tracker("да", "affirm", sender_id=sender,
                                                                   slots=order_slots(day, hour, address, offer)))
    assert "Готово!" in texts(messages), texts(messages)
    return customer_orders(sender)[0]


def customer_orders(sender: str) -> list:
    """The sender's order numbers, newest first."""
    with session_scope() as session:
        return [order.id for order in orders.customer_orders(session, identity_for(session, "rest", sender).resident_id)]


def stored_order(number: int) -> SimpleNamespace:
    with session_scope() as session:
        order = session.get(MarketOrder, number)
        return SimpleNamespace(state=order.state, price=order.price, slot_start=order.slot_start,
                               cancel_fee=order.cancel_fee, provider_name=order.provider.name)


def mark(number: int, text=None, sender=IVAN):
    """The provider's message about their order, e.g. «заказ 12 выполнен»."""
    tracker = make_tracker(text or f"заказ {number} выполнен", "market_provider_order_update", sender_id=sender,
                           entities=[{"entity": "order_id", "value": str(number)}])
    return run_action(ActionMarketProviderOrderUpdate(), tracker)


def pay(number: int, key="key-1", sender="resident-1"):
    slots = {"market_pay_order": number, "market_pay_confirm": True, "market_pay_key": key}
    return run_action(ActionMarketPayDone(), make_tracker("да", "affirm", slots=slots, sender_id=sender))


def payment_rows():
    with session_scope() as session:
        return (session.execute(select(func.count(Payment.id))).scalar_one(),
                session.execute(select(func.count(MarketPayment.id))).scalar_one())


def done_order(sender="resident-1", paid=True, day=None) -> int:
    number = place(sender, day=day)
    if paid:
        pay(number, key=f"key-{number}", sender=sender)
    assert "Гарантия на работу началась" in texts(mark(number)[0])
    return number


# --- search and compare ---------------------------------------------------------------------------------------

def search(text, entities=None, slots=None):
    return run_action(ActionMarketSearch(), make_tracker(text, "market_search", entities=entities, slots=slots))


def test_a_plumber_for_tomorrow_lists_numbered_cards_and_remembers_them(demo_store):
    messages, events = search("нужен сантехник на завтра", entities=[
        {"entity": "service_category", "value": "plumber"}, {"entity": "date", "value": tomorrow().isoformat()}])
    text = texts(messages)
    assert "Нашёл предложения «сантехник» (по рейтингу):" in text
    assert "1. Иван Петров — Устранение протечки: 1 500 ₽ за выезд, ★ 4.8 (5 отз.)" in text
    assert "2. Иван Петров — Замена смесителя: 1 800 ₽, ★ 4.8" in text
    assert "3. ООО «АкваМастер»" in text and len(re.findall(r"^\d\. ", text, re.M)) == 4
    # the nearest time is on the day asked for: Иван starts at 8:00
    assert f"ближайшее время — {dispatch.slot_text(dispatch.local_slot(tomorrow(), 8))}" in text
    assert [b["title"] for b in messages[0]["buttons"]] == ["Заказать 1", "Заказать 2", "Заказать 3"]
    shown = slot_events(events)["market_last_offers"]
    assert shown[:2] == [offer_id("Устранение протечки"), offer_id("Замена смесителя")] and len(shown) == 4


def test_compare_the_first_two_of_the_last_search(demo_store):
    shown = [offer_id("Устранение протечки"), offer_id("Вызов сантехника"), offer_id("Установка унитаза")]
    messages, events = search("сравни первых двух", slots={"market_last_offers": shown})
    text = texts(messages)
    assert text.startswith("Сравнение:") and "Иван Петров, «Устранение протечки»" in text
    assert "ООО «АкваМастер», «Вызов сантехника»" in text and "Установка унитаза" not in text
    assert "гарантия: 90 дн." in text and "гарантия: 60 дн." in text
    assert "Дешевле — ООО «АкваМастер»; выше рейтинг — Иван Петров." in text
    assert events == []


def test_an_impossible_search_says_why_hints_what_to_relax_and_forgets_the_offers(demo_store):
    messages, events = search("электрик в Южном районе до 100 рублей", slots={"market_last_offers": [1, 2]},
                              entities=[{"entity": "service_category", "value": "electrician"},
                                        {"entity": "amount", "value": 100}])
    text = texts(messages)
    assert "Не нашлось предложений «электрик» дешевле 100 ₽, в районе Южный." in text
    assert "Если увеличить бюджет, найдётся 1 предл. (от 1 500 ₽)." in text
    assert slot_events(events) == {"market_last_offers": None}


def test_a_search_without_a_category_asks_which_service(demo_store):
    messages, events = search("найди мне кого-нибудь на завтра")
    assert messages[0]["response"] == "utter_ask_market_category" and events == []


# --- the order form -------------------------------------------------------------------------------------------

def order_form(text="", intent="inform", slots=None, new=None, entities=None, sender="resident-1"):
    return validate(ValidateMarketOrderForm(), "market_order_form", text, intent, slots, new, entities, sender)


def test_ordering_a_picked_offer_sets_the_offer_and_its_category(demo_store):
    shown = [offer_id("Устранение протечки"), offer_id("Вызов сантехника")]
    _, events = order_form("закажи второе", "market_order", slots={"market_last_offers": shown})
    slots = slot_events(events)
    assert slots["market_category"] == "plumber" and slots["market_offer"] == shown[1]


def test_the_offer_button_of_the_search_results_picks_too(demo_store):
    shown = [offer_id("Устранение протечки"), offer_id("Вызов сантехника")]
    _, events = order_form("/market_order", "market_order", slots={"market_last_offers": shown},
                           entities=[{"entity": "market_offer_position", "value": "1"}])
    assert slot_events(events)["market_offer"] == shown[0]


def test_a_weekday_is_not_taken_for_a_pick_from_the_results(demo_store):
    shown = [offer_id("Устранение протечки"), offer_id("Вызов сантехника"), offer_id("Установка унитаза"),
             offer_id("Замена смесителя")]
    for text in ("закажи на вторник", "закажи на четверг"):
        _, events = order_form(text, "market_order", slots={"market_last_offers": shown})
        assert slot_events(events) == {}, text


def test_an_address_without_street_and_house_is_asked_again(demo_store):
    asked = {"market_category": "plumber", "requested_slot": "market_address"}
    for answer in ("дом", "улица Речная"):
        messages, events = order_form(answer, new={"market_address": answer}, slots=asked)
        assert "Напишите адрес" in texts(messages) and slot_events(events)["market_address"] is None
    _, events = order_form(ADDRESS, new={"market_address": f"  {ADDRESS} "}, slots=asked)
    assert slot_events(events)["market_address"] == ADDRESS


def test_a_past_day_is_refused(demo_store):
    yesterday = today() - timedelta(days=1)
    messages, events = order_form("вчера", new={"market_day": yesterday.isoformat()})
    assert f"{dispatch.day_text(yesterday)} уже прошло" in texts(messages)
    assert slot_events(events)["market_day"] is None


def test_an_hour_outside_working_hours_is_refused_with_them(demo_store):
    slots = {**order_slots(offer=offer_id("Устранение протечки"), hour=None), "market_order_confirm": None}
    messages, events = order_form("в 21", slots=slots, new={"market_hour": "21:00"})
    assert "Иван Петров работает с 8:00 до 20:00" in texts(messages)
    assert slot_events(events)["market_hour"] is None


def test_a_booked_hour_is_refused_with_the_nearest_free_time(demo_store):
    ivan_offer = offer_id("Устранение протечки")
    place("neighbour", offer=ivan_offer)  # Иван, tomorrow 10:00–12:00
    slots = {**order_slots(offer=ivan_offer, hour=None), "market_order_confirm": None}
    messages, events = order_form("в 10", slots=slots, new={"market_hour": "10:00"})
    text = texts(messages)
    assert "Иван Петров уже занят в это время." in text
    assert f"Ближайшее свободное время: {dispatch.slot_text(dispatch.local_slot(tomorrow(), 12))}." in text
    assert slot_events(events)["market_hour"] is None and slot_events(events)["market_quoted_offer"] is None


def test_nobody_free_at_that_hour_is_refused_without_a_pick(demo_store):
    slots = {**order_slots(hour=None), "market_order_confirm": None}
    messages, events = order_form("в 6 утра", slots=slots, new={"market_hour": "06:00"})
    assert "нет свободных исполнителей «сантехник»" in texts(messages)
    assert slot_events(events)["market_hour"] is None


def test_a_range_of_hours_picks_the_first_bookable_one(demo_store):
    ivan_offer = offer_id("Устранение протечки")
    place("neighbour", hour="13:00", offer=ivan_offer)  # Иван, tomorrow 13:00–15:00
    slots = {**order_slots(offer=ivan_offer, hour=None), "market_order_confirm": None}
    afternoon = {"from": "13:00", "to": "18:00"}
    messages, events = order_form("после обеда", slots=slots, new={"market_hour": afternoon})
    slots = slot_events(events)
    assert messages == [] and slots["market_hour"] == "15:00" and slots["market_quoted_offer"] == ivan_offer


def test_a_corrected_day_at_the_confirmation_rechecks_the_hour(demo_store):
    ivan_offer = offer_id("Устранение протечки")
    later = tomorrow() + timedelta(days=1)
    place("neighbour", day=later, offer=ivan_offer)  # Иван is busy at 10:00 the day after tomorrow
    slots = {**order_slots(offer=ivan_offer), "market_order_confirm": None, "requested_slot": "market_order_confirm"}
    messages, events = order_form("а давайте послезавтра", slots=slots, new={"market_day": later.isoformat()},
                                  entities=[{"entity": "date", "value": later.isoformat()}])
    assert "Иван Петров уже занят в это время." in texts(messages)
    assert slot_events(events) == {"market_day": later.isoformat(), "market_hour": None, "market_quoted_offer": None}
    # to a day when he is free the hour stands
    free_day = later + timedelta(days=1)
    messages, events = order_form("тогда на другой день", slots=slots, new={"market_day": free_day.isoformat()})
    assert messages == [] and slot_events(events)["market_hour"] == "10:00"


# --- confirming and placing the order -------------------------------------------------------------------------

def test_the_confirmation_shows_provider_price_and_asks(demo_store):
    tracker = make_tracker(slots={**order_slots(), "market_order_confirm": None}, active_loop="market_order_form")
    messages, events = run_action(ActionAskMarketOrderConfirm(), tracker)
    text = texts(messages)
    assert "Исполнитель: Иван Петров, ★ 4.8 (5 отз.) — подобран автоматически" in text
    assert "Цена: 1 500 ₽ за выезд." in text and f"Адрес: {ADDRESS}" in text
    assert text.endswith("Оформить заказ?") and [b["title"] for b in messages[0]["buttons"]] == ["Да", "Нет"]
    assert slot_events(events) == {"market_quoted_offer": offer_id("Устранение протечки"), "market_hour": "10:00"}


def test_dispatch_gives_the_order_to_ivan_and_a_repeated_confirmation_places_nothing_more(demo_store):
    slots = order_slots()
    messages, events = run_action(ActionMarketOrderDone(), make_tracker("да", "affirm", slots=slots))
    (number,) = customer_orders("resident-1")
    assert f"Готово! Заказ № {number}: сантехник" in texts(messages) and "(Иван Петров)" in texts(messages)
    assert messages[0]["buttons"][0]["payload"] == f'/market_pay_order{{"order_id": "{number}"}}'
    assert all(value is None for value in slot_events(events).values())
    stored = stored_order(number)
    assert (stored.provider_name, stored.state, stored.price) == ("Иван Петров", orders.ASSIGNED, Decimal("1500.00"))
    assert dispatch.to_local(stored.slot_start).hour == 10 and dispatch.to_local(stored.slot_start).date() == tomorrow()
    messages, _ = run_action(ActionMarketOrderDone(), make_tracker("да", "affirm", slots=slots))
    assert f"Этот заказ уже оформлен. Заказ № {number}" in texts(messages)
    assert customer_orders("resident-1") == [number]


def test_a_busy_ivan_leaves_the_order_to_the_next_plumber(demo_store):
    place("neighbour", offer=offer_id("Устранение протечки"))
    assert stored_order(place()).provider_name == "ООО «АкваМастер»"


def test_declining_the_confirmation_places_nothing(demo_store):
    messages, _ = run_action(ActionMarketOrderDone(), make_tracker("нет", "deny", slots=order_slots(confirm=False)))
    assert "заказ не оформляю" in texts(messages) and customer_orders("resident-1") == []


# --- paying ---------------------------------------------------------------------------------------------------

def pay_form(new=None, slots=None, text="", intent="market_pay_order", sender="resident-1"):
    return validate(ValidateMarketPayForm(), "market_pay_form", text, intent, slots, new, sender=sender)


def test_paying_is_a_test_payment_made_once_even_when_retried(demo_store):
    number = place()
    _, events = pay_form(text="оплатить заказ")  # the only unpaid order is taken without asking
    assert slot_events(events)["market_pay_order"] == number
    tracker = make_tracker(slots={"market_pay_order": number}, active_loop="market_pay_form")
    messages, events = run_action(ActionAskMarketPayConfirm(), tracker)
    text = texts(messages)
    assert f"Оплатить заказ № {number} — 1 500 ₽?" in text and "Иван Петров получит 1 350 ₽" in text
    assert "ТЕСТОВЫЙ ПЛАТЁЖ" in text and [b["title"] for b in messages[0]["buttons"]] == ["Да", "Нет"]
    key = slot_events(events)["market_pay_key"]
    assert key
    before = payment_rows()
    messages, events = pay(number, key)
    assert f"Заказ № {number}: исполнителю 1 350 ₽, взнос кооперативу 150 ₽ (10%)" in texts(messages)
    assert all(value is None for value in slot_events(events).values())
    assert payment_rows() == (before[0] + 1, before[1] + 1)
    messages, _ = pay(number, key)  # the same confirmation once more: the first payment comes back
    assert f"Заказ № {number}: исполнителю 1 350 ₽" in texts(messages)
    assert payment_rows() == (before[0] + 1, before[1] + 1)


def test_a_paid_order_is_not_paid_again(demo_store):
    number = place()
    pay(number)
    messages, events = pay_form(new={"market_pay_order": str(number)}, text=f"оплатить заказ {number}")
    assert f"Заказ № {number} уже оплачен" in texts(messages)
    assert slot_events(events) == {"market_pay_order": STOP, "market_pay_confirm": False}
    messages, _ = pay_form(text="оплатить заказ")
    assert "Неоплаченных заказов у вас нет." in texts(messages)


def test_declining_to_pay_pays_nothing(demo_store):
    number = place()
    before = payment_rows()
    slots = {"market_pay_order": number, "market_pay_confirm": False, "market_pay_key": "k"}
    messages, _ = run_action(ActionMarketPayDone(), make_tracker("нет", "deny", slots=slots))
    assert "оплату не провожу" in texts(messages) and payment_rows() == before


def test_somebody_elses_order_cannot_be_paid_cancelled_reviewed_claimed_or_seen(demo_store):
    number = done_order("owner")
    stranger = "stranger"
    not_yours = f"Заказа № {number} среди ваших заказов нет."
    checks = [
        (ValidateMarketPayForm(), "market_pay_form", "market_pay_order", "market_pay_order"),
        (ValidateMarketCancelForm(), "market_cancel_form", "market_cancel_order", "market_cancel_order"),
        (ValidateMarketReviewForm(), "market_review_form", "market_review_order", "market_review"),
        (ValidateMarketWarrantyForm(), "market_warranty_form", "market_claim_order", "market_warranty_claim"),
    ]
    for action, form, slot, intent in checks:
        messages, events = validate(action, form, f"заказ {number}", intent, new={slot: str(number)}, sender=stranger)
        assert texts(messages) == not_yours, form
        assert slot_events(events)[slot] in (STOP, None), form
    messages, _ = run_action(ActionMarketOrderStatus(), make_tracker(
        f"статус заказа {number}", "market_order_status", sender_id=stranger,
        entities=[{"entity": "order_id", "value": str(number)}]))
    assert texts(messages) == not_yours
    before = payment_rows()
    messages, _ = pay(number, key="stolen", sender=stranger)  # even a forged final step
    assert not_yours in texts(messages) and payment_rows() == before
    messages, _ = run_action(ActionMarketCancelDone(), make_tracker("да", "affirm", sender_id=stranger, slots={
        "market_cancel_order": number, "market_cancel_confirm": True}))
    assert texts(messages) == not_yours and stored_order(number).state == orders.DONE


def test_the_owner_sees_the_status(demo_store):
    messages, _ = run_action(ActionMarketOrderStatus(), make_tracker("мои заказы", "market_order_status"))
    assert "У вас пока нет заказов" in texts(messages)
    number = place()
    messages, _ = run_action(ActionMarketOrderStatus(), make_tracker("мои заказы", "market_order_status"))
    assert texts(messages).startswith(f"Ваши заказы:\nЗаказ № {number}: сантехник")
    messages, _ = run_action(ActionMarketOrderStatus(), make_tracker(
        "статус заказа", "market_order_status", entities=[{"entity": "order_id", "value": str(number)}]))
    text = texts(messages)
    assert f"Заказ № {number}: сантехник" in text and "исполнитель назначен (Иван Петров)" in text
    assert "Не оплачен" in text


# --- cancelling -----------------------------------------------------------------------------------------------

def test_cancelling_far_ahead_is_free_and_releases_the_hours(demo_store):
    number = place(day=tomorrow() + timedelta(days=2))
    _, events = validate(ValidateMarketCancelForm(), "market_cancel_form", "отмени заказ", "market_cancel_order")
    assert slot_events(events)["market_cancel_order"] == number  # the only one that can be cancelled
    tracker = make_tracker(slots={"market_cancel_order": number}, active_loop="market_cancel_form")
    messages, _ = run_action(ActionAskMarketCancelConfirm(), tracker)
    assert f"Отменить? Заказ № {number}" in texts(messages) and "Отмена бесплатная." in texts(messages)
    messages, _ = run_action(ActionMarketCancelDone(), make_tracker("да", "affirm", slots={
        "market_cancel_order": number, "market_cancel_confirm": True}))
    assert texts(messages) == f"Заказ № {number} отменён бесплатно."
    order = stored_order(number)
    assert order.state == orders.CANCELLED and order.cancel_fee == Decimal("0")
    with session_scope() as session:
        assert session.execute(select(func.count(MarketBooking.id)).where(MarketBooking.order_id == number)).scalar_one() == 0
    messages, events = validate(ValidateMarketCancelForm(), "market_cancel_form", f"отмени заказ {number}",
                                "market_cancel_order", new={"market_cancel_order": str(number)})
    assert f"Заказ № {number} уже отменён." in texts(messages)
    assert slot_events(events) == {"market_cancel_order": STOP, "market_cancel_confirm": False}


def test_cancelling_shortly_before_the_visit_keeps_a_fee_said_beforehand(demo_store):
    number = place()
    with session_scope() as session:  # the visit is in two hours
        session.get(MarketOrder, number).slot_start = utcnow() + timedelta(hours=2)
    tracker = make_tracker(slots={"market_cancel_order": number}, active_loop="market_cancel_form")
    messages, _ = run_action(ActionAskMarketCancelConfirm(), tracker)
    assert "До визита меньше 3 ч, поэтому удержим 30% стоимости — 450 ₽." in texts(messages)
    messages, _ = run_action(ActionMarketCancelDone(), make_tracker("да", "affirm", slots={
        "market_cancel_order": number, "market_cancel_confirm": True}))
    assert f"Заказ № {number} отменён." in texts(messages) and "удерживается 30% стоимости — 450 ₽" in texts(messages)
    assert stored_order(number).cancel_fee == Decimal("450.00")


def test_keeping_the_order_cancels_nothing(demo_store):
    number = place()
    messages, _ = run_action(ActionMarketCancelDone(), make_tracker("нет", "deny", slots={
        "market_cancel_order": number, "market_cancel_confirm": False}))
    assert "остаётся в силе" in texts(messages) and stored_order(number).state == orders.ASSIGNED


# --- reviews --------------------------------------------------------------------------------------------------

def review_form(new=None, slots=None, text="оставить отзыв", entities=None, sender="resident-1"):
    return validate(ValidateMarketReviewForm(), "market_review_form", text, "market_review", slots, new, entities,
                    sender)


def test_a_review_waits_for_the_work_to_be_done(demo_store):
    messages, events = review_form()
    assert "выполненных заказов у вас пока нет" in texts(messages)
    assert slot_events(events)["market_review_order"] == STOP
    number = place()
    messages, events = review_form(new={"market_review_order": str(number)}, text=f"отзыв на заказ {number}")
    assert f"Отзыв можно оставить, когда заказ выполнен, а заказ № {number} ещё" in texts(messages)
    assert slot_events(events)["market_rating"] == STOP


def test_a_rating_in_words_updates_the_providers_rating_and_only_once(demo_store):
    number = done_order(paid=False)
    messages, events = review_form(new={"market_rating": "на троечку"}, text="на троечку")
    slots = slot_events(events)
    assert messages == [] and slots["market_review_order"] == number and slots["market_rating"] == 3
    done_slots = {"market_review_order": number, "market_rating": 3, "market_review_text": "долго искал кран"}
    messages, _ = run_action(ActionMarketReviewDone(), make_tracker("долго искал кран", "inform", slots=done_slots))
    assert f"Спасибо! Оценка 3 к заказу № {number} сохранена. Иван Петров: теперь ★ 4.50 (6 отз.)." in texts(messages)
    with session_scope() as session:
        ivan = session.execute(select(MarketProvider).where(MarketProvider.name == "Иван Петров")).scalar_one()
        assert (ivan.rating, ivan.review_count) == (Decimal("4.50"), 6)
    # a second review of the same order is refused before anything is asked
    messages, events = review_form(new={"market_review_order": str(number)}, text=f"отзыв на заказ {number}")
    assert f"Отзыв на заказ № {number} вы уже оставили" in texts(messages)
    assert slot_events(events) == {"market_review_order": STOP, "market_rating": STOP, "market_review_text": STOP}
    messages, _ = review_form()
    assert "Все ваши выполненные заказы уже оценены" in texts(messages)


@pytest.mark.parametrize("text, value, rating", [
    ("оставлю отзыв по заказу 4", None, None),  # a small order number is not a rating: the rating is asked next
    ("поставь 5 за заказ 4", None, 5),
    ("по заказу № 4 на троечку", None, 3),
    ("4 за заказ 4", "4", 4),  # the NLU's rating entity is taken as it is
])
def test_the_order_number_is_not_taken_for_the_rating(demo_store, text, value, rating):
    _, events = review_form(slots={"market_review_order": 4}, new={"market_rating": value or text}, text=text,
                            entities=[{"entity": "order_id", "value": "4"}])
    assert slot_events(events)["market_rating"] == rating


# --- warranty -------------------------------------------------------------------------------------------------

def claim(number, text="после ремонта опять течёт", sender="resident-1"):
    slots = {"market_claim_order": number, "market_claim_text": text}
    return run_action(ActionMarketWarrantyDone(), make_tracker(text, "inform", slots=slots, sender_id=sender))


def test_a_claim_on_a_done_paid_order_gets_a_free_visit(demo_store):
    number = done_order()
    text = "после ремонта опять течёт"
    _, events = validate(ValidateMarketWarrantyForm(), "market_warranty_form", text, "market_warranty_claim",
                         new={"market_claim_text": text})
    assert slot_events(events) == {"market_claim_order": number, "market_claim_text": text}
    messages, _ = claim(number)
    assert f"по заказу № {number} (сантехник) принят" in texts(messages)
    assert "Бесплатный повторный визит" in texts(messages) and "приедет тот же мастер: Иван Петров" in texts(messages)
    with session_scope() as session:
        record = session.execute(select(MarketClaim).where(MarketClaim.order_id == number)).scalar_one()
        visit = session.get(MarketOrder, record.visit_order_id)
        assert record.status == "accepted" and visit.warranty_claim_id == record.id and visit.price == 0
        assert dispatch.to_local(visit.slot_start).date() >= tomorrow()


def test_a_claim_on_an_unpaid_order_is_refused(demo_store):
    number = done_order(paid=False)
    messages, _ = claim(number)
    assert f"Заказ № {number} не оплачен" in texts(messages)
    with session_scope() as session:
        assert session.execute(select(MarketClaim.status).where(MarketClaim.order_id == number)).scalar_one() == "refused"


def test_a_claim_out_of_term_is_refused_with_the_dates(demo_store):
    number = done_order()
    starts, ends = today() - timedelta(days=100), today() - timedelta(days=10)
    with session_scope() as session:
        session.get(MarketOrder, number).done_at = utcnow() - timedelta(days=100)
        contract = session.execute(select(MarketWarranty).where(MarketWarranty.order_id == number)).scalar_one()
        contract.starts_on, contract.ends_on = starts, ends
    messages, _ = claim(number)
    assert (f"действовала с {dispatch.day_text(starts)} по {dispatch.day_text(ends)}, "
            f"сегодня {dispatch.day_text(today())} — срок истёк") in texts(messages)


def test_with_several_done_orders_the_claim_asks_which(demo_store):
    first, second = done_order(day=tomorrow()), done_order(day=tomorrow() + timedelta(days=1))
    _, events = validate(ValidateMarketWarrantyForm(), "market_warranty_form", "опять течёт", "market_warranty_claim")
    assert "market_claim_order" not in slot_events(events)
    tracker = make_tracker(active_loop="market_warranty_form", slots={"requested_slot": "market_claim_order"})
    messages, _ = run_action(ActionAskMarketClaimOrder(), tracker)
    assert f"№ {first}: сантехник" in texts(messages) and f"№ {second}: сантехник" in texts(messages)
    assert sorted(b["payload"] for b in messages[0]["buttons"]) == sorted(
        f'/inform{{"order_id": "{n}"}}' for n in (first, second))


def test_a_resident_without_done_orders_has_nothing_to_claim(demo_store):
    messages, events = validate(ValidateMarketWarrantyForm(), "market_warranty_form", "опять течёт",
                                "market_warranty_claim")
    assert "выполненных заказов за последний год у вас нет" in texts(messages)
    assert slot_events(events) == {"market_claim_order": STOP, "market_claim_text": STOP}


# --- the providers' side --------------------------------------------------------------------------------------

def join_form(new=None, slots=None, text="хочу стать исполнителем", sender="newcomer"):
    return validate(ValidateMarketJoinForm(), "market_join_form", text, "market_provider_join", slots, new,
                    sender=sender)


def test_a_pending_application_says_its_status_and_stops_the_form(demo_store):
    messages, events = join_form(sender="applicant-petr")
    assert "на модерации" in texts(messages)
    slots = slot_events(events)
    assert {slots[s] for s in ("market_join_name", "market_join_categories", "market_join_districts",
                               "market_join_phone")} == {STOP}
    messages, _ = run_action(ActionMarketJoinDone(), make_tracker(sender_id="applicant-petr", slots=slots))
    assert messages == []


def test_a_new_application_is_filed_pending(demo_store):
    _, events = join_form()
    assert slot_events(events) == {}  # nothing known yet: the form asks
    slots = {"market_join_name": "Мария Иванова", "market_join_categories": ["cleaning", "nanny"],
             "market_join_districts": "Заречный, Южный", "market_join_phone": "+79123456789"}
    messages, events = run_action(ActionMarketJoinDone(), make_tracker("+7 912 345-67-89", sender_id="newcomer",
                                                                       slots=slots))
    text = texts(messages)
    assert "принята: Мария Иванова; уборка, няня; районы: Заречный, Южный; телефон +79123456789" in text
    assert "«на модерации»" in text and all(value is None for value in slot_events(events).values())
    with session_scope() as session:
        application = session.execute(select(MarketProvider).where(
            MarketProvider.resident_id == identity_for(session, "rest", "newcomer").resident_id)).scalar_one()
        assert (application.status, application.districts) == ("pending", ["Заречный", "Южный"])


@pytest.mark.parametrize("answer, districts", [
    ("все районы", "Заречный, Центральный, Северный, Южный, Левобережный"),
    ("в заречном и южном", "Заречный, Южный"),
    ("на Марсе", None),
])
def test_districts_are_read_from_words(demo_store, answer, districts):
    slots = {"market_join_name": "Мария", "market_join_categories": ["cleaning"],
             "requested_slot": "market_join_districts"}
    messages, events = join_form(new={"market_join_districts": answer}, slots=slots, text=answer)
    assert slot_events(events)["market_join_districts"] == districts
    assert ("Не узнал районы" in texts(messages)) == (districts is None)


def test_a_member_adds_a_service_and_a_non_member_cannot(demo_store):
    text = "добавь услугу: прочистка канализации 2000 рублей за выезд"
    messages, _ = run_action(ActionMarketProviderAddService(), make_tracker(text, "market_provider_add_service",
                                                                            sender_id=IVAN))
    assert "Услуга сохранена: «Прочистка канализации» — 2 000 ₽ за выезд (сантехник, гарантия 90 дн.)" in texts(messages)
    with session_scope() as session:
        offer = session.execute(select(MarketOffer).where(MarketOffer.title == "Прочистка канализации")).scalar_one()
        assert (offer.price, offer.unit, offer.category, offer.active) == (Decimal("2000.00"), "выезд", "plumber", True)
    for sender in ("resident-1", "applicant-petr"):
        messages, _ = run_action(ActionMarketProviderAddService(), make_tracker(
            "добавь услугу: поклейка обоев 500 рублей за метр", "market_provider_add_service", sender_id=sender))
        assert "Добавлять услуги могут участники кооператива" in texts(messages)
    with session_scope() as session:
        assert session.execute(select(func.count(MarketOffer.id)).where(MarketOffer.title == "Поклейка обоев")).scalar_one() == 1


def test_a_service_in_a_category_outside_the_members_profile_is_refused(demo_store):
    text = "добавь услугу поклейка обоев 500 рублей за метр"
    renovation = [{"entity": "service_category", "value": "renovation", "start": 15, "end": 29}]
    messages, _ = run_action(ActionMarketProviderAddService(), make_tracker(
        text, "market_provider_add_service", entities=renovation, sender_id=IVAN))
    assert "Категория «ремонт и отделка» не указана в вашей анкете (ваши категории: сантехник)" in texts(messages)
    with session_scope() as session:
        ivan = session.execute(select(MarketProvider).where(MarketProvider.name == "Иван Петров")).scalar_one()
        titles = session.execute(select(MarketOffer.title).where(MarketOffer.provider_id == ivan.id)).scalars().all()
    assert "Поклейка обоев" not in titles


def test_stats_list_upcoming_orders_and_earnings(demo_store):
    upcoming = place(day=tomorrow() + timedelta(days=3))
    done_order()
    month_start = dispatch.local_slot(today().replace(day=1), 0)
    with session_scope() as session:
        ivan = session.execute(select(MarketProvider).where(MarketProvider.name == "Иван Петров")).scalar_one()
        done = session.execute(select(MarketOrder.id).where(
            MarketOrder.provider_id == ivan.id, MarketOrder.state == orders.DONE, MarketOrder.done_at >= month_start,
        )).scalars().all()
        earned = Decimal(str(session.execute(select(func.sum(MarketPayment.provider_share))
                                             .where(MarketPayment.order_id.in_(done))).scalar_one())).quantize(Decimal("0.01"))
    messages, _ = run_action(ActionMarketProviderStats(), make_tracker("мой заработок", "market_provider_stats",
                                                                       sender_id=IVAN))
    text = texts(messages)
    assert "Предстоящие заказы:" in text and f"Заказ № {upcoming}: сантехник" in text
    assert f"Выполнено в этом месяце: {len(done)}." in text
    assert f"Заработано за месяц после комиссии: {dispatch.rubles(earned)}" in text
    assert "членский взнос — 500 ₽ в месяц" in text
    messages, _ = run_action(ActionMarketProviderStats(), make_tracker("мой заработок", "market_provider_stats"))
    assert "только участникам кооператива" in texts(messages)


def test_only_members_move_orders_and_only_forward(demo_store):
    number = place()
    messages, _ = mark(number, sender="resident-1")
    assert texts(messages) == "Отмечать заказы могут исполнители кооператива."
    assert stored_order(number).state == orders.ASSIGNED
    messages, _ = mark(number, f"приступил к заказу {number}")
    assert f"Отметил. Заказ № {number}" in texts(messages) and stored_order(number).state == orders.IN_PROGRESS
    messages, _ = mark(number, f"подтверждаю заказ {number}")
    assert "перевести его в «подтверждён исполнителем» нельзя" in texts(messages)
    assert stored_order(number).state == orders.IN_PROGRESS


# --- pure helpers ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, hours, minutes", [
    ("10:00", [10], 0),
    ("10:30", [10], 30),
    ({"from": "13:00", "to": "18:00"}, [13, 14, 15, 16, 17], 0),
    ({"from": "13:30", "to": "16:00"}, [14, 15], 0),
    ("10", [10], 0),
    ("в 7 вечера", [19], 0),
    ("к 3 дня", [15], 0),
    ("в 9 утра", [9], 0),
    (["09:00", "11:00"], [11], 0),
])
def test_parse_hours(value, hours, minutes):
    assert when.parse_hours(value) == when.Hours(hours, minutes)


@pytest.mark.parametrize("value", [None, "", "завтра", "25", "24:00", {"from": "18:00", "to": "13:00"}, {"from": "13:00"}])
def test_parse_hours_unreadable(value):
    assert when.parse_hours(value) is None


@pytest.mark.parametrize("value, day", [
    ("2026-12-02", date(2026, 12, 2)),
    ("2026-12-02T00:00:00.000+03:00", date(2026, 12, 2)),
    ({"from": "2026-12-05", "to": "2026-12-06"}, date(2026, 12, 5)),
    (["2026-12-07"], date(2026, 12, 7)),
    (date(2026, 12, 8), date(2026, 12, 8)),
    ("завтра", None),
    (None, None),
    ([], None),
])
def test_parse_day(value, day):
    assert when.parse_day(value) == day


@pytest.mark.parametrize("text, found", [
    ("закажи первое", [1]),
    ("сравни первых двух", [1, 2]),
    ("сравни оба", [1, 2]),
    ("три первых", [1, 2, 3]),
    ("сравни первое и третье", [1, 3]),
    ("2 и 3", [2, 3]),
    ("давай второй вариант", [2]),
    ("на второе декабря", []),
    ("на пятницу", []),
    ("на вторник", []),
    ("в четверг", []),
    ("закажи на 5 число", []),
    ("закажи 7", []),
])
def test_positions(text, found):
    assert common.positions(text) == found


def test_positions_without_digits():
    assert common.positions("закажи второе на 3", digits=False) == [2]
    assert common.positions("закажи 2", digits=False) == []


@pytest.mark.parametrize("value, number", [
    (15, 15), (15.0, 15), ("15", 15), ("заказ № 15", 15), ("№15", 15),
    (15.5, None), (0, None), ("0", None), (True, None), (None, None), ("заказ 15 и 16", None), ("пятнадцать", None),
])
def test_order_number(value, number):
    assert common.order_number(value) == number
