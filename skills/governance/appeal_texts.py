"""How an appeal reads: its category and status titles and the values of its card, from the skill's responses
(domain.yml), for the actions and for the staff's command line alike."""

from __future__ import annotations

from typing import Any, Dict

from engine.sdk import MissingResponse, clock, day_month_year, phrase

from .models import Appeal


def category_title(domain: Dict[str, Any], code: str) -> str:
    try:
        return phrase(domain, f"utter_gov_appeal_category_{code}")
    except MissingResponse:
        return phrase(domain, "utter_gov_appeal_category_other")


def status_title(domain: Dict[str, Any], status: str) -> str:
    try:
        return phrase(domain, f"utter_gov_appeal_status_{status}")
    except MissingResponse:
        return status


def appeal_values(domain: Dict[str, Any], appeal: Appeal) -> Dict[str, Any]:
    """{number, date, category, address, description, status, since, answer, rating} of an appeal."""
    return {
        "number": appeal.id,
        "date": day_month_year(clock.to_local(appeal.created_at).date()),
        "category": category_title(domain, appeal.category),
        "address": appeal.address,
        "description": appeal.description,
        "status": status_title(domain, appeal.status),
        "since": day_month_year(clock.to_local(appeal.updated_at).date()),
        "answer": appeal.answer or "",
        "rating": appeal.rating or "",
    }
