"""Every marketplace action that moves money or changes an order, tried as another resident, with forged and hostile
slot values, after a stale confirmation, and by a provider on their own offer or on another provider's order: the
resident reads why in Russian, and nothing changes."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine.sdk import STOP, clock, resident_for, session_scope, utcnow
from engine.testing import make_tracker, run_action, slot_events, texts
from skills.marketplace import orders
from skills.marketplace.actions import my_orders
from skills.marketplace.actions.my_orders import (
    ActionAskMarketCancelConfirm,
    ActionMarketCancelDone,
    ActionMarketOrderStatus,
    ValidateMarketCancelForm,
)
from skills.marketplace.actions.order import ActionMarketOrderDone, ValidateMarketOrderForm
from skills.marketplace.actions.pay import ActionAskMarketPayConfirm, ActionMarketPayDone
from skills.marketplace.actions.review import ActionMarketReviewDone, ValidateMarketReviewForm
from skills.marketplace.actions.warranty import ActionMarketWarrantyDone
from skills.marketplace.models import MarketClaim, MarketOffer, MarketReview
from skills.marketplace.tests.conversations import (
    IVAN,
    done_order,
    mark,
    offer_id,
    order_slots,
    pay,
    payment_rows,
    place,
    stored_order,
    tomorrow,
    validate,
)

OTHER = "resident-2"


def not_yours(number) -> str:
    return f"Заказа № {number} среди ваших заказов нет."


def cancel_done(number, sender="resident-1", **slots):
    slots = {"market_cancel_order": number, "market_cancel_confirm": True, **slots}
    return run_action(ActionMarketCancelDone(), make_tracker("да", "affirm", slots=slots, sender_id=sender))


def review_done(number, sender="resident-1"):
    slots = {"market_review_order": number, "market_rating": 5, "market_review_text": "-"}
    return run_action(ActionMarketReviewDone(), make_tracker("пять", "inform", slots=slots, sender_id=sender))


def claim_done(number, sender="resident-1"):
    slots = {"market_claim_order": number, "market_claim_text": "опять течёт"}
    return run_action(
        ActionMarketWarrantyDone(), make_tracker("опять течёт", "inform", slots=slots, sender_id=sender)
    )


def count(model) -> int:
    with session_scope() as session:
        return session.execute(select(func.count(model.id))).scalar_one()


def test_another_resident_can_neither_pay_nor_cancel_an_order(demo_store):
    number = place()
    before = payment_rows()
    assert texts(pay(number, key="k", sender=OTHER)[0]) == not_yours(number) and payment_rows() == before
    assert texts(cancel_done(number, sender=OTHER)[0]) == not_yours(number)
    assert stored_order(number).state == orders.ASSIGNED


@pytest.mark.parametrize(
    "action, slots",
    [
        (ActionAskMarketPayConfirm(), {"market_pay_order": "{n}"}),
        (ActionAskMarketCancelConfirm(), {"market_cancel_order": "{n}"}),
    ],
    ids=["pay", "cancel"],
)
def test_a_confirmation_asked_for_someone_elses_order_shows_nothing_of_it(demo_store, action, slots):
    number = place()
    slots = {name: int(value.format(n=number)) for name, value in slots.items()}
    tracker = make_tracker(slots=slots, active_loop="market_pay_form", sender_id=OTHER)
    messages, events = run_action(action, tracker)
    assert texts(messages) == not_yours(number)
    assert "1 500" not in texts(messages)
    assert set(slot_events(events).values()) <= {STOP, False}


def test_another_resident_can_neither_review_nor_claim_an_order(demo_store):
    number = done_order()
    before = count(MarketReview), count(MarketClaim)
    assert texts(review_done(number, sender=OTHER)[0]) == not_yours(number)
    messages, _ = validate(
        ValidateMarketReviewForm(),
        "market_review_form",
        f"отзыв на заказ {number}",
        "market_review",
        new={"market_review_order": str(number)},
        sender=OTHER,
    )
    assert texts(messages) == not_yours(number)
    assert texts(claim_done(number, sender=OTHER)[0]) == not_yours(number)
    assert (count(MarketReview), count(MarketClaim)) == before


def test_a_provider_cannot_mark_another_providers_order(demo_store):
    number = place(offer=offer_id("Вызов сантехника"))  # ООО «АкваМастер»
    assert texts(mark(number, sender=IVAN)[0]) == not_yours(number)
    assert stored_order(number).state == orders.ASSIGNED


@pytest.mark.parametrize(
    "value",
    ["99999999999999999999", "2147483648", "-5", "0", "abc", "1e9", "<b>7</b>", "7" * 10_000],
    ids=lambda value: value if len(value) < 30 else f"{len(value)}-digits",
)
def test_hostile_order_numbers_are_answered_calmly(demo_store, value):
    place()
    before = payment_rows()
    tracker = make_tracker(
        f"статус заказа {value}", "market_order_status", entities=[{"entity": "order_id", "value": value}]
    )
    status = texts(run_action(ActionMarketOrderStatus(), tracker)[0])
    assert status.startswith(("Заказа №", "Ваши заказы:")), status
    for action, slot in (
        (
            ActionMarketPayDone(),
            {"market_pay_order": value, "market_pay_confirm": True, "market_pay_key": "k"},
        ),
        (ActionMarketCancelDone(), {"market_cancel_order": value, "market_cancel_confirm": True}),
        (
            ActionMarketReviewDone(),
            {"market_review_order": value, "market_rating": 5, "market_review_text": "-"},
        ),
        (ActionMarketWarrantyDone(), {"market_claim_order": value, "market_claim_text": "течёт"}),
    ):
        said = texts(run_action(action, make_tracker("да", "affirm", slots=slot))[0])
        assert said.startswith(("Заказа №", "Напишите номер заказа цифрами")), (action.name(), said)
    messages, _ = validate(
        ValidateMarketCancelForm(),
        "market_cancel_form",
        f"отмени заказ {value}",
        "market_cancel_order",
        new={"market_cancel_order": value},
    )
    assert texts(messages).startswith(("Заказа №", "Напишите номер заказа цифрами")), texts(messages)
    assert payment_rows() == before


def test_a_cancellation_confirmed_after_the_free_period_ended_is_not_charged(demo_store, monkeypatch):
    number = place()
    visit = stored_order(number).slot_start
    monkeypatch.setattr(my_orders, "utcnow", lambda: visit - timedelta(hours=4))
    tracker = make_tracker(slots={"market_cancel_order": number}, active_loop="market_cancel_form")
    messages, events = run_action(ActionAskMarketCancelConfirm(), tracker)
    assert texts(messages).endswith("Отмена бесплатная.")
    monkeypatch.setattr(orders, "utcnow", lambda: visit - timedelta(hours=2))  # «да» came two hours later
    messages, _ = cancel_done(number, **slot_events(events))
    assert texts(messages) == (
        f"Пока вы решали, до визита по заказу № {number} осталось меньше 3 ч — теперь при отмене удержим "
        "30% стоимости — 450 ₽. Заказ не отменён: чтобы отменить, напишите «отменить заказ» ещё раз."
    )
    assert stored_order(number).state == orders.ASSIGNED


def test_paying_after_the_hold_ran_out_and_the_hours_were_taken_is_refused(demo_store):
    number = place()
    start = clock.to_local(stored_order(number).slot_start)
    ivans = offer_id("Устранение протечки")
    with session_scope() as session:  # a neighbour books Иван's hours once the unpaid order's hold ran out
        neighbour = resident_for(session, "rest", "neighbour")
        taken = orders.place_order(
            session,
            neighbour,
            "plumber",
            "ул. Речная, 3",
            start,
            ivans,
            now=utcnow() + orders.UNPAID_HOLD + timedelta(minutes=1),
        )
    assert stored_order(number).state == orders.EXPIRED and taken.id
    before = payment_rows()
    assert texts(pay(number, key="late")[0]) == (
        f"Бронь заказа № {number} истекла: его не оплатили вовремя, и это время уже занято. "
        "Оформите, пожалуйста, новый заказ."
    )
    assert payment_rows() == before


def test_the_placed_order_says_how_long_its_hours_are_held(demo_store):
    messages, _ = run_action(ActionMarketOrderDone(), make_tracker("да", "affirm", slots=order_slots()))
    assert texts(messages).endswith(
        "\nВремя за вами 60 мин: если не оплатить заказ за это время, его смогут занять. Оплатить сейчас?"
    )


def test_a_provider_picking_their_own_offer_is_told_why(demo_store):
    own = offer_id("Устранение протечки")
    messages, events = validate(
        ValidateMarketOrderForm(),
        "market_order_form",
        "закажи первое",
        "market_order",
        slots={"market_last_offers": [own]},
        sender=IVAN,
    )
    assert texts(messages) == (
        f"Предложение № {own} — ваша собственная услуга, заказать её у себя нельзя. Исполнителя подберу "
        "из других участников."
    )
    assert slot_events(events).get("market_offer") is None
    messages, _ = run_action(
        ActionMarketOrderDone(), make_tracker("да", "affirm", slots=order_slots(offer=own), sender_id=IVAN)
    )
    assert texts(messages).startswith(f"Предложение № {own} — ваша собственная услуга")
    with session_scope() as session:
        ivan = resident_for(session, "rest", IVAN)
        assert orders.customer_orders(session, ivan) == []
        assert session.get(MarketOffer, own).active


def test_an_unpaid_order_is_not_reviewed_and_a_second_claim_waits_for_the_first(demo_store):
    unpaid = done_order(paid=False)
    messages, _ = validate(
        ValidateMarketReviewForm(),
        "market_review_form",
        f"отзыв на заказ {unpaid}",
        "market_review",
        new={"market_review_order": str(unpaid)},
    )
    assert texts(messages) == (
        f"Отзыв можно оставить на оплаченный заказ, а заказ № {unpaid} не оплачен. "
        f"Оплатить его: «оплатить заказ {unpaid}»."
    )
    paid = done_order(day=tomorrow() + timedelta(days=1))
    assert "принят" in texts(claim_done(paid)[0])
    with session_scope() as session:
        first = session.execute(select(MarketClaim.id).where(MarketClaim.order_id == paid)).scalar_one()
    assert texts(claim_done(paid)[0]) == (
        f"По заказу № {paid} уже открыт гарантийный случай № {first} — новый можно открыть, когда по нему "
        "закончат. Если что-то не так — напишите «позови оператора»."
    )
