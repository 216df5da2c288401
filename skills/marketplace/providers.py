"""Members of the cooperative: applications, moderation, their services, their orders and earnings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Iterable, List, Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.sdk import admit_member, clock, readings, skill_lexicon, utcnow

from . import catalog, dispatch, ledger, orders
from .models import APPROVED, PENDING, REJECTED, MarketOffer, MarketOrder, MarketPayment, MarketProvider
from .refusals import Refused

LEXICON = skill_lexicon(__file__)
DEFAULT_WARRANTY_DAYS = {
    "plumber": 90,
    "electrician": 90,
    "appliance_repair": 60,
    "renovation": 180,
    "computer_help": 30,
    "cleaning": 3,
    "delivery": 1,
    "movers": 1,
    "tutor": 0,
    "nanny": 0,
    "beauty": 7,
}
UNITS = tuple((pattern, unit) for pattern, unit in LEXICON["service_units"])
DEFAULT_UNIT = LEXICON["default_unit"]
LEADING_WORDS = re.compile(LEXICON["service_leading_words_pattern"], re.IGNORECASE)
PRICE = re.compile(LEXICON["service_price_pattern"], re.IGNORECASE)
TITLE_TAIL = re.compile(LEXICON["service_title_tail_pattern"])
UNIT_LEAD = LEXICON["service_unit_lead_pattern"]
PHONE = re.compile(r"\+?\d{10,15}")
PHONE_NOISE = re.compile(r"[\s()-]")
MIN_PRICE, MAX_PRICE = Decimal("1"), Decimal("1000000")


class ServiceRefused(Refused):
    """An application or a service refused; `reason` and `values` say why (see refusals)."""


class NotAMember(ServiceRefused):
    """Only approved members of the cooperative may offer services."""


@dataclass(frozen=True)
class ServiceDraft:
    title: str
    price: Decimal
    unit: str


@dataclass(frozen=True)
class ProviderStats:
    upcoming: List[MarketOrder]
    done_this_month: int
    earned_this_month: Decimal  # provider's shares of payments for orders done this month (after commission)
    commission_this_month: Decimal = Decimal("0.00")
    monthly_fee: Decimal = Decimal("0.00")


def _clean(values: Iterable[str], allowed: Iterable[str]) -> List[str]:
    allowed = list(allowed)
    return [value for value in dict.fromkeys(values or []) if value in allowed]


def apply(
    session: Session,
    resident_id: int,
    name: str,
    categories: Iterable[str],
    districts: Iterable[str],
    phone: str,
) -> MarketProvider:
    """An application to join (status pending). A pending or approved application is returned as it is;
    a rejected one may be filed again."""
    existing = application_of(session, resident_id)
    if existing is not None and existing.status in (PENDING, APPROVED):
        return existing
    chosen_categories = _clean(categories, catalog.CATEGORIES)
    chosen_districts = _clean([catalog.district_of(d) or d for d in districts or []], catalog.DISTRICTS)
    if not (name or "").strip():
        raise ServiceRefused("no_name")
    if not chosen_categories:
        raise ServiceRefused("no_categories", categories=catalog.CATEGORIES)
    if not PHONE.fullmatch(PHONE_NOISE.sub("", phone or "")):
        raise ServiceRefused("bad_phone")
    provider = existing or MarketProvider(resident_id=resident_id)
    provider.name, provider.phone = name.strip()[:128], PHONE_NOISE.sub("", phone)
    provider.categories = chosen_categories
    provider.districts = chosen_districts or list(catalog.DISTRICTS)
    provider.status, provider.decision_reason, provider.decided_at = PENDING, None, None
    provider.work_start_hour, provider.work_end_hour = 9, 20
    provider.rating, provider.review_count, provider.created_at = Decimal("0"), 0, utcnow()
    session.add(provider)
    session.flush()
    return provider


def application_of(session: Session, resident_id: int) -> Optional[MarketProvider]:
    return session.execute(
        select(MarketProvider).where(MarketProvider.resident_id == resident_id)
    ).scalar_one_or_none()


def pending_applications(session: Session) -> List[MarketProvider]:
    return list(
        session.execute(
            select(MarketProvider).where(MarketProvider.status == PENDING).order_by(MarketProvider.id)
        ).scalars()
    )


def decide(session: Session, provider_id: int, approve: bool, reason: Optional[str] = None) -> MarketProvider:
    provider = session.get(MarketProvider, provider_id)
    if provider is None:
        raise ServiceRefused("no_application", application_id=provider_id)
    if provider.status != PENDING:
        raise ServiceRefused("already_decided", application_id=provider_id, status=provider.status)
    provider.status = APPROVED if approve else REJECTED
    provider.decision_reason = (reason or "").strip() or None
    provider.decided_at = utcnow()
    if approve and provider.resident_id is not None:
        # an approved provider is a member of the cooperative: votes on its rules (engine.sdk.is_member)
        admit_member(session, provider.resident_id, since=clock.today(), source=ledger.SKILL)
    session.flush()
    return provider


def provider_of(session: Session, resident_id: int) -> Optional[MarketProvider]:
    """The resident's membership if approved."""
    provider = application_of(session, resident_id)
    return provider if provider is not None and provider.status == APPROVED else None


def upsert_service(
    session: Session, provider_resident_id: int, category: str, title: str, price: Decimal, unit: str
) -> MarketOffer:
    """Adds a service, or changes the price and unit of the member's service with the same title."""
    provider = provider_of(session, provider_resident_id)
    if provider is None:
        raise NotAMember("not_a_member")
    if category not in (provider.categories or []):
        raise ServiceRefused(
            "category_not_in_profile", category=category, categories=list(provider.categories)
        )
    title = (title or "").strip()
    try:
        price = Decimal(price).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        raise ServiceRefused("bad_price") from None
    if not title or not MIN_PRICE <= price <= MAX_PRICE:
        raise ServiceRefused("no_title_or_price")
    # Compared in Python: SQLite's lower() leaves Cyrillic as it is.
    offer = next(
        (
            existing
            for existing in session.execute(
                select(MarketOffer).where(MarketOffer.provider_id == provider.id).order_by(MarketOffer.id)
            ).scalars()
            if existing.title.casefold() == title.casefold()
        ),
        None,
    )
    if offer is None:
        offer = MarketOffer(
            provider_id=provider.id,
            category=category,
            title=title[:128],
            duration_minutes=dispatch.DEFAULT_DURATION_MINUTES,
            warranty_days=DEFAULT_WARRANTY_DAYS.get(category, 30),
            created_at=utcnow(),
        )
        session.add(offer)
    offer.category, offer.price, offer.unit, offer.active = category, price, (unit or DEFAULT_UNIT)[:32], True
    session.flush()
    return offer


def _nominative(word: str) -> str:
    """The first word of a title as a catalogue shows it: an accusative noun in the nominative."""
    for variant in readings(word):
        if "NOUN" in variant.tag and "accs" in variant.tag:
            form = variant.inflect({"nomn"})
            if form is not None:
                return form.word
    return word


def parse_service(text: str) -> Optional[ServiceDraft]:
    """Title, price and unit from a phrase like "<title> 500 <rubles> per <unit>"; None without a title or a
    price."""
    text = " ".join((text or "").split())
    match = PRICE.search(text)
    if not match or not re.search(r"\d", match.group(1)):
        return None
    try:
        price = Decimal(re.sub(r"\s", "", match.group(1)).replace(",", "."))
    except InvalidOperation:
        return None
    title = LEADING_WORDS.sub("", text[: match.start()]).strip(" :,-—–")
    title = TITLE_TAIL.sub("", title).strip(" :,-—–")
    if not title or price <= 0:
        return None
    first, _, rest = title.partition(" ")
    title = (_nominative(first.lower()) + (" " + rest if rest else "")).strip()
    tail = text[match.end() :].lower()
    unit = next(
        (name for pattern, name in UNITS if re.search(UNIT_LEAD + "(?:" + pattern + ")", tail)), DEFAULT_UNIT
    )
    return ServiceDraft(title=title[0].upper() + title[1:], price=price, unit=unit)


def stats(session: Session, provider_resident_id: int, today: date) -> ProviderStats:
    provider = provider_of(session, provider_resident_id)
    if provider is None:
        raise NotAMember("stats_members_only")
    month_start = clock.local_moment(today.replace(day=1), 0)
    next_month = clock.local_moment((today.replace(day=1) + timedelta(days=32)).replace(day=1), 0)
    now = clock.local_moment(today, 0)
    upcoming = list(
        session.execute(
            select(MarketOrder)
            .where(
                MarketOrder.provider_id == provider.id,
                MarketOrder.state.in_(dispatch.OPEN_STATES),
                MarketOrder.slot_start >= now,
            )
            .order_by(MarketOrder.slot_start)
        ).scalars()
    )
    done = list(
        session.execute(
            select(MarketOrder).where(
                MarketOrder.provider_id == provider.id,
                MarketOrder.state == orders.DONE,
                MarketOrder.done_at >= month_start,
                MarketOrder.done_at < next_month,
            )
        ).scalars()
    )
    shares = session.execute(
        select(
            func.coalesce(func.sum(MarketPayment.provider_share), 0),
            func.coalesce(func.sum(MarketPayment.commission), 0),
        ).where(
            MarketPayment.order_id.in_([order.id for order in done] or [-1]),
            MarketPayment.status == ledger.PAID,
        )
    ).one()
    _, fee = ledger.parameters(session, today)
    return ProviderStats(
        upcoming=upcoming,
        done_this_month=len(done),
        earned_this_month=Decimal(shares[0]).quantize(Decimal("0.01")),
        commission_this_month=Decimal(shares[1]).quantize(Decimal("0.01")),
        monthly_fee=fee,
    )
