"""Reviewing a done order: validate_market_review_form, action_ask_market_review_order, action_market_review_done."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from engine.sdk import STOP, session_scope
from engine.testing import button_titles, make_tracker, run_action, slot_events, texts
from skills.marketplace.actions.review import (
    ActionAskMarketReviewOrder,
    ActionMarketReviewDone,
    ValidateMarketReviewForm,
)
from skills.marketplace.models import MarketProvider
from skills.marketplace.tests.conversations import done_order, place, tomorrow, validate


def review_form(new=None, slots=None, text="оставить отзыв", entities=None, sender="resident-1"):
    return validate(
        ValidateMarketReviewForm(), "market_review_form", text, "market_review", slots, new, entities, sender
    )


def test_a_review_waits_for_the_work_to_be_done(demo_store):
    messages, events = review_form()
    assert (
        texts(messages)
        == "Отзыв можно оставить после выполнения заказа, а выполненных заказов у вас пока нет."
    )
    assert slot_events(events)["market_review_order"] == STOP
    number = place()
    messages, events = review_form(new={"market_review_order": str(number)}, text=f"отзыв на заказ {number}")
    assert texts(messages) == (
        f"Отзыв можно оставить, когда заказ выполнен, а заказ № {number} ещё не выполнен "
        "(сейчас: исполнитель назначен)."
    )
    assert slot_events(events)["market_rating"] == STOP


def test_a_rating_in_words_updates_the_providers_rating_and_only_once(demo_store):
    number = done_order()
    messages, events = review_form(new={"market_rating": "на троечку"}, text="на троечку")
    slots = slot_events(events)
    assert messages == [] and slots["market_review_order"] == number and slots["market_rating"] == 3
    done_slots = {"market_review_order": number, "market_rating": 3, "market_review_text": "долго искал кран"}
    messages, _ = run_action(
        ActionMarketReviewDone(), make_tracker("долго искал кран", "inform", slots=done_slots)
    )
    assert (
        texts(messages)
        == f"Спасибо! Оценка 3 к заказу № {number} сохранена. Иван Петров: теперь ★ 4.50 (6 отз.)."
    )
    with session_scope() as session:
        ivan = session.execute(
            select(MarketProvider).where(MarketProvider.name == "Иван Петров")
        ).scalar_one()
        assert (ivan.rating, ivan.review_count) == (Decimal("4.50"), 6)
    # a second review of the same order is refused before anything is asked
    messages, events = review_form(new={"market_review_order": str(number)}, text=f"отзыв на заказ {number}")
    assert texts(messages) == (
        f"Отзыв на заказ № {number} вы уже оставили — второй раз оценить нельзя. Спасибо за отзыв!"
    )
    assert slot_events(events) == {
        "market_review_order": STOP,
        "market_rating": STOP,
        "market_review_text": STOP,
    }
    messages, _ = review_form()
    assert texts(messages) == "Все ваши выполненные заказы уже оценены — второй раз оценить нельзя. Спасибо!"
    # a forged final step for the reviewed order is refused by the domain too
    messages, _ = run_action(
        ActionMarketReviewDone(), make_tracker("пять", "inform", slots={**done_slots, "market_rating": 5})
    )
    assert texts(messages) == f"Отзыв на заказ № {number} вы уже оставили — второй раз оценить нельзя."


@pytest.mark.parametrize(
    "text, value, rating",
    [
        (
            "оставлю отзыв по заказу 4",
            None,
            None,
        ),  # a small order number is not a rating: the rating is asked next
        ("поставь 5 за заказ 4", None, 5),
        ("по заказу № 4 на троечку", None, 3),
        ("4 за заказ 4", "4", 4),  # the NLU's rating entity is taken as it is
    ],
)
def test_the_order_number_is_not_taken_for_the_rating(demo_store, text, value, rating):
    _, events = review_form(
        slots={"market_review_order": 4},
        new={"market_rating": value or text},
        text=text,
        entities=[{"entity": "order_id", "value": "4"}],
    )
    assert slot_events(events)["market_rating"] == rating


def test_an_unreadable_rating_is_asked_again(demo_store):
    messages, events = review_form(
        slots={"market_review_order": 4, "requested_slot": "market_rating"},
        new={"market_rating": "не знаю"},
        text="не знаю",
    )
    assert texts(messages) == "Оценка — от 1 до 5: например «5», «четыре» или «на троечку»."
    assert slot_events(events)["market_rating"] is None


def test_with_several_orders_to_review_the_form_asks_which(demo_store):
    done_order(day=tomorrow())
    second = done_order(day=tomorrow() + timedelta(days=1))
    messages, _ = run_action(
        ActionAskMarketReviewOrder(),
        make_tracker(active_loop="market_review_form", slots={"requested_slot": "market_review_order"}),
    )
    assert texts(messages).startswith(f"Какой заказ оценить?\n№ {second}: сантехник, ")
    assert len(button_titles(messages)) == 2
