"""Finding and comparing offers: by category, district, day and time, budget; sorted by rating or price."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from decimal import Decimal
from typing import Dict, List, Optional, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.sdk import utcnow

from . import dispatch
from .models import APPROVED, MarketOffer, MarketProvider

CATEGORY_TITLES: Dict[str, str] = {
    "plumber": "сантехник",
    "electrician": "электрик",
    "cleaning": "уборка",
    "appliance_repair": "ремонт техники",
    "renovation": "ремонт и отделка",
    "delivery": "доставка",
    "movers": "грузчики",
    "tutor": "репетитор",
    "nanny": "няня",
    "beauty": "красота",
    "computer_help": "компьютерная помощь",
}

# District name → the stem its word forms share ("Заречный", "в Заречном районе", "заречье").
DISTRICTS: Dict[str, str] = {
    "Заречный": "заречн",
    "Центральный": "центр",
    "Северный": "северн",
    "Южный": "южн",
    "Левобережный": "левобереж",
}
DEFAULT_LIMIT = 5
STREET = re.compile(r"\b(?:ул|улица|пр|просп|проспект|пер|переулок|шоссе|бульвар|б-р|наб|набережная|пл|площадь)\b\.?")
DISTRICT_WORD = re.compile(r"\b(?:район\w*|р-н\w*|микрорайон\w*)")


def district_of(text: Optional[str]) -> Optional[str]:
    """The known district a free text names, or None. In a street address ("ул. Южная, 3") a district counts
    only when the word «район» says so."""
    if not text:
        return None
    lowered = text.lower().replace("ё", "е")
    if STREET.search(lowered) and not DISTRICT_WORD.search(lowered):
        return None
    words = re.findall(r"[а-я]+", lowered)
    for name, stem in DISTRICTS.items():
        if any(word.startswith(stem) for word in words):
            return name
    if any(word.startswith("заречь") for word in words):
        return "Заречный"
    return None


@dataclass(frozen=True)
class SearchQuery:
    category: Optional[str] = None
    district: Optional[str] = None
    day: Optional[date] = None
    time_from: Optional[time] = None
    time_to: Optional[time] = None
    budget: Optional[Decimal] = None
    sort: str = "rating"  # rating or price
    now: Optional[datetime] = None  # aware or stored; the current time when None
    limit: int = DEFAULT_LIMIT


@dataclass(frozen=True)
class OfferCard:
    offer_id: int
    provider_id: int
    provider_name: str
    category: str
    title: str
    price: Decimal
    unit: str
    rating: Decimal
    review_count: int
    nearest_slot: Optional[datetime]  # stored (naive UTC); dispatch.slot_text shows it
    warranty_days: int


@dataclass(frozen=True)
class SearchResult:
    cards: List[OfferCard]
    empty_reason: Optional[str] = None
    relax_hint: Optional[str] = None


def _offers(session: Session, category: Optional[str]) -> List[tuple]:
    query = (
        select(MarketOffer, MarketProvider)
        .join(MarketProvider, MarketProvider.id == MarketOffer.provider_id)
        .where(MarketProvider.status == APPROVED, MarketOffer.active.is_(True))
        .order_by(MarketOffer.id)
    )
    if category:
        query = query.where(MarketOffer.category == category)
    return list(session.execute(query).all())


def _earliest_start(query: SearchQuery) -> datetime:
    now = dispatch.to_store(query.now) if query.now is not None else utcnow()
    return now + dispatch.HOUR


def _cards(session: Session, query: SearchQuery) -> List[OfferCard]:
    after = _earliest_start(query)
    cards = []
    for offer, provider in _offers(session, query.category):
        if query.district and query.district not in (provider.districts or []):
            continue
        if query.budget is not None and offer.price > query.budget:
            continue
        slot = dispatch.nearest_free_slot(
            session, provider, after, offer.duration_minutes, query.day, query.time_from, query.time_to
        )
        if slot is None and (query.day or query.time_from or query.time_to):
            continue
        cards.append(_card(offer, provider, slot))
    return _sorted(cards, query.sort)


def _card(offer: MarketOffer, provider: MarketProvider, slot: Optional[datetime]) -> OfferCard:
    return OfferCard(
        offer_id=offer.id, provider_id=provider.id, provider_name=provider.name, category=offer.category,
        title=offer.title, price=offer.price, unit=offer.unit, rating=Decimal(provider.rating),
        review_count=provider.review_count, nearest_slot=slot, warranty_days=offer.warranty_days,
    )


def _sorted(cards: List[OfferCard], sort: str) -> List[OfferCard]:
    if sort == "price":
        return sorted(cards, key=lambda c: (c.price, -c.rating, -c.review_count, c.offer_id))
    return sorted(cards, key=lambda c: (-c.rating, -c.review_count, c.price, c.offer_id))


def search(session: Session, query: SearchQuery) -> SearchResult:
    cards = _cards(session, query)
    if cards:
        return SearchResult(cards=cards[: query.limit])
    return _explain_empty(session, query)


def _when_text(query: SearchQuery) -> str:
    parts = []
    if query.day:
        parts.append(f"на {dispatch.day_text(query.day)}")
    if query.time_from:
        parts.append(f"с {query.time_from:%H:%M}")
    if query.time_to:
        parts.append(f"до {query.time_to:%H:%M}")
    return " ".join(parts)


def _explain_empty(session: Session, query: SearchQuery) -> SearchResult:
    """Why nothing was found, and which single filter to relax to find something."""
    what = CATEGORY_TITLES.get(query.category or "", "услуги")
    if not _offers(session, query.category):
        return SearchResult([], f"В кооперативе пока нет предложений в категории «{what}».",
                            "Попробуйте другую категорию услуг.")
    relaxations = []
    if query.budget is not None:
        relaxations.append(("budget", replace(query, budget=None)))
    if query.district:
        relaxations.append(("district", replace(query, district=None)))
    if query.day or query.time_from or query.time_to:
        relaxations.append(("time", replace(query, day=None, time_from=None, time_to=None)))
    reasons = {
        "budget": f"дешевле {dispatch.rubles(query.budget)}" if query.budget is not None else "",
        "district": f"в районе {query.district}" if query.district else "",
        "time": f"со свободным временем {_when_text(query)}",
    }
    used = [reasons[name] for name, _ in relaxations]
    reason = f"Не нашлось предложений «{what}» " + ", ".join(used) + "." if used else f"Не нашлось предложений «{what}»."
    for name, relaxed in relaxations:
        found = _cards(session, relaxed)
        if found:
            return SearchResult([], reason, _hint(name, query, found))
    return SearchResult([], reason, "Попробуйте убрать часть условий поиска.")


def _hint(name: str, query: SearchQuery, found: List[OfferCard]) -> str:
    count = len(found)
    if name == "budget":
        cheapest = min(card.price for card in found)
        return f"Если увеличить бюджет, найдётся {count} предл. (от {dispatch.rubles(cheapest)})."
    if name == "district":
        return f"Если не ограничивать район, найдётся {count} предл."
    slot = min((card.nearest_slot for card in found if card.nearest_slot), default=None)
    when = f", ближайшее время — {dispatch.slot_text(slot)}" if slot else ""
    return f"В другое время найдётся {count} предл.{when}."


def compare(session: Session, offer_ids: Sequence[int], now: Optional[datetime] = None) -> List[OfferCard]:
    """The offers as cards in the order asked, skipping ids that are unknown or no longer offered."""
    after = _earliest_start(SearchQuery(now=now))
    cards = []
    for offer_id in offer_ids:
        offer = session.get(MarketOffer, offer_id)
        if offer is None or not offer.active:
            continue
        provider = session.get(MarketProvider, offer.provider_id)
        if provider.status != APPROVED:
            continue
        cards.append(_card(offer, provider, dispatch.nearest_free_slot(session, provider, after, offer.duration_minutes)))
    return cards
