"""Time slots of providers and automatic dispatch: who gets an order nobody chose a provider for.

Slots are whole hours. The store keeps naive UTC; working hours are local (the assistant's time zone).
A provider is busy in an hour when a row of `market_bookings` holds it; the unique (provider, hour) pair makes
double booking impossible even for orders placed at the same moment.

Dispatch score (lower sorts first, compared left to right, so it is deterministic and ties are broken):
  1. load — how many open orders (assigned, confirmed, in progress) the provider has on the slot's local day;
  2. −rating — the higher the rating, the earlier;
  3. −review_count — a rating backed by more reviews wins a tie;
  4. provider id — the older member wins what is still tied.
Only approved providers with the category among their specialisations and an active offer in it, who work at
that time, are free for the whole slot, serve the order's district (when it is known) and are not excluded,
take part.

An unpaid order holds its hours for UNPAID_HOLD (`held_until` of its bookings); then they are free again, and the
first order that books one of them takes all of that order's hours and the order expires. Paying (from the moment
the payment is reserved), the provider taking the order up, and a free warranty visit hold the hours for good.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Iterable, List, Optional, Sequence, Tuple

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from engine.sdk import clock, utcnow

from .lifecycle import EXPIRED, OPEN_STATES, UNCONFIRMED, order_by_id
from .models import APPROVED, MarketBooking, MarketOffer, MarketOrder, MarketProvider

HOUR = timedelta(hours=1)
DEFAULT_DURATION_MINUTES = 120
SEARCH_HORIZON_DAYS = 14
UNPAID_HOLD = timedelta(minutes=60)  # how long an unpaid order holds the provider's hours


def hours_of(start: datetime, end: datetime) -> List[datetime]:
    """The whole hours a slot occupies."""
    hours, moment = [], start
    while moment < end:
        hours.append(moment)
        moment += HOUR
    return hours


def works_at(provider: MarketProvider, start: datetime, end: datetime) -> bool:
    """The whole slot lies within the provider's working hours of the local day it starts on."""
    local_start = clock.to_local(start)
    midnight = local_start.replace(hour=0, minute=0, second=0, microsecond=0)
    end_hour = (clock.to_local(end) - midnight).total_seconds() / 3600
    return provider.work_start_hour <= local_start.hour and end_hour <= provider.work_end_hour


def _now(now: Optional[datetime]) -> datetime:
    return clock.to_store(now) if now is not None else utcnow()


def _holding(now: datetime) -> ColumnElement:
    """A booking that still holds its hour at `now`."""
    return or_(MarketBooking.held_until.is_(None), MarketBooking.held_until > now)


def is_free(
    session: Session, provider_id: int, start: datetime, end: datetime, now: Optional[datetime] = None
) -> bool:
    """No booking holds any hour of the slot at `now` (an unpaid order's hold that ran out does not)."""
    busy = session.execute(
        select(func.count(MarketBooking.id)).where(
            MarketBooking.provider_id == provider_id,
            MarketBooking.slot_start >= start,
            MarketBooking.slot_start < end,
            _holding(_now(now)),
        )
    ).scalar_one()
    return busy == 0


def book(
    session: Session,
    provider_id: int,
    order_id: int,
    start: datetime,
    end: datetime,
    held_until: Optional[datetime] = None,
    now: Optional[datetime] = None,
) -> None:
    """Holds the slot's hours (until `held_until`, or for good); flushing raises IntegrityError if another order
    holds one of them. Hours whose unpaid order's hold ran out are taken over first: that order expires."""
    hours = hours_of(start, end)
    _take_over_expired(session, provider_id, hours, _now(now))
    session.add_all(
        MarketBooking(provider_id=provider_id, slot_start=hour, order_id=order_id, held_until=held_until)
        for hour in hours
    )
    session.flush()


def _take_over_expired(session: Session, provider_id: int, hours: List[datetime], now: datetime) -> None:
    """Deletes every booking of the orders whose hold of one of these hours ran out, and expires those orders.
    Each order is locked first (always the order, then its bookings, as paying does), and only bookings still
    unpaid and out of time go: an order paid meanwhile keeps its hours, and the new booking then fails."""
    ran_out = (MarketBooking.held_until.is_not(None), MarketBooking.held_until <= now)
    stale = session.execute(
        select(MarketBooking.order_id)
        .where(MarketBooking.provider_id == provider_id, MarketBooking.slot_start.in_(hours), *ran_out)
        .distinct()
    ).scalars()
    for order_id in sorted(set(stale)):
        order = order_by_id(session, order_id, lock=True)
        gone = session.execute(
            delete(MarketBooking)
            .where(MarketBooking.order_id == order_id, *ran_out)
            .execution_options(synchronize_session=False)
        ).rowcount
        if gone and order is not None and order.state in UNCONFIRMED:
            order.state, order.updated_at = EXPIRED, now
    session.flush()


def hold_for_good(session: Session, order_id: int) -> int:
    """The order's bookings hold its hours with no deadline (paid, or taken up by the provider); how many it has:
    0 when its hold ran out and another order took the hours."""
    return session.execute(
        update(MarketBooking)
        .where(MarketBooking.order_id == order_id)
        .values(held_until=None)
        .execution_options(synchronize_session=False)
    ).rowcount


def hold_until(session: Session, order_id: int, until: datetime) -> None:
    """An unpaid order not taken up yet holds its hours until `until` again (its payment was declined)."""
    order = session.get(MarketOrder, order_id)
    if order is not None and order.state in UNCONFIRMED:
        session.execute(
            update(MarketBooking)
            .where(MarketBooking.order_id == order_id)
            .values(held_until=until)
            .execution_options(synchronize_session=False)
        )


def release(session: Session, order_id: int) -> None:
    for booking in session.execute(select(MarketBooking).where(MarketBooking.order_id == order_id)).scalars():
        session.delete(booking)
    session.flush()


def day_load(session: Session, provider_id: int, slot_start: datetime) -> int:
    """Open orders of the provider on the slot's local day."""
    local_day = clock.to_local(slot_start).date()
    day_start = clock.local_moment(local_day, 0)
    return session.execute(
        select(func.count(MarketOrder.id)).where(
            MarketOrder.provider_id == provider_id,
            MarketOrder.state.in_(OPEN_STATES),
            MarketOrder.slot_start >= day_start,
            MarketOrder.slot_start < day_start + timedelta(days=1),
        )
    ).scalar_one()


def score(load: int, rating: Decimal, review_count: int, provider_id: int) -> Tuple[int, Decimal, int, int]:
    """The dispatch score: candidates are sorted ascending by it (see the module docstring)."""
    return (load, -Decimal(rating), -review_count, provider_id)


def main_offer(session: Session, provider_id: int, category: str) -> Optional[MarketOffer]:
    """The provider's cheapest active offer in the category: what a dispatched order is priced by."""
    return session.execute(
        select(MarketOffer)
        .where(
            MarketOffer.provider_id == provider_id,
            MarketOffer.category == category,
            MarketOffer.active.is_(True),
        )
        .order_by(MarketOffer.price, MarketOffer.id)
        .limit(1)
    ).scalar_one_or_none()


def slot_end_for(offer: Optional[MarketOffer], slot_start: datetime) -> datetime:
    minutes = offer.duration_minutes if offer is not None else DEFAULT_DURATION_MINUTES
    return slot_start + timedelta(minutes=minutes)


def specialists(session: Session, category: str, district: Optional[str] = None) -> List[MarketProvider]:
    providers = session.execute(
        select(MarketProvider).where(MarketProvider.status == APPROVED).order_by(MarketProvider.id)
    ).scalars()
    return [
        provider
        for provider in providers
        if category in (provider.categories or [])
        and (district is None or district in (provider.districts or []))
    ]


@dataclass(frozen=True)
class Candidate:
    provider: MarketProvider
    offer: MarketOffer
    score: Tuple[int, Decimal, int, int]


def candidates(
    session: Session,
    category: str,
    slot_start: datetime,
    slot_end: Optional[datetime] = None,
    exclude_provider_ids: Iterable[int] = (),
    district: Optional[str] = None,
    now: Optional[datetime] = None,
) -> List[Candidate]:
    """Every provider who could take the slot, best first. Without `slot_end` each uses its offer's duration."""
    slot_start = clock.to_store(slot_start)
    excluded = set(exclude_provider_ids)
    found = []
    for provider in specialists(session, category, district):
        offer = main_offer(session, provider.id, category)
        if provider.id in excluded or offer is None:
            continue
        end = clock.to_store(slot_end) if slot_end is not None else slot_end_for(offer, slot_start)
        if works_at(provider, slot_start, end) and is_free(session, provider.id, slot_start, end, now):
            load = day_load(session, provider.id, slot_start)
            found.append(
                Candidate(provider, offer, score(load, provider.rating, provider.review_count, provider.id))
            )
    return sorted(found, key=lambda candidate: candidate.score)


def choose_provider(
    session: Session,
    category: str,
    slot_start: datetime,
    slot_end: Optional[datetime] = None,
    exclude_provider_ids: Sequence[int] = (),
    district: Optional[str] = None,
    now: Optional[datetime] = None,
) -> Optional[MarketProvider]:
    found = candidates(session, category, slot_start, slot_end, exclude_provider_ids, district, now)
    return found[0].provider if found else None


def nearest_free_slot(
    session: Session,
    provider: MarketProvider,
    after: datetime,
    duration_minutes: int,
    day: Optional[date] = None,
    time_from: Optional[time] = None,
    time_to: Optional[time] = None,
    horizon_days: int = SEARCH_HORIZON_DAYS,
    now: Optional[datetime] = None,
) -> Optional[datetime]:
    """The earliest whole-hour slot (stored time) not before `after` when the provider works and is free.

    With `day` only that local day is searched; the local start must be within [time_from, time_to).
    """
    after = clock.to_store(after)
    first_day = day or clock.to_local(after).date()
    days = [first_day] if day else [first_day + timedelta(days=offset) for offset in range(horizon_days)]
    duration = timedelta(minutes=duration_minutes)
    for current in days:
        for hour in range(provider.work_start_hour, provider.work_end_hour):
            if (time_from is not None and time(hour) < time_from) or (
                time_to is not None and time(hour) >= time_to
            ):
                continue
            start = clock.local_moment(current, hour)
            if start < after:
                continue
            end = start + duration
            if works_at(provider, start, end) and is_free(session, provider.id, start, end, now):
                return start
    return None
