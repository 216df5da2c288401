"""Finding and comparing offers: by category, district, day and time, budget; sorted by rating or price."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from decimal import Decimal
from typing import List, Optional, Sequence, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.sdk import canonical_values, clock, fold_spelling, skill_lexicon, utcnow

from . import dispatch
from .models import APPROVED, MarketOffer, MarketProvider

LEXICON = skill_lexicon(__file__)
CATEGORIES: Tuple[str, ...] = tuple(canonical_values(__file__, "service_category"))
DISTRICTS: Tuple[str, ...] = tuple(LEXICON["districts"])
DEFAULT_LIMIT = 5
STREET = re.compile(LEXICON["street_pattern"])
DISTRICT_WORD = re.compile(LEXICON["district_word_pattern"])
WORD = re.compile(LEXICON["word_pattern"])
RELAXED_FILTERS = ("budget", "district", "time")


def folded(text: str) -> str:
    """Lower case with the spelling folded (the yo letter read as ye), as the lexicon's words are written."""
    return fold_spelling((text or "").lower())


def district_of(text: Optional[str]) -> Optional[str]:
    """The known district a free text names, or None. In a street address a district counts only when a
    district word says so (see lexicon.yml)."""
    if not text:
        return None
    lowered = folded(text)
    if STREET.search(lowered) and not DISTRICT_WORD.search(lowered):
        return None
    words = WORD.findall(lowered)
    for name, stem in LEXICON["districts"].items():
        if any(word.startswith(stem) for word in words):
            return name
    for stem, name in LEXICON["district_aliases"].items():
        if any(word.startswith(stem) for word in words):
            return name
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

    @property
    def timed(self) -> bool:
        return bool(self.day or self.time_from or self.time_to)


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
    nearest_slot: Optional[datetime]  # stored (naive UTC)
    warranty_days: int


@dataclass(frozen=True)
class Relaxation:
    """Dropping one filter (`budget`, `district` or `time`) finds `cards`."""

    name: str
    cards: List[OfferCard]

    @property
    def cheapest(self) -> Decimal:
        return min(card.price for card in self.cards)

    @property
    def nearest_slot(self) -> Optional[datetime]:
        return min((card.nearest_slot for card in self.cards if card.nearest_slot), default=None)


@dataclass(frozen=True)
class SearchResult:
    """The cards found; for an empty result why: no offers in the category at all, or the filters that found
    nothing together (`unmet`, in RELAXED_FILTERS order) and the first one whose relaxation finds something."""

    cards: List[OfferCard]
    category_empty: bool = False
    unmet: Tuple[str, ...] = ()
    relaxation: Optional[Relaxation] = None


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
    now = clock.to_store(query.now) if query.now is not None else utcnow()
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
            session,
            provider,
            after,
            offer.duration_minutes,
            query.day,
            query.time_from,
            query.time_to,
            now=after - dispatch.HOUR,
        )
        if slot is None and query.timed:
            continue
        cards.append(_card(offer, provider, slot))
    return _sorted(cards, query.sort)


def _card(offer: MarketOffer, provider: MarketProvider, slot: Optional[datetime]) -> OfferCard:
    return OfferCard(
        offer_id=offer.id,
        provider_id=provider.id,
        provider_name=provider.name,
        category=offer.category,
        title=offer.title,
        price=offer.price,
        unit=offer.unit,
        rating=Decimal(provider.rating),
        review_count=provider.review_count,
        nearest_slot=slot,
        warranty_days=offer.warranty_days,
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


def _relaxed(query: SearchQuery, name: str) -> SearchQuery:
    if name == "budget":
        return replace(query, budget=None)
    if name == "district":
        return replace(query, district=None)
    return replace(query, day=None, time_from=None, time_to=None)


def _explain_empty(session: Session, query: SearchQuery) -> SearchResult:
    """Why nothing was found, and which single filter to relax to find something."""
    if not _offers(session, query.category):
        return SearchResult([], category_empty=True)
    used = {"budget": query.budget is not None, "district": bool(query.district), "time": query.timed}
    unmet = tuple(name for name in RELAXED_FILTERS if used[name])
    for name in unmet:
        found = _cards(session, _relaxed(query, name))
        if found:
            return SearchResult([], unmet=unmet, relaxation=Relaxation(name, found))
    return SearchResult([], unmet=unmet)


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
        slot = dispatch.nearest_free_slot(
            session, provider, after, offer.duration_minutes, now=after - dispatch.HOUR
        )
        cards.append(_card(offer, provider, slot))
    return cards
