"""Helpers for the tests of the marketplace conversations (test_actions_*.py): running the actions against the real
store with the demo data (SQLite and PostgreSQL), as a resident or a provider would.

The actions use the real current time; the demo data is relative to today, so every date here is computed from
«today in Europe/Moscow» too. Demo identities: "master-ivan" is the approved plumber Иван Петров, "applicant-petr"
has an application on moderation, any other sender is a fresh resident without orders.
"""

from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any, Dict, List, Optional, Tuple

from sqlalchemy import func, select

from engine.sdk import Payment, clock, resident_for, session_scope
from engine.testing import just_set, make_tracker, run_action, texts
from skills.marketplace import orders
from skills.marketplace.actions.order import ActionMarketOrderDone
from skills.marketplace.actions.pay import ActionMarketPayDone
from skills.marketplace.actions.provider import ActionMarketProviderOrderUpdate
from skills.marketplace.models import MarketOffer, MarketOrder, MarketPayment

ADDRESS = "Заречный район, ул. Речная, 12, кв. 5"
IVAN = "master-ivan"
Run = Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]


def today() -> date:
    return clock.today()


def tomorrow() -> date:
    return today() + timedelta(days=1)


def validate(
    action, form, text="", intent="inform", slots=None, new=None, entities=None, sender="resident-1"
) -> Run:
    """Runs a form's validation action: `slots` were set before, `new` were set by this very message."""
    new = new or {}
    tracker = make_tracker(
        text,
        intent,
        entities=entities,
        slots={**(slots or {}), **new},
        sender_id=sender,
        active_loop=form,
        intent_ranking=[{"name": intent, "confidence": 1.0}],
    )
    for slot, value in new.items():
        just_set(tracker, slot, value)
    return run_action(action, tracker)


def offer_id(title: str) -> int:
    with session_scope() as session:
        return session.execute(select(MarketOffer.id).where(MarketOffer.title == title)).scalar_one()


def order_slots(
    day: Optional[date] = None, hour="10:00", address=ADDRESS, offer=None, confirm=True
) -> Dict[str, Any]:
    return {
        "market_category": "plumber",
        "market_address": address,
        "market_day": (day or tomorrow()).isoformat(),
        "market_hour": hour,
        "market_offer": offer,
        "market_quoted_offer": None,
        "market_order_confirm": confirm,
    }


def place(sender="resident-1", day=None, hour="10:00", offer=None, address=ADDRESS) -> int:
    """An order placed through the order form's final action; its number."""
    messages, _ = run_action(
        ActionMarketOrderDone(),
        make_tracker("да", "affirm", sender_id=sender, slots=order_slots(day, hour, address, offer)),
    )
    assert "Готово!" in texts(messages), texts(messages)
    return customer_orders(sender)[0]


def customer_orders(sender: str) -> List[int]:
    """The sender's order numbers, newest first."""
    with session_scope() as session:
        return [order.id for order in orders.customer_orders(session, resident_for(session, "rest", sender))]


def stored_order(number: int) -> SimpleNamespace:
    with session_scope() as session:
        order = session.get(MarketOrder, number)
        return SimpleNamespace(
            state=order.state,
            price=order.price,
            slot_start=order.slot_start,
            cancel_fee=order.cancel_fee,
            provider_name=order.provider.name,
        )


def mark(number: int, text=None, sender=IVAN) -> Run:
    """The provider's message about their order, e.g. «заказ 12 выполнен»."""
    tracker = make_tracker(
        text or f"заказ {number} выполнен",
        "market_provider_order_update",
        sender_id=sender,
        entities=[{"entity": "order_id", "value": str(number)}],
    )
    return run_action(ActionMarketProviderOrderUpdate(), tracker)


def pay(number: int, key="key-1", sender="resident-1") -> Run:
    slots = {"market_pay_order": number, "market_pay_confirm": True, "market_pay_key": key}
    return run_action(ActionMarketPayDone(), make_tracker("да", "affirm", slots=slots, sender_id=sender))


def payment_rows() -> Tuple[int, int]:
    with session_scope() as session:
        return (
            session.execute(select(func.count(Payment.id))).scalar_one(),
            session.execute(select(func.count(MarketPayment.id))).scalar_one(),
        )


def done_order(sender="resident-1", paid=True, day=None) -> int:
    number = place(sender, day=day)
    if paid:
        pay(number, key=f"key-{number}", sender=sender)
    assert "Гарантия на работу началась" in texts(mark(number)[0])
    return number
