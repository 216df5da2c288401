"""Demo data for an empty store: the city cooperative of demo.yml with 14 members in all 11 categories across the
five districts of the city, their offers in rubles, past done and paid orders with reviews (so the ratings are
real averages), and the economic parameters (commission 10 %, member fee 500 rubles a month).

Demo identities (channel `rest`, the sender id of the REST webhook):
  master-ivan     the first member of demo.yml, a plumber and an approved member: use it to see the provider's
                  orders and to mark orders done from the provider side.
  applicant-petr  an application on moderation, for `python -m skills.marketplace.admin approve`.
Dates are relative to today, so the history is always recent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Dict, List, Optional, Tuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.sdk import admit_member, clock, resident_for, set_parameter, skill_lexicon, utcnow

from . import catalog, ledger, orders, reviews
from .models import APPROVED, PENDING, MarketOffer, MarketProvider

DEMO = skill_lexicon(__file__, "demo.yml")
PROVIDER_IDENTITY = ("rest", "master-ivan")
APPLICANT_IDENTITY = ("rest", "applicant-petr")
CUSTOMERS = ("demo-customer-1", "demo-customer-2", "demo-customer-3")

# category, title, price, unit, duration in minutes, warranty days
OfferSpec = Tuple[str, str, str, str, int, int]


@dataclass(frozen=True)
class DemoProvider:
    name: str
    phone: str
    districts: List[str]
    hours: Tuple[int, int]
    offers: Tuple[OfferSpec, ...]
    ratings: Tuple[int, ...]  # reviews of past done orders, oldest first
    about: str


def _districts(value: Any) -> List[str]:
    return list(catalog.DISTRICTS) if value == "all" else list(value)


def _provider(spec: Dict[str, Any]) -> DemoProvider:
    return DemoProvider(
        name=spec["name"],
        phone=spec["phone"],
        districts=_districts(spec["districts"]),
        hours=tuple(spec["hours"]),
        offers=tuple(tuple(offer) for offer in spec["offers"]),
        ratings=tuple(spec["ratings"]),
        about=spec["about"],
    )


PROVIDERS = tuple(_provider(spec) for spec in DEMO["providers"])
ADDRESSES = tuple(DEMO["addresses"])


def load_demo(session: Session, now: Optional[datetime] = None) -> bool:
    """Fills an empty store; the history is dated back from `now` (naive UTC, default: the present moment)."""
    if session.execute(select(func.count(MarketProvider.id))).scalar_one():
        return False
    now = now or utcnow()
    today = clock.to_local(now).date()
    since = today.replace(day=1) - timedelta(days=365)
    for name, key in ((ledger.COMMISSION, "commission_percent"), (ledger.MEMBER_FEE, "monthly_fee")):
        set_parameter(session, name, Decimal(DEMO[key]), effective_from=since, source="marketplace demo")
    customers = [resident_for(session, "rest", customer) for customer in CUSTOMERS]
    for index, spec in enumerate(PROVIDERS):
        resident_id = resident_for(session, *PROVIDER_IDENTITY) if index == 0 else None
        provider = MarketProvider(
            resident_id=resident_id,
            name=spec.name,
            phone=spec.phone,
            about=spec.about,
            status=APPROVED,
            decided_at=now - timedelta(days=200),
            categories=list(dict.fromkeys(o[0] for o in spec.offers)),
            districts=spec.districts,
            work_start_hour=spec.hours[0],
            work_end_hour=spec.hours[1],
            rating=Decimal("0"),
            review_count=0,
            created_at=now - timedelta(days=210),
        )
        session.add(provider)
        session.flush()
        if resident_id is not None:
            admit_member(session, resident_id, since=today - timedelta(days=200), source=ledger.SKILL)
        offers = [_offer(provider, o, now) for o in spec.offers]
        session.add_all(offers)
        session.flush()
        for number, rating in enumerate(spec.ratings):
            _past_order(
                session, customers[number % 3], offers[number % len(offers)], today, index, number, rating
            )
    applicant = DEMO["applicant"]
    session.add(
        MarketProvider(
            resident_id=resident_for(session, *APPLICANT_IDENTITY),
            name=applicant["name"],
            phone=applicant["phone"],
            about=applicant["about"],
            status=PENDING,
            categories=list(applicant["categories"]),
            districts=_districts(applicant["districts"]),
            work_start_hour=applicant["hours"][0],
            work_end_hour=applicant["hours"][1],
            rating=Decimal("0"),
            review_count=0,
            created_at=now - timedelta(days=1),
        )
    )
    session.flush()
    return True


def _offer(provider: MarketProvider, spec: OfferSpec, now: datetime) -> MarketOffer:
    category, title, price, unit, duration, warranty = spec
    return MarketOffer(
        provider_id=provider.id,
        category=category,
        title=title,
        price=Decimal(price),
        unit=unit,
        duration_minutes=duration,
        warranty_days=warranty,
        active=True,
        created_at=now - timedelta(days=200),
    )


def _past_order(
    session: Session, customer_id: int, offer: MarketOffer, today: date, index: int, number: int, rating: int
) -> None:
    """A done and paid order some weeks ago, with its review."""
    day = today - timedelta(days=12 + 9 * number + index % 5)
    provider = session.get(MarketProvider, offer.provider_id)
    start = clock.local_moment(day, provider.work_start_hour + 1)
    order = orders.book_order(
        session, customer_id, offer, ADDRESSES[(index + number) % len(ADDRESSES)], start, offer.price
    )
    ledger.pay_order(session, customer_id, order.id, f"demo-market-order-{order.id}")
    orders.set_state(session, order, orders.DONE, now=order.slot_end)
    reviews.leave_review(session, customer_id, order.id, rating, None)
