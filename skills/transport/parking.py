"""Paid parking: zones near a place with their free places, and a resident's sessions — started, extended and
stopped with the unused minutes given back.

Free places = capacity − occupied (cars parked without the bot, a sensor count) − active sessions, never negative.
Starting locks the zone's row (an UPDATE that changes nothing) before counting, so two residents taking the last
place at once get it once; extending and stopping lock the session's row, so a stop sent twice refunds once.
Every payment goes through engine.sdk.pay with the caller's idempotency key: the same key twice pays and starts
(or extends) once and answers as the first call did. Moments may be aware or naive UTC.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_CEILING, ROUND_DOWN, Decimal
from typing import List, Optional, Tuple

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from engine.sdk import SUCCEEDED, Payment, audit_record, clock, pay, refund

from .dispatch import SKILL
from .fares import TARIFFS
from .geo import Point, distance_km
from .models import ACTIVE, ENDED, STOPPED, ParkingCharge, ParkingSession, ParkingZone

RULES = TARIFFS["parking"]
MIN_MINUTES = int(RULES["min_minutes"])
CENT = Decimal("0.01")


@dataclass(frozen=True)
class ZoneInfo:
    zone: ParkingZone
    distance_km: float  # straight line from the point asked about
    free_places: int


@dataclass(frozen=True)
class ParkingOutcome:
    """code: started, extended, unknown_zone, full, bad_minutes (outside min_minutes..the zone's max_hours, counting
    what an extension adds), already_parked (an active session of the resident in that zone: `parking`),
    not_yours (no such session of this resident), ended (stopped or run out), payment_declined (`payment`)."""

    code: str
    parking: Optional[ParkingSession] = None
    payment: Optional[Payment] = None
    amount: Decimal = Decimal(0)
    minutes: int = 0


@dataclass(frozen=True)
class ParkingStop:
    """code: stopped, already_stopped (`refund` is what the first stop gave back), ended (ran out before the stop,
    nothing to give back), not_yours. `unused_minutes` are the whole minutes refunded pro rata."""

    code: str
    refund: Decimal = Decimal(0)
    unused_minutes: int = 0
    parking: Optional[ParkingSession] = None


def price(zone: ParkingZone, minutes: int) -> Decimal:
    """price_per_hour × minutes / 60, rounded up to the rouble."""
    return (Decimal(zone.price_per_hour) * minutes / 60).to_integral_value(rounding=ROUND_CEILING)


def zone_by_code(session: Session, code: str) -> Optional[ParkingZone]:
    """A zone by its code, «P3» or «p3»."""
    return (
        session.execute(select(ParkingZone).where(ParkingZone.code == code.strip().upper())).scalars().first()
    )


def _current(now: datetime):  # the condition of a session that holds a place at `now`
    return (ParkingSession.status == ACTIVE) & (ParkingSession.ends_at > now)


def free_places(session: Session, zone: ParkingZone, now: datetime) -> int:
    parked = session.execute(
        select(func.count(ParkingSession.id)).where(
            ParkingSession.zone_id == zone.id, _current(clock.to_store(now))
        )
    ).scalar_one()
    return max(zone.capacity - zone.occupied - int(parked), 0)


def zones_near(session: Session, point: Point, now: datetime, limit: int = 3) -> List[ZoneInfo]:
    """Zones within near_km of the point, nearest first."""
    near_km = float(RULES["near_km"])
    zones = session.execute(select(ParkingZone)).scalars()
    found = sorted(
        ((distance_km(point, Point(z.lat, z.lon)), z) for z in zones), key=lambda pair: (pair[0], pair[1].id)
    )
    return [
        ZoneInfo(zone, round(km, 2), free_places(session, zone, now)) for km, zone in found if km <= near_km
    ][:limit]


def active_parking(
    session: Session, resident_id: int, now: Optional[datetime] = None
) -> List[ParkingSession]:
    """The resident's sessions that still hold a place, the soonest to end first."""
    moment = clock.to_store(now or clock.now())
    return list(
        session.execute(
            select(ParkingSession)
            .where(ParkingSession.resident_id == resident_id, _current(moment))
            .order_by(ParkingSession.ends_at, ParkingSession.id)
        ).scalars()
    )


def expire(session: Session, now: datetime) -> int:
    """Marks active sessions whose time has run out as ended; how many."""
    result = session.execute(
        update(ParkingSession)
        .where(ParkingSession.status == ACTIVE, ParkingSession.ends_at <= clock.to_store(now))
        .values(status=ENDED)
        .execution_options(synchronize_session="fetch")
    )
    return int(result.rowcount or 0)


def _lock_zone(session: Session, zone_id: int) -> Optional[ParkingZone]:
    session.execute(
        update(ParkingZone).where(ParkingZone.id == zone_id).values(capacity=ParkingZone.capacity)
    )
    return session.get(ParkingZone, zone_id, populate_existing=True)


def _lock_parking(session: Session, parking_id: int) -> Optional[ParkingSession]:
    session.execute(
        update(ParkingSession).where(ParkingSession.id == parking_id).values(status=ParkingSession.status)
    )
    return session.get(ParkingSession, parking_id, populate_existing=True)


def _paid_with(session: Session, idempotency_key: str) -> Optional[ParkingCharge]:
    """The charge an earlier call with this key made, if any."""
    return (
        session.execute(
            select(ParkingCharge)
            .join(Payment, Payment.id == ParkingCharge.payment_id)
            .where(Payment.idempotency_key == idempotency_key)
        )
        .scalars()
        .first()
    )


def _repeated(session: Session, charge: ParkingCharge, code: str) -> ParkingOutcome:
    return ParkingOutcome(
        code,
        session.get(ParkingSession, charge.session_id),
        session.get(Payment, charge.payment_id),
        Decimal(charge.amount),
        charge.minutes,
    )


def _pay(
    session: Session, resident_id: int, zone: ParkingZone, minutes: int, key: str, purpose: str
) -> Payment:
    return pay(
        session,
        resident_id=resident_id,
        skill=SKILL,
        purpose=purpose,
        amount=price(zone, minutes),
        idempotency_key=key,
        description=f"parking {zone.code}, {minutes} min",
    )


def start_parking(
    session: Session,
    resident_id: int,
    zone_id: int,
    minutes: int,
    now: datetime,
    *,
    idempotency_key: str,
    plate: Optional[str] = None,
) -> ParkingOutcome:
    """Pays for `minutes` of parking in the zone from now and starts the session."""
    now = clock.to_store(now)
    zone = _lock_zone(session, zone_id)
    if zone is None:
        return ParkingOutcome("unknown_zone")
    earlier = _paid_with(session, idempotency_key)
    if earlier is not None:
        return _repeated(session, earlier, "started")
    if not MIN_MINUTES <= minutes <= zone.max_hours * 60:
        return ParkingOutcome("bad_minutes")
    parked = (
        session.execute(
            select(ParkingSession).where(
                ParkingSession.zone_id == zone.id, ParkingSession.resident_id == resident_id, _current(now)
            )
        )
        .scalars()
        .first()
    )
    if parked is not None:
        return ParkingOutcome("already_parked", parked)
    if free_places(session, zone, now) == 0:
        return ParkingOutcome("full")
    payment = _pay(session, resident_id, zone, minutes, idempotency_key, "parking")
    if payment.status != SUCCEEDED:
        return ParkingOutcome("payment_declined", payment=payment, amount=Decimal(payment.amount))
    parking = ParkingSession(
        zone_id=zone.id,
        resident_id=resident_id,
        plate=plate,
        starts_at=now,
        ends_at=now + timedelta(minutes=minutes),
        status=ACTIVE,
        created_at=now,
    )
    session.add(parking)
    session.flush()
    session.add(
        ParkingCharge(session_id=parking.id, payment_id=payment.id, minutes=minutes, amount=payment.amount)
    )
    audit_record(
        session,
        skill=SKILL,
        action="parking_started",
        resident_id=resident_id,
        details={
            "session_id": parking.id,
            "zone": zone.code,
            "minutes": minutes,
            "amount": str(payment.amount),
        },
    )
    return ParkingOutcome("started", parking, payment, Decimal(payment.amount), minutes)


def extend_parking(
    session: Session, resident_id: int, session_id: int, minutes: int, now: datetime, *, idempotency_key: str
) -> ParkingOutcome:
    """Pays for `minutes` more of a running session; the whole session stays within the zone's max_hours."""
    now = clock.to_store(now)
    parking = _lock_parking(session, session_id)
    if parking is None or parking.resident_id != resident_id:
        return ParkingOutcome("not_yours")
    earlier = _paid_with(session, idempotency_key)
    if earlier is not None and earlier.session_id == parking.id:
        return _repeated(session, earlier, "extended")
    if parking.status != ACTIVE or parking.ends_at <= now:
        return ParkingOutcome("ended", parking)
    zone = session.get(ParkingZone, parking.zone_id)
    paid_minutes = int((parking.ends_at - parking.starts_at).total_seconds() // 60)
    if minutes < MIN_MINUTES or paid_minutes + minutes > zone.max_hours * 60:
        return ParkingOutcome("bad_minutes", parking)
    payment = _pay(session, resident_id, zone, minutes, idempotency_key, "parking_extension")
    if payment.status != SUCCEEDED:
        return ParkingOutcome("payment_declined", parking, payment, Decimal(payment.amount))
    parking.ends_at = parking.ends_at + timedelta(minutes=minutes)
    session.add(
        ParkingCharge(session_id=parking.id, payment_id=payment.id, minutes=minutes, amount=payment.amount)
    )
    session.flush()
    audit_record(
        session,
        skill=SKILL,
        action="parking_extended",
        resident_id=resident_id,
        details={"session_id": parking.id, "minutes": minutes, "amount": str(payment.amount)},
    )
    return ParkingOutcome("extended", parking, payment, Decimal(payment.amount), minutes)


def _charges(session: Session, parking: ParkingSession) -> List[ParkingCharge]:
    """The session's charges, the latest first."""
    return list(
        session.execute(
            select(ParkingCharge)
            .where(ParkingCharge.session_id == parking.id)
            .order_by(ParkingCharge.id.desc())
        ).scalars()
    )


def _unused_minutes(parking: ParkingSession, now: datetime) -> int:
    return max(math.floor((parking.ends_at - now).total_seconds() / 60), 0)


def _refund_plan(charges: List[ParkingCharge], unused: int) -> List[Tuple[ParkingCharge, int, Decimal]]:
    """(charge, its unused minutes, the amount they give back): the unused minutes are the last ones paid for,
    so they come from the latest charge backwards, each pro rata to the kopeck (rounded down)."""
    plan, left = [], unused
    for charge in charges:
        minutes = min(left, charge.minutes)
        left -= minutes
        amount = (Decimal(charge.amount) * minutes / charge.minutes).quantize(CENT, rounding=ROUND_DOWN)
        if amount > 0:
            plan.append((charge, minutes, amount))
    return plan


def refund_preview(session: Session, parking: ParkingSession, now: datetime) -> Decimal:
    """What stopping the session at `now` would give back (0 when it is not running)."""
    now = clock.to_store(now)
    if parking.status != ACTIVE or parking.ends_at <= now:
        return Decimal(0)
    plan = _refund_plan(_charges(session, parking), _unused_minutes(parking, now))
    return sum((amount for _, _, amount in plan), Decimal(0))


def stop_parking(
    session: Session, resident_id: int, session_id: int, now: datetime, *, idempotency_key: str
) -> ParkingStop:
    """Ends the session now and gives back its unused whole minutes pro rata, from the latest payment backwards
    (one refund per charge, keyed `<idempotency_key>-<charge id>`)."""
    now = clock.to_store(now)
    parking = _lock_parking(session, session_id)
    if parking is None or parking.resident_id != resident_id:
        return ParkingStop("not_yours")
    charges = _charges(session, parking)
    if parking.status == STOPPED:
        return ParkingStop(
            "already_stopped", sum((Decimal(c.refunded) for c in charges), Decimal(0)), 0, parking
        )
    if parking.status == ENDED or parking.ends_at <= now:
        parking.status = ENDED
        return ParkingStop("ended", parking=parking)
    unused, given = _unused_minutes(parking, now), Decimal(0)
    for charge, minutes, amount in _refund_plan(charges, unused):
        back = refund(
            session,
            session.get(Payment, charge.payment_id),
            amount=amount,
            idempotency_key=f"{idempotency_key}-{charge.id}",
            reason=f"parking session {parking.id} stopped early: {minutes} min unused",
        )
        if back.status == SUCCEEDED:
            charge.refunded = Decimal(charge.refunded) + amount
            given += amount
    parking.status, parking.stopped_at = STOPPED, now
    session.flush()
    audit_record(
        session,
        skill=SKILL,
        action="parking_stopped",
        resident_id=resident_id,
        details={"session_id": parking.id, "unused_minutes": unused, "refund": str(given)},
    )
    return ParkingStop("stopped", given, unused, parking)
