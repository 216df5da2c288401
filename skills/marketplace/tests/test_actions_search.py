"""action_market_search: the cards of a search, why nothing was found, comparing two offers."""

import re

from sqlalchemy import update

from engine.sdk import clock, day_month_year, read_typed, session_scope
from engine.testing import make_tracker, run_action, slot_events, texts
from skills.marketplace import texts as market_texts
from skills.marketplace.actions.search import ActionMarketSearch
from skills.marketplace.models import MarketOffer
from skills.marketplace.tests.conversations import offer_id, tomorrow


def search(text, entities=None, slots=None):
    return run_action(
        ActionMarketSearch(), make_tracker(text, "market_search", entities=entities, slots=slots)
    )


def category(value):
    return {"entity": "service_category", "value": value}


def test_a_plumber_for_tomorrow_lists_numbered_cards_and_remembers_them(demo_store):
    messages, events = search(
        "нужен сантехник на завтра",
        entities=[category("plumber"), {"entity": "date", "value": tomorrow().isoformat()}],
    )
    text = texts(messages)
    assert "Нашёл предложения «сантехник» (по рейтингу):" in text
    assert "1. Иван Петров — Устранение протечки: 1 500 ₽ за выезд, ★ 4.8 (5 отз.)" in text
    assert "2. Иван Петров — Замена смесителя: 1 800 ₽, ★ 4.8" in text
    assert "3. ООО «АкваМастер»" in text and len(re.findall(r"^\d\. ", text, re.M)) == 4
    # the nearest time is on the day asked for: Иван starts at 8:00
    assert f"ближайшее время — {market_texts.slot_text(clock.local_moment(tomorrow(), 8))}" in text
    assert text.endswith("«Сравни первые два» — сравню рядом.")
    assert [b["title"] for b in messages[0]["buttons"]] == ["Заказать 1", "Заказать 2", "Заказать 3"]
    assert messages[0]["buttons"][1]["payload"] == '/market_order{"market_offer_position": "2"}'
    shown = slot_events(events)["market_last_offers"]
    assert shown[:2] == [offer_id("Устранение протечки"), offer_id("Замена смесителя")] and len(shown) == 4


def test_cheaper_first_sorts_by_price(demo_store):
    messages, _ = search("уборка подешевле", entities=[category("cleaning")])
    text = texts(messages)
    assert "Нашёл предложения «уборка» (сначала дешевле):" in text
    assert "1. Татьяна Белова — Мытьё окон: 300 ₽ за окно, ★ 4.5 (2 отз.), ближайшее время — " in text


def test_compare_the_first_two_of_the_last_search(demo_store):
    shown = [offer_id("Устранение протечки"), offer_id("Вызов сантехника"), offer_id("Установка унитаза")]
    messages, events = search("сравни первых двух", slots={"market_last_offers": shown})
    text = texts(messages)
    assert text.startswith(
        "Сравнение:\n• Иван Петров, «Устранение протечки»\n  цена: 1 500 ₽ за выезд; рейтинг: ★ 4.8"
    )
    assert "ООО «АкваМастер», «Вызов сантехника»" in text and "Установка унитаза" not in text
    assert "гарантия: 90 дн." in text and "гарантия: 60 дн." in text
    assert text.endswith("\nДешевле — ООО «АкваМастер»; выше рейтинг — Иван Петров.")
    assert events == []


def test_comparing_needs_two_shown_offers(demo_store):
    messages, events = search(
        "сравни первое и третье", slots={"market_last_offers": [offer_id("Устранение протечки")]}
    )
    assert texts(messages) == (
        "Для сравнения нужны два предложения из последнего поиска — например, «сравни первое и третье»."
    )
    assert events == []


def test_an_impossible_search_says_why_hints_what_to_relax_and_forgets_the_offers(demo_store):
    messages, events = search(
        "электрик в Южном районе до 100 рублей",
        slots={"market_last_offers": [1, 2]},
        entities=[category("electrician"), {"entity": "amount", "value": 100}],
    )
    assert texts(messages) == (
        "Не нашлось предложений «электрик» дешевле 100 ₽, в районе Южный. "
        "Если увеличить бюджет, найдётся 1 предл. (от 1 500 ₽)."
    )
    assert slot_events(events) == {"market_last_offers": None}


def test_a_search_at_a_time_nobody_works_hints_another_time(demo_store):
    day = tomorrow()
    messages, _ = search(
        "репетитор завтра в 22",
        entities=[
            category("tutor"),
            {"entity": "date", "value": day.isoformat()},
            {"entity": "time", "value": "22:00"},
        ],
    )
    text = texts(messages)
    assert text.startswith(
        f"Не нашлось предложений «репетитор» со свободным временем на "
        f"{day_month_year(day)} с 22:00 до 23:00. "
    )
    assert "В другое время найдётся 2 предл., ближайшее время — " in text


def test_when_no_single_filter_helps_the_hint_says_to_drop_some(demo_store):
    messages, _ = search(
        "маникюр в Северном районе до 100 рублей",
        entities=[category("beauty"), {"entity": "amount", "value": 100}],
    )
    assert texts(messages) == (
        "Не нашлось предложений «красота» дешевле 100 ₽, в районе Северный. "
        "Попробуйте убрать часть условий поиска."
    )


def test_a_category_without_offers_says_so(demo_store):
    with session_scope() as session:
        session.execute(update(MarketOffer).where(MarketOffer.category == "nanny").values(active=False))
    messages, _ = search("нужна няня", entities=[category("nanny")])
    assert texts(messages) == (
        "В кооперативе пока нет предложений в категории «няня». Попробуйте другую категорию услуг."
    )


def test_a_search_without_a_category_asks_which_service(demo_store):
    messages, events = search("найди мне кого-нибудь на завтра")
    assert messages[0]["response"] == "utter_ask_market_category" and events == []
    # the question is an offer: the trade alone in reply searches, keeping the day already said
    assert messages[0]["offer"]["intent"] == "market_search"
    assert messages[0]["offer"]["accepts"] == ["service_category"]


def test_a_problem_in_own_words_searches_its_trade_at_once_and_says_which(demo_store):
    messages, events = search("у меня на кухне течёт кран, что делать")
    assert texts(messages).startswith("Похоже, тут нужна услуга «сантехник» — вот кто может помочь.")
    assert "Нашёл предложения «сантехник» (по рейтингу):" in texts(messages)
    assert slot_events(events)["market_category"] == "plumber"  # «а подешевле?» next keeps the trade
    cheaper, _ = search("а подешевле есть?", slots={"market_category": "plumber"})
    assert "Нашёл предложения «сантехник» (сначала дешевле):" in texts(cheaper)


def test_the_results_offer_an_order_of_that_service(demo_store):
    messages, _ = search("нужен электрик", entities=[category("electrician")])
    found = messages[-1]["offer"]
    assert found["intent"] == "market_order" and found["accepts"] == ["date", "time", "market_offer_position"]
    assert found["entities"] == {"service_category": "electrician"}


def test_a_search_inside_the_order_form_leaves_its_category(demo_store):
    tracker = make_tracker(
        "а сколько грузчики стоят",
        "market_search",
        entities=[category("movers")],
        active_loop="market_order_form",
    )
    _, events = run_action(ActionMarketSearch(), tracker)
    assert "market_category" not in slot_events(events)


def test_an_ordinal_alone_answers_the_results_offer():
    # search.py registers the reader, so the engine's answer to an offer reads «второе» as that pick
    assert read_typed("market_offer_position", "второе") == "2"
    assert read_typed("market_offer_position", "давай первого") == "1"
    assert read_typed("market_offer_position", "на 2 декабря") is None
