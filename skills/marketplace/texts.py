"""How the skill's answers show its data: titles of categories and states, prices, times, orders and refusals.

Words come from lexicon.yml (titles) and the skill's responses (sentences and their parts), filled with `phrase`.
Every function taking `domain` needs the responses of the skill (an action's `domain`, or domain.yml itself).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Dict, Iterable, Mapping

from engine.sdk import Payment, clock, day_month_year, moment_text, money, phrase, receipt, skill_lexicon

from .models import MarketOrder
from .refusals import Refusal

LEXICON = skill_lexicon(__file__)


def category_title(category: str) -> str:
    return LEXICON["category_titles"].get(category, category)


def category_titles(categories: Iterable[str]) -> str:
    """The titles of categories, joined with commas."""
    return ", ".join(category_title(category) for category in categories)


def state_title(state: str) -> str:
    return LEXICON["state_titles"].get(state, state)


def status_title(status: str) -> str:
    """The title of an application's status."""
    return LEXICON["application_statuses"].get(status, status)


def slot_text(stored: datetime) -> str:
    """A stored (naive UTC) moment as the resident reads it: weekday, day, month and time, in local time."""
    return moment_text(clock.to_local(stored))


def rubles(amount: Decimal) -> str:
    """A sum in rubles, without kopecks when it is whole."""
    return money(Decimal(amount), whole_rubles=True)


def price_text(domain: Mapping[str, Any], price: Decimal, unit: str) -> str:
    """The price per unit (the unit in the accusative, lexicon.yml); the unit of a whole service adds nothing."""
    accusative = LEXICON["unit_accusative"].get(unit, unit)
    if not accusative:
        return rubles(price)
    return phrase(domain, "utter_market_price_per_unit", price=rubles(price), unit=accusative)


def shown(domain: Mapping[str, Any], values: Mapping[str, Any]) -> Dict[str, str]:
    """Values of a refusal or a result as its response shows them: stored moments as local times, days and sums
    the Russian way, categories, states and statuses by title, payments as receipts, nested refusals as text."""
    return {key: _shown(domain, key, value) for key, value in values.items()}


def _shown(domain: Mapping[str, Any], key: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Refusal):
        return refusal_text(domain, value)
    if isinstance(value, Payment):
        name, values = receipt(value)
        return phrase(domain, name, **values)
    if isinstance(value, datetime):
        return slot_text(value)
    if isinstance(value, date):
        return day_month_year(value)
    if isinstance(value, Decimal):
        return rubles(value)
    if key == "category":
        return category_title(value)
    if key == "categories":
        return category_titles(value)
    if key.endswith("_state"):
        return state_title(value)
    if key == "status":
        return status_title(value)
    return str(value)


def refusal_response(refusal: Refusal) -> str:
    return f"utter_market_refused_{refusal.reason}"


def refusal_text(domain: Mapping[str, Any], refusal: Refusal) -> str:
    return phrase(domain, refusal_response(refusal), **shown(domain, refusal.values))


def order_values(domain: Mapping[str, Any], order: MarketOrder, notes: Iterable[str] = ()) -> Dict[str, str]:
    """The values of utter_market_order_summary[_unassigned] for an order, with notes added after it."""
    price = (
        phrase(domain, "utter_market_price_warranty_visit")
        if order.warranty_claim_id
        else rubles(order.price)
    )
    return {
        "order_id": str(order.id),
        "category": category_title(order.category),
        "slot": slot_text(order.slot_start),
        "address": order.address,
        "price": price,
        "state": state_title(order.state),
        "provider": order.provider.name if order.provider is not None else "",
        "notes": "".join(" " + note for note in notes),
    }


def summary_response(order: MarketOrder) -> str:
    return (
        "utter_market_order_summary"
        if order.provider is not None
        else "utter_market_order_summary_unassigned"
    )


def order_summary(domain: Mapping[str, Any], order: MarketOrder, notes: Iterable[str] = ()) -> str:
    """One line about an order: number, service, time, address, price, state and provider, then the notes."""
    return phrase(domain, summary_response(order), **order_values(domain, order, notes))
