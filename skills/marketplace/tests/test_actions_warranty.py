"""A warranty claim: validate_market_warranty_form, action_ask_market_claim_order, action_market_warranty_done."""

from datetime import timedelta

from sqlalchemy import select

from engine.sdk import STOP, clock, day_month_year, session_scope, utcnow
from engine.testing import make_tracker, run_action, slot_events, texts
from skills.marketplace.actions.warranty import (
    ActionAskMarketClaimOrder,
    ActionMarketWarrantyDone,
    ValidateMarketWarrantyForm,
)
from skills.marketplace.models import MarketClaim, MarketOrder, MarketWarranty
from skills.marketplace.tests.conversations import done_order, today, tomorrow, validate
from skills.marketplace.texts import slot_text


def claim(number, text="после ремонта опять течёт", sender="resident-1"):
    slots = {"market_claim_order": number, "market_claim_text": text}
    return run_action(ActionMarketWarrantyDone(), make_tracker(text, "inform", slots=slots, sender_id=sender))


def test_a_claim_on_a_done_paid_order_gets_a_free_visit(demo_store):
    number = done_order()
    text = "после ремонта опять течёт"
    _, events = validate(
        ValidateMarketWarrantyForm(),
        "market_warranty_form",
        text,
        "market_warranty_claim",
        new={"market_claim_text": text},
    )
    assert slot_events(events) == {"market_claim_order": number, "market_claim_text": text}
    messages, _ = claim(number)
    with session_scope() as session:
        record = session.execute(select(MarketClaim).where(MarketClaim.order_id == number)).scalar_one()
        visit = session.get(MarketOrder, record.visit_order_id)
        assert record.status == "accepted" and visit.warranty_claim_id == record.id and visit.price == 0
        assert clock.to_local(visit.slot_start).date() >= tomorrow()
        ends = day_month_year(clock.today() + timedelta(days=90))
        assert texts(messages) == (
            f"Гарантийный случай № {record.id} по заказу № {number} (сантехник) принят: гарантия действует до {ends}. "
            f"Бесплатный повторный визит — {slot_text(visit.slot_start)}, приедет тот же мастер: Иван Петров "
            f"(заказ № {visit.id})."
        )


def test_a_claim_on_an_unpaid_order_is_refused(demo_store):
    number = done_order(paid=False)
    messages, _ = claim(number)
    assert texts(messages) == (
        f"Заказ № {number} не оплачен, а гарантия действует на оплаченные работы. Оплатите "
        "заказ — и гарантия заработает."
    )
    with session_scope() as session:
        assert (
            session.execute(select(MarketClaim.status).where(MarketClaim.order_id == number)).scalar_one()
            == "refused"
        )


def test_a_claim_out_of_term_is_refused_with_the_dates(demo_store):
    number = done_order()
    starts, ends = today() - timedelta(days=100), today() - timedelta(days=10)
    with session_scope() as session:
        session.get(MarketOrder, number).done_at = utcnow() - timedelta(days=100)
        contract = session.execute(
            select(MarketWarranty).where(MarketWarranty.order_id == number)
        ).scalar_one()
        contract.starts_on, contract.ends_on = starts, ends
    messages, _ = claim(number)
    assert texts(messages) == (
        f"Гарантия на заказ № {number} действовала с {day_month_year(starts)} по "
        f"{day_month_year(ends)}, сегодня {day_month_year(today())} — срок истёк. Можно "
        "заказать новый визит мастера."
    )


def test_with_several_done_orders_the_claim_asks_which(demo_store):
    first, second = done_order(day=tomorrow()), done_order(day=tomorrow() + timedelta(days=1))
    _, events = validate(
        ValidateMarketWarrantyForm(), "market_warranty_form", "опять течёт", "market_warranty_claim"
    )
    assert "market_claim_order" not in slot_events(events)
    tracker = make_tracker(active_loop="market_warranty_form", slots={"requested_slot": "market_claim_order"})
    messages, _ = run_action(ActionAskMarketClaimOrder(), tracker)
    assert texts(messages).startswith("По какому заказу гарантийный случай?\n")
    assert f"№ {first}: сантехник" in texts(messages) and f"№ {second}: сантехник" in texts(messages)
    assert sorted(b["payload"] for b in messages[0]["buttons"]) == sorted(
        f'/inform{{"order_id": "{n}"}}' for n in (first, second)
    )


def test_a_resident_without_done_orders_has_nothing_to_claim(demo_store):
    messages, events = validate(
        ValidateMarketWarrantyForm(), "market_warranty_form", "опять течёт", "market_warranty_claim"
    )
    assert texts(messages) == (
        "Гарантия действует на выполненные заказы, а выполненных заказов за последний год у вас "
        "нет. Если нужна помощь — напишите «позови оператора»."
    )
    assert slot_events(events) == {"market_claim_order": STOP, "market_claim_text": STOP}


def test_a_claim_needs_a_few_words(demo_store):
    messages, events = validate(
        ValidateMarketWarrantyForm(),
        "market_warranty_form",
        "ну",
        "inform",
        slots={"market_claim_order": 4, "requested_slot": "market_claim_text"},
        new={"market_claim_text": "ну"},
    )
    assert texts(messages) == "Опишите, пожалуйста, что случилось, хотя бы парой слов."
    assert slot_events(events)["market_claim_text"] is None
