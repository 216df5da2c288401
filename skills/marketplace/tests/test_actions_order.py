"""The order form: validate_market_order_form, action_ask_market_address, action_ask_market_order_confirm and
action_market_order_done."""

from datetime import timedelta
from decimal import Decimal

from engine.sdk import clock, day_month_year
from engine.testing import button_titles, just_set, make_tracker, run_action, slot_events, texts
from skills.marketplace import orders
from skills.marketplace.actions.order import (
    ActionAskMarketAddress,
    ActionAskMarketOrderConfirm,
    ActionMarketOrderDone,
    ValidateMarketOrderForm,
)
from skills.marketplace.tests.conversations import (
    ADDRESS,
    customer_orders,
    offer_id,
    order_slots,
    place,
    stored_order,
    today,
    tomorrow,
    validate,
)
from skills.marketplace.texts import slot_text


def order_form(text="", intent="inform", slots=None, new=None, entities=None, sender="resident-1"):
    return validate(
        ValidateMarketOrderForm(), "market_order_form", text, intent, slots, new, entities, sender
    )


def test_ordering_a_picked_offer_sets_the_offer_and_its_category(demo_store):
    shown = [offer_id("Устранение протечки"), offer_id("Вызов сантехника")]
    _, events = order_form("закажи второе", "market_order", slots={"market_last_offers": shown})
    slots = slot_events(events)
    assert slots["market_category"] == "plumber" and slots["market_offer"] == shown[1]


def test_the_offer_button_of_the_search_results_picks_too(demo_store):
    shown = [offer_id("Устранение протечки"), offer_id("Вызов сантехника")]
    _, events = order_form(
        "/market_order",
        "market_order",
        slots={"market_last_offers": shown},
        entities=[{"entity": "market_offer_position", "value": "1"}],
    )
    assert slot_events(events)["market_offer"] == shown[0]


def test_a_weekday_is_not_taken_for_a_pick_from_the_results(demo_store):
    shown = [
        offer_id("Устранение протечки"),
        offer_id("Вызов сантехника"),
        offer_id("Установка унитаза"),
        offer_id("Замена смесителя"),
    ]
    for text in ("закажи на вторник", "закажи на четверг"):
        _, events = order_form(text, "market_order", slots={"market_last_offers": shown})
        assert slot_events(events) == {}, text


def test_an_address_without_street_and_house_is_asked_again(demo_store):
    asked = {"market_category": "plumber", "requested_slot": "market_address"}
    for answer, question in (("дом", "Напишите адрес"), ("улица Речная", "Не вижу номера дома")):
        messages, events = order_form(answer, new={"market_address": answer}, slots=asked)
        assert texts(messages).startswith(question) and slot_events(events)["market_address"] is None
    _, events = order_form(ADDRESS, new={"market_address": f"  {ADDRESS} "}, slots=asked)
    assert slot_events(events)["market_address"] == ADDRESS


def test_an_hour_typed_for_the_address_fills_the_hour_and_asks_only_for_the_address(demo_store):
    asked = {"market_category": "plumber", "requested_slot": "market_address"}
    messages, events = order_form(
        "в 10 утра",
        new={"market_address": "в 10 утра", "market_hour": "10:00"},
        slots=asked,
        entities=[{"entity": "time", "value": "10:00"}],
    )
    assert texts(messages).startswith("Время записал. А адрес какой?")
    assert slot_events(events)["market_address"] is None


def test_a_past_day_is_refused(demo_store):
    yesterday = today() - timedelta(days=1)
    messages, events = order_form("вчера", new={"market_day": yesterday.isoformat()})
    assert (
        texts(messages) == f"{day_month_year(yesterday)} уже прошло — выберите день не раньше сегодняшнего."
    )
    assert slot_events(events)["market_day"] is None


def test_a_day_too_far_or_unreadable_is_asked_again(demo_store):
    far = today() + timedelta(days=61)
    messages, events = order_form("через два месяца", new={"market_day": far.isoformat()})
    assert texts(messages) == "Заказы принимаются не больше чем на 60 дней вперёд."
    assert slot_events(events)["market_day"] is None
    messages, events = order_form("когда-нибудь", new={"market_day": "когда-нибудь"})
    assert texts(messages) == "Не понял дату. Напишите, например, «завтра» или «15 декабря»."
    assert slot_events(events)["market_day"] is None


def test_an_unreadable_hour_is_asked_again(demo_store):
    messages, events = order_form("как-нибудь", new={"market_hour": "как-нибудь"})
    assert texts(messages) == "Не понял время. Напишите, например, «в 10», «к 15:00» или «после обеда»."
    assert slot_events(events)["market_hour"] is None


def test_an_unknown_service_is_asked_again(demo_store):
    messages, events = order_form("астролог", new={"market_category": "astrologer"})
    assert (
        texts(messages) == "Такой услуги в кооперативе нет."
        and slot_events(events)["market_category"] is None
    )


def test_an_hour_outside_working_hours_is_refused_with_them(demo_store):
    slots = {**order_slots(offer=offer_id("Устранение протечки"), hour=None), "market_order_confirm": None}
    messages, events = order_form("в 21", slots=slots, new={"market_hour": "21:00"})
    assert texts(messages) == "Иван Петров работает с 8:00 до 20:00 — выберите время в эти часы."
    assert slot_events(events)["market_hour"] is None


def test_a_range_of_hours_with_no_bookable_one_says_so(demo_store):
    slots = {**order_slots(offer=offer_id("Устранение протечки"), hour=None), "market_order_confirm": None}
    messages, events = order_form(
        "вечером", slots=slots, new={"market_hour": {"from": "20:00", "to": "23:00"}}
    )
    assert texts(messages) == (
        f"{day_month_year(tomorrow())} с 20:00 до 23:00 свободного времени нет. "
        "Иван Петров работает с 8:00 до 20:00 — выберите время в эти часы."
    )
    assert slot_events(events)["market_hour"] is None


def test_a_booked_hour_is_refused_with_the_nearest_free_time(demo_store):
    ivan_offer = offer_id("Устранение протечки")
    place("neighbour", offer=ivan_offer)  # Иван, tomorrow 10:00–12:00
    slots = {**order_slots(offer=ivan_offer, hour=None), "market_order_confirm": None}
    messages, events = order_form("в 10", slots=slots, new={"market_hour": "10:00"})
    text = texts(messages)
    assert "Иван Петров уже занят в это время." in text
    assert f"Ближайшее свободное время: {slot_text(clock.local_moment(tomorrow(), 12))}." in text
    assert slot_events(events)["market_hour"] is None and slot_events(events)["market_quoted_offer"] is None


def test_nobody_free_at_that_hour_is_refused_without_a_pick(demo_store):
    slots = {**order_slots(hour=None), "market_order_confirm": None}
    messages, events = order_form("в 6 утра", slots=slots, new={"market_hour": "06:00"})
    assert texts(messages) == (
        f"На {slot_text(clock.local_moment(tomorrow(), 6))} нет свободных исполнителей "
        "«сантехник». Попробуйте другое время или день."
    )
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
    slots = {
        **order_slots(offer=ivan_offer),
        "market_order_confirm": None,
        "requested_slot": "market_order_confirm",
    }
    messages, events = order_form(
        "а давайте послезавтра",
        slots=slots,
        new={"market_day": later.isoformat()},
        entities=[{"entity": "date", "value": later.isoformat()}],
    )
    assert "Иван Петров уже занят в это время." in texts(messages)
    assert slot_events(events) == {
        "market_day": later.isoformat(),
        "market_hour": None,
        "market_quoted_offer": None,
    }
    # to a day when he is free the hour stands
    free_day = later + timedelta(days=1)
    messages, events = order_form(
        "тогда на другой день", slots=slots, new={"market_day": free_day.isoformat()}
    )
    assert messages == [] and slot_events(events)["market_hour"] == "10:00"


def test_the_address_is_asked_with_the_previous_one_as_a_button(demo_store):
    tracker = make_tracker(active_loop="market_order_form", slots={"requested_slot": "market_address"})
    messages, _ = run_action(ActionAskMarketAddress(), tracker)
    assert texts(messages) == (
        "По какому адресу нужна услуга? Улица, дом и квартира, например «ул. Ленина, 15, кв. 3»."
    )
    assert messages[0]["buttons"] == []
    place(address="ул. Речная, 1")
    messages, _ = run_action(ActionAskMarketAddress(), tracker)
    assert messages[0]["buttons"] == [
        {"title": "ул. Речная, 1", "payload": '/inform{"location": "ул. Речная, 1"}'}
    ]


def test_the_confirmation_shows_provider_price_and_asks(demo_store):
    tracker = make_tracker(
        slots={**order_slots(), "market_order_confirm": None}, active_loop="market_order_form"
    )
    messages, events = run_action(ActionAskMarketOrderConfirm(), tracker)
    text = texts(messages)
    assert text == (
        "Проверим заказ:\nУслуга: сантехник — «Устранение протечки»\n"
        f"Когда: {slot_text(clock.local_moment(tomorrow(), 10))} (около 2 ч)\nАдрес: {ADDRESS}\n"
        "Исполнитель: Иван Петров, ★ 4.8 (5 отз.) — подобран автоматически: свободен в это время, меньше всего "
        "заказов в этот день, выше рейтинг\nЦена: 1 500 ₽ за выезд. Оплата — после оформления; отмена бесплатна "
        "не позже чем за 3 ч до визита.\nОформить заказ?"
    )
    assert button_titles(messages) == ["Да", "Нет"]
    assert slot_events(events) == {
        "market_quoted_offer": offer_id("Устранение протечки"),
        "market_hour": "10:00",
    }


def test_a_picked_offer_is_confirmed_as_picked_and_a_taken_hour_asked_again(demo_store):
    picked = offer_id("Вызов сантехника")
    tracker = make_tracker(
        slots={**order_slots(offer=picked), "market_order_confirm": None}, active_loop="market_order_form"
    )
    messages, _ = run_action(ActionAskMarketOrderConfirm(), tracker)
    assert "Исполнитель: ООО «АкваМастер», ★ 4.2 (5 отз.) — вы выбрали сами\n" in texts(messages)
    place("neighbour", offer=picked)
    messages, events = run_action(ActionAskMarketOrderConfirm(), tracker)
    assert texts(messages) == (
        f"ООО «АкваМастер» уже занят в это время. Ближайшее свободное время: "
        f"{slot_text(clock.local_moment(tomorrow(), 12))}.\nВо сколько вам удобно?"
    )
    assert slot_events(events) == {
        "market_hour": None,
        "market_quoted_offer": None,
        "requested_slot": "market_hour",
    }


def test_dispatch_gives_the_order_to_ivan_and_a_repeated_confirmation_places_nothing_more(demo_store):
    slots = order_slots()
    messages, events = run_action(ActionMarketOrderDone(), make_tracker("да", "affirm", slots=slots))
    (number,) = customer_orders("resident-1")
    assert texts(messages) == (
        f"Готово! Заказ № {number}: сантехник, {slot_text(clock.local_moment(tomorrow(), 10))}, "
        f"{ADDRESS} — 1 500 ₽, исполнитель назначен (Иван Петров).\nВремя за вами 60 мин: если не оплатить заказ "
        "за это время, его смогут занять. Оплатить сейчас?"
    )
    assert messages[0]["buttons"] == [
        {"title": "Оплатить", "payload": f'/market_pay_order{{"order_id": "{number}"}}'},
        {"title": "Позже", "payload": "/deny"},
    ]
    assert all(value is None for value in slot_events(events).values())
    stored = stored_order(number)
    assert (stored.provider_name, stored.state, stored.price) == (
        "Иван Петров",
        orders.ASSIGNED,
        Decimal("1500.00"),
    )
    assert (
        clock.to_local(stored.slot_start).hour == 10
        and clock.to_local(stored.slot_start).date() == tomorrow()
    )
    messages, _ = run_action(ActionMarketOrderDone(), make_tracker("да", "affirm", slots=slots))
    assert f"Этот заказ уже оформлен. Заказ № {number}" in texts(messages)
    assert customer_orders("resident-1") == [number]


def test_a_busy_ivan_leaves_the_order_to_the_next_plumber(demo_store):
    place("neighbour", offer=offer_id("Устранение протечки"))
    assert stored_order(place()).provider_name == "ООО «АкваМастер»"


def test_an_hour_taken_before_the_confirmation_places_nothing(demo_store):
    ivan_offer = offer_id("Устранение протечки")
    place("neighbour", offer=ivan_offer)
    messages, _ = run_action(
        ActionMarketOrderDone(), make_tracker("да", "affirm", slots=order_slots(offer=ivan_offer))
    )
    assert texts(messages) == (
        f"Иван Петров уже занят в это время. Ближайшее свободное время: {slot_text(clock.local_moment(tomorrow(), 12))}. "
        "Заказ не оформлен — напишите «закажи …», чтобы выбрать другое время."
    )
    assert customer_orders("resident-1") == []


def test_declining_the_confirmation_places_nothing(demo_store):
    messages, _ = run_action(
        ActionMarketOrderDone(), make_tracker("нет", "deny", slots=order_slots(confirm=False))
    )
    assert "заказ не оформляю" in texts(messages) and customer_orders("resident-1") == []


def test_a_place_tagged_in_the_answer_about_the_day_never_erases_the_address(demo_store):
    tracker = make_tracker(
        "в среду после школы, часов в 17",
        "inform",
        slots={"market_category": "tutor", "market_address": "школы", "requested_slot": "market_day"},
        active_loop="market_order_form",
        events=[{"event": "slot", "name": "market_address", "value": "Южная улица 3 кв 9"}],
    )
    messages, events = run_action(ValidateMarketOrderForm(), just_set(tracker, "market_address", "школы"))
    assert slot_events(events)["market_address"] == "Южная улица 3 кв 9"
    assert "адрес" not in texts(messages).lower()


def test_a_no_that_corrects_the_hour_at_the_confirmation_is_confirmed_again(demo_store):
    slots = {**order_slots(), "market_order_confirm": None, "requested_slot": "market_order_confirm"}
    times = [{"entity": "time", "value": "12:00"}, {"entity": "time", "value": "14:00"}]
    _, events = order_form(
        "ой нет не в 12 а в 14",
        "deny",
        slots=slots,
        new={"market_hour": ["12:00", "14:00"], "market_order_confirm": False},
        entities=times,
    )
    changed = slot_events(events)
    assert changed["market_order_confirm"] is None and changed["market_hour"] == "14:00"
    # a plain no declines
    _, events = order_form("нет", "deny", slots=slots, new={"market_order_confirm": False})
    assert slot_events(events)["market_order_confirm"] is False
