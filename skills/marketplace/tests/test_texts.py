"""How answers show the skill's data (texts.py), and a response for every reason code the code can give."""

import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from engine.sdk import phrase
from engine.testing import assembled_domain
from skills.marketplace import admin, texts
from skills.marketplace.refusals import Refused, refusal
from skills.marketplace.tests.conftest import SKILL_ROOT


def domain():
    return assembled_domain()


@pytest.mark.parametrize(
    "price, unit, shown",
    [
        ("1500", "выезд", "1 500 ₽ за выезд"),
        ("600", "точка", "600 ₽ за точку"),
        ("1800", "услуга", "1 800 ₽"),
        ("300", "окно", "300 ₽ за окно"),
        ("1500.50", "час", "1 500,50 ₽ за час"),
    ],
)
def test_price_text(price, unit, shown):
    assert texts.price_text(domain(), Decimal(price), unit) == shown


def test_values_are_shown_by_type_and_by_name():
    nested = refusal("offer_gone", offer_id=7)
    values = {
        "slot": datetime(2026, 11, 28, 7, 0),  # stored as naive UTC: 10:00 in Moscow
        "ends_on": date(2026, 12, 5),
        "fee": Decimal("450.00"),
        "category": "plumber",
        "categories": ["cleaning", "nanny"],
        "order_state": "in_progress",
        "status": "rejected",
        "empty": None,
        "order_id": 12,
        "cause": nested,
    }
    assert texts.shown(domain(), values) == {
        "slot": "сб 28 ноября, 10:00",
        "ends_on": "5 декабря 2026",
        "fee": "450 ₽",
        "category": "сантехник",
        "categories": "уборка, няня",
        "order_state": "в работе",
        "status": "отклонена",
        "empty": "",
        "order_id": "12",
        "cause": "Предложения № 7 нет или оно больше не действует.",
    }


def test_unknown_codes_are_shown_as_they_are():
    assert (texts.category_title("astrologer"), texts.state_title("lost"), texts.status_title("x")) == (
        "astrologer",
        "lost",
        "x",
    )


def _refusal_classes(cls=Refused):
    for sub in cls.__subclasses__():
        yield sub.__name__
        yield from _refusal_classes(sub)


def _reasons_in_code():
    """Reason codes given by literal in the skill's modules: refusals raised or built, refused claims."""
    import skills.marketplace.ledger
    import skills.marketplace.orders
    import skills.marketplace.providers
    import skills.marketplace.reviews  # noqa: F401

    callers = "|".join(["refusal", *sorted(set(_refusal_classes()))])
    patterns = [
        rf"\b(?:{callers})\(\s*\"([a-z_]+)\"",
        r"ClaimResult\(\s*False,\s*\"([a-z_]+)\"",
        r"_refuse\([^)]*\"([a-z_]+)\",\s*now",
    ]
    found = set()
    for path in SKILL_ROOT.rglob("*.py"):
        if "tests" in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        for pattern in patterns:
            found.update(re.findall(pattern, source))
    return found


def test_every_reason_code_in_the_code_has_a_response():
    """The refusals of moderation (providers.decide) only the administrator reads: admin_messages.yml has them."""
    reasons = _reasons_in_code()
    assert {
        "not_yours",
        "provider_busy",
        "claim_expired",
        "no_booking",
        "hours_busy",
        "payment_declined",
    } <= reasons
    moderation = {"no_application", "already_decided"}
    responses = domain()["responses"]
    assert (
        sorted(r for r in reasons - moderation if texts.refusal_response(refusal(r)) not in responses) == []
    )
    assert all(f"refused_{reason}" in admin.MESSAGES for reason in moderation)
    prefix = "utter_market_refused_"
    assert (
        sorted(name for name in responses if name.startswith(prefix) and name[len(prefix) :] not in reasons)
        == []
    )


@pytest.mark.parametrize("how", ["same_master", "other_master", "no_free_time"])
def test_every_way_a_claim_is_accepted_has_a_response(how):
    said = phrase(
        domain(),
        f"utter_market_claim_{how}",
        **texts.shown(
            domain(),
            {
                "claim_id": 3,
                "order_id": 12,
                "category": "plumber",
                "ends_on": date(2027, 2, 18),
                "slot": datetime(2026, 11, 28, 7, 0),
                "provider": "Иван Петров",
                "visit_id": 13,
            },
        ),
    )
    assert said.startswith(
        "Гарантийный случай № 3 по заказу № 12 (сантехник) принят: гарантия действует до 18 февраля 2027."
    )
    assert "{" not in said


def test_every_response_of_the_skill_is_named_with_its_prefix():
    import yaml

    names = yaml.safe_load(Path(SKILL_ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
    assert [name for name in names if not name.startswith(("utter_market_", "utter_ask_market_"))] == []
