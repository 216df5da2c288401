"""The resident's own orders: action_market_order_status and the cancel form (validate_market_cancel_form,
action_ask_market_cancel_order, action_ask_market_cancel_confirm, action_market_cancel_done)."""

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from engine.sdk import STOP, clock, day_month_year, session_scope, utcnow
from engine.testing import button_titles, make_tracker, run_action, slot_events, texts
from skills.marketplace import orders
from skills.marketplace.actions.my_orders import (
    ActionAskMarketCancelConfirm,
    ActionAskMarketCancelOrder,
    ActionMarketCancelDone,
    ActionMarketOrderStatus,
    ValidateMarketCancelForm,
)
from skills.marketplace.models import MarketBooking, MarketOrder
from skills.marketplace.tests.conversations import (
    ADDRESS,
    done_order,
    place,
    stored_order,
    tomorrow,
    validate,
)
from skills.marketplace.texts import slot_text


def status(text="мои заказы", number=None):
    entities = [{"entity": "order_id", "value": str(number)}] if number else []
    return run_action(ActionMarketOrderStatus(), make_tracker(text, "market_order_status", entities=entities))


def cancel_done(number, confirm=True):
    return run_action(
        ActionMarketCancelDone(),
        make_tracker(
            "да" if confirm else "нет",
            "affirm" if confirm else "deny",
            slots={"market_cancel_order": number, "market_cancel_confirm": confirm},
        ),
    )


def test_the_owner_sees_the_status(demo_store):
    messages, _ = status()
    assert texts(messages) == (
        "У вас пока нет заказов в кооперативе. Напишите, какая услуга нужна, например "
        "«нужен сантехник на завтра»."
    )
    number = place()
    line = (
        f"Заказ № {number}: сантехник, {slot_text(clock.local_moment(tomorrow(), 10))}, {ADDRESS} — 1 500 ₽, "
        "исполнитель назначен (Иван Петров). Не оплачен — напишите «оплатить заказ»."
    )
    messages, _ = status()
    assert texts(messages) == f"Ваши заказы:\n{line}"
    messages, _ = status("статус заказа", number)
    assert texts(messages) == line


def test_a_done_paid_order_shows_its_warranty(demo_store):
    number = done_order()
    messages, _ = status("статус заказа", number)
    text = texts(messages)
    ends = day_month_year(clock.today() + timedelta(days=90))
    assert text.endswith(f"— 1 500 ₽, выполнен (Иван Петров). Оплачен. Гарантия до {ends}.")


def test_cancelling_far_ahead_is_free_and_releases_the_hours(demo_store):
    number = place(day=tomorrow() + timedelta(days=2))
    _, events = validate(
        ValidateMarketCancelForm(), "market_cancel_form", "отмени заказ", "market_cancel_order"
    )
    assert slot_events(events)["market_cancel_order"] == number  # the only one that can be cancelled
    tracker = make_tracker(slots={"market_cancel_order": number}, active_loop="market_cancel_form")
    messages, _ = run_action(ActionAskMarketCancelConfirm(), tracker)
    assert texts(messages).startswith(f"Отменить? Заказ № {number}: сантехник, ")
    assert texts(messages).endswith("(Иван Петров).\nОтмена бесплатная.") and button_titles(messages) == [
        "Да",
        "Нет",
    ]
    messages, _ = cancel_done(number)
    assert texts(messages) == f"Заказ № {number} отменён бесплатно."
    order = stored_order(number)
    assert order.state == orders.CANCELLED and order.cancel_fee == Decimal("0")
    with session_scope() as session:
        assert (
            session.execute(
                select(func.count(MarketBooking.id)).where(MarketBooking.order_id == number)
            ).scalar_one()
            == 0
        )
    messages, events = validate(
        ValidateMarketCancelForm(),
        "market_cancel_form",
        f"отмени заказ {number}",
        "market_cancel_order",
        new={"market_cancel_order": str(number)},
    )
    assert texts(messages) == f"Заказ № {number} уже отменён."
    assert slot_events(events) == {"market_cancel_order": STOP, "market_cancel_confirm": False}
    messages, events = validate(
        ValidateMarketCancelForm(), "market_cancel_form", "отмени заказ", "market_cancel_order"
    )
    assert texts(messages) == "Заказов, которые можно отменить, у вас нет."
    assert slot_events(events) == {"market_cancel_order": STOP, "market_cancel_confirm": False}


def test_cancelling_shortly_before_the_visit_keeps_a_fee_said_beforehand(demo_store):
    number = place()
    with session_scope() as session:  # the visit is in two hours
        session.get(MarketOrder, number).slot_start = utcnow() + timedelta(hours=2)
    tracker = make_tracker(slots={"market_cancel_order": number}, active_loop="market_cancel_form")
    messages, _ = run_action(ActionAskMarketCancelConfirm(), tracker)
    assert texts(messages).endswith("\nДо визита меньше 3 ч, поэтому удержим 30% стоимости — 450 ₽.")
    messages, _ = cancel_done(number)
    assert texts(messages) == (
        f"Заказ № {number} отменён. До визита осталось меньше 3 часов, поэтому удерживается "
        "30% стоимости — 450 ₽."
    )
    assert stored_order(number).cancel_fee == Decimal("450.00")


def test_a_started_or_done_order_cannot_be_cancelled(demo_store):
    number = done_order()
    messages, events = validate(
        ValidateMarketCancelForm(),
        "market_cancel_form",
        f"отмени заказ {number}",
        "market_cancel_order",
        new={"market_cancel_order": str(number)},
    )
    assert texts(messages) == (
        f"Заказ № {number} уже выполнен — отменить его нельзя. Если что-то не так, оформите "
        "гарантийный случай или напишите оператору."
    )
    assert slot_events(events)["market_cancel_order"] == STOP


def test_with_several_orders_the_cancel_form_asks_which(demo_store):
    first, second = place(), place(hour="14:00")
    messages, _ = run_action(
        ActionAskMarketCancelOrder(),
        make_tracker(active_loop="market_cancel_form", slots={"requested_slot": "market_cancel_order"}),
    )
    assert texts(messages).startswith(f"Какой заказ отменить?\n№ {second}: сантехник, ")
    assert (
        button_titles(messages)[1] == f"№ {first}: сантехник, {slot_text(clock.local_moment(tomorrow(), 10))}"
    )


def test_keeping_the_order_cancels_nothing(demo_store):
    number = place()
    messages, _ = cancel_done(number, confirm=False)
    assert (
        texts(messages) == "Хорошо, заказ остаётся в силе." and stored_order(number).state == orders.ASSIGNED
    )
