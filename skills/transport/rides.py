"""The ride lifecycle: ordering, dispatch when due, status, cancellation (with its fee) and the driver's steps.

Every change locks the ride's row first (dispatch.lock_ride) and decides on the status it reads afterwards, so a
cancellation racing the driver's start, or a finish sent twice, changes the ride once. Moments passed in may be
aware or naive UTC; the store keeps naive UTC. Functions return codes and data; the dialogue words them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import List, Optional, Tuple

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from engine.sdk import Payment, audit_record, clock, pay

from .dispatch import SKILL, assign_nearest, eta_minutes, lock_ride
from .fares import TARIFFS, estimate, tariff
from .geo import Point
from .models import (
    ARRIVING,
    ASSIGNED,
    CANCELLED,
    DONE,
    FREE,
    IN_TRIP,
    OPEN_STATUSES,
    SCHEDULED,
    SEARCHING,
    UNASSIGNED,
    WAITING,
    Driver,
    Ride,
)

Place = Tuple[str, Point]  # (title as the resident reads it, where)
ZERO = Decimal(0)
LOCK_SPACE = 0x74726E  # the first key of the residents' advisory locks on PostgreSQL ("trn")

# step: (the status it is allowed from, the status it leads to, the moment column it fills)
STEPS = {
    "accept": (ASSIGNED, ARRIVING, "accepted_at"),
    "arrived": (ARRIVING, WAITING, "arrived_at"),
    "start": (WAITING, IN_TRIP, "started_at"),
    "finish": (IN_TRIP, DONE, "finished_at"),
}


def _minutes(name: str) -> timedelta:
    return timedelta(minutes=int(TARIFFS[name]))


def dispatch_lead() -> timedelta:
    return _minutes("dispatch_lead_minutes")


def lock_orders(session: Session, resident_id: int) -> None:
    """Until the unit of work ends, the resident's other orders wait (PostgreSQL: an advisory lock on the resident;
    SQLite: every unit of work holds the write lock already), so that one confirmation sent twice at once finds
    the ride the first one ordered instead of ordering a second."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(:space, :resident)"),
            {"space": LOCK_SPACE, "resident": resident_id},
        )


def order_ride(
    session: Session,
    resident_id: int,
    from_place: Place,
    to_place: Place,
    pickup_at: Optional[datetime],
    now: datetime,
) -> Ride:
    """A new ride: dispatched at once when the pickup is now or within the dispatch lead (assigned, or searching
    when no driver is free nearby), scheduled when later. A pickup in the past (or None) means now.

    A resident has one open ride at a time: while one is open it is returned unchanged (a repeated order does not
    make a second ride) — compare with `active_ride` first to tell the resident.
    """
    now = clock.to_store(now)
    lock_orders(session, resident_id)
    current = active_ride(session, resident_id)
    if current is not None:
        return current
    pickup = max(clock.to_store(pickup_at) if pickup_at is not None else now, now)
    (from_title, origin), (to_title, destination) = from_place, to_place
    fare = estimate(origin, destination, clock.to_local(pickup))
    ride = Ride(
        resident_id=resident_id,
        from_title=from_title,
        from_lat=origin.lat,
        from_lon=origin.lon,
        to_title=to_title,
        to_lat=destination.lat,
        to_lon=destination.lon,
        pickup_at=pickup,
        km=fare.km,
        fare=fare.amount,
        status=SCHEDULED if pickup - dispatch_lead() > now else SEARCHING,
        created_at=now,
    )
    session.add(ride)
    session.flush()
    audit_record(
        session,
        skill=SKILL,
        action="ride_ordered",
        resident_id=resident_id,
        details={
            "ride_id": ride.id,
            "fare": str(ride.fare),
            "pickup_at": pickup.isoformat(),
            "status": ride.status,
        },
    )
    if ride.status == SEARCHING:
        assign_nearest(session, ride, now)
    return ride


def dispatch_due(session: Session, now: datetime) -> List[Ride]:
    """Looks for drivers for searching rides and for scheduled rides whose pickup is within the dispatch lead (a
    scheduled ride without a driver then becomes searching); the rides that got a driver now."""
    now = clock.to_store(now)
    due = session.execute(
        select(Ride)
        .where(
            (Ride.status == SEARCHING)
            | ((Ride.status == SCHEDULED) & (Ride.pickup_at <= now + dispatch_lead()))
        )
        .order_by(Ride.pickup_at, Ride.id)
    ).scalars()
    assigned = []
    for ride in list(due):
        if assign_nearest(session, ride, now) is not None:
            assigned.append(ride)
        else:
            session.execute(
                update(Ride)
                .where(Ride.id == ride.id, Ride.status == SCHEDULED)
                .values(status=SEARCHING)
                .execution_options(synchronize_session="fetch")
            )
    return assigned


def active_ride(session: Session, resident_id: int) -> Optional[Ride]:
    """The resident's open ride (from searching to in_trip), if any."""
    return (
        session.execute(
            select(Ride)
            .where(Ride.resident_id == resident_id, Ride.status.in_(OPEN_STATUSES))
            .order_by(Ride.id.desc())
        )
        .scalars()
        .first()
    )


def driver_of(session: Session, resident_id: int) -> Optional[Driver]:
    """The driver a resident is, if they drive for the cooperative."""
    return session.execute(select(Driver).where(Driver.resident_id == resident_id)).scalars().first()


def driver_ride(session: Session, resident_id: int) -> Optional[Ride]:
    """The ride a driver (by their resident id) is on now, if any."""
    driver = driver_of(session, resident_id)
    if driver is None or driver.ride_id is None:
        return None
    return session.get(Ride, driver.ride_id)


@dataclass(frozen=True)
class RideStatus:
    status: str
    ride: Ride
    driver: Optional[Driver]
    eta_minutes: Optional[int]  # while the driver is on the way (assigned, arriving)
    late: bool  # the driver is past the promised arrival by more than late_minutes


def _late(ride: Ride, now: datetime) -> bool:
    if ride.arrive_by is None:
        return False
    return (ride.arrived_at or now) > ride.arrive_by + _minutes("late_minutes")


def ride_status(session: Session, ride: Ride, now: datetime) -> RideStatus:
    now = clock.to_store(now)
    session.refresh(ride)
    driver = session.get(Driver, ride.driver_id) if ride.driver_id is not None else None
    on_the_way = driver is not None and ride.status in (ASSIGNED, ARRIVING)
    return RideStatus(
        status=ride.status,
        ride=ride,
        driver=driver,
        eta_minutes=eta_minutes(driver, ride, now) if on_the_way else None,
        late=_late(ride, now),
    )


@dataclass(frozen=True)
class CancelTerms:
    """allowed: the ride can be cancelled; free or at `fee`. reason_code: no_driver (searching or scheduled), grace
    (just assigned), driver_late, fee, in_trip or closed (done or cancelled already; not allowed)."""

    allowed: bool
    free: bool
    fee: Decimal
    reason_code: str


def cancel_terms(ride: Ride, now: datetime) -> CancelTerms:
    now = clock.to_store(now)
    if ride.status in (DONE, CANCELLED):
        return CancelTerms(False, False, ZERO, "closed")
    if ride.status == IN_TRIP:
        return CancelTerms(False, False, ZERO, "in_trip")
    if ride.status in UNASSIGNED or ride.assigned_at is None:
        return CancelTerms(True, True, ZERO, "no_driver")
    if now <= ride.assigned_at + _minutes("cancel_grace_minutes"):
        return CancelTerms(True, True, ZERO, "grace")
    if _late(ride, now):
        return CancelTerms(True, True, ZERO, "driver_late")
    return CancelTerms(True, False, tariff("cancel_fee"), "fee")


@dataclass(frozen=True)
class CancelOutcome:
    """code: cancelled, not_yours (no such ride of this resident), closed, in_trip, or fee_changed (the terms are
    not those the resident confirmed: `terms` holds the new ones, ask again). `payment` is the fee's, if charged."""

    code: str
    terms: Optional[CancelTerms] = None
    payment: Optional[Payment] = None


def _free_driver(session: Session, ride: Ride, now: datetime, at: Optional[Point] = None) -> None:
    values = {"state": FREE, "ride_id": None, "updated_at": now}
    if at is not None:
        values.update(lat=at.lat, lon=at.lon)
    session.execute(
        update(Driver)
        .where(Driver.id == ride.driver_id, Driver.ride_id == ride.id)
        .values(**values)
        .execution_options(synchronize_session="fetch")
    )


def cancel_ride(
    session: Session, ride: Ride, resident_id: int, now: datetime, *, expected_fee: Optional[Decimal]
) -> CancelOutcome:
    """Cancels the resident's ride on the terms they confirmed (`expected_fee`, 0 when told it is free; None when
    no fee can be read from the confirmation: the terms are asked again), frees the driver and charges the fee once
    (key transport-cancel-<ride id>)."""
    now = clock.to_store(now)
    locked = lock_ride(session, ride.id)
    if locked is None or locked.resident_id != resident_id:
        return CancelOutcome("not_yours")
    terms = cancel_terms(locked, now)
    if not terms.allowed:
        return CancelOutcome(terms.reason_code, terms)
    if expected_fee is None or terms.fee != Decimal(expected_fee):
        return CancelOutcome("fee_changed", terms)
    payment = None
    if terms.fee > 0:
        payment = pay(
            session,
            resident_id=resident_id,
            skill=SKILL,
            purpose="ride_cancel_fee",
            amount=terms.fee,
            idempotency_key=f"transport-cancel-{locked.id}",
            description=f"transport ride {locked.id} cancellation fee",
        )
        locked.cancel_fee, locked.fee_payment_id = terms.fee, payment.id
    locked.status, locked.cancelled_at = CANCELLED, now
    if locked.driver_id is not None:
        _free_driver(session, locked, now)
    session.flush()
    audit_record(
        session,
        skill=SKILL,
        action="ride_cancelled",
        resident_id=resident_id,
        details={"ride_id": locked.id, "fee": str(terms.fee), "reason": terms.reason_code},
    )
    return CancelOutcome("cancelled", terms, payment)


@dataclass(frozen=True)
class StepOutcome:
    """code: ok, already (the ride is in that step's status already), not_driver (the sender drives for no one),
    not_your_ride (no such ride, or another driver's), cancelled (by the resident), wrong_state (not the next
    step). `ride` is the ride when it is the driver's."""

    code: str
    ride: Optional[Ride] = None


def driver_step(
    session: Session, driver_resident_id: int, ride_id: int, step: str, now: datetime
) -> StepOutcome:
    """The driver moves their ride on: accept → arrived → start → finish, each only from the previous status.
    Arriving puts the driver at the pickup; finishing frees them at the destination and records the fare."""
    if step not in STEPS:
        raise ValueError(f"unknown ride step: {step!r}")
    now = clock.to_store(now)
    driver = driver_of(session, driver_resident_id)
    if driver is None:
        return StepOutcome("not_driver")
    ride = lock_ride(session, ride_id)
    if ride is None or ride.driver_id != driver.id:
        return StepOutcome("not_your_ride")
    source, target, moment = STEPS[step]
    if ride.status == CANCELLED:
        return StepOutcome("cancelled", ride)
    if ride.status == target:
        return StepOutcome("already", ride)
    if ride.status != source:
        return StepOutcome("wrong_state", ride)
    ride.status = target
    setattr(ride, moment, now)
    if step == "arrived":
        driver.lat, driver.lon, driver.updated_at = ride.from_lat, ride.from_lon, now
    if step == "finish":
        _free_driver(session, ride, now, at=Point(ride.to_lat, ride.to_lon))
    session.flush()
    audit_record(
        session,
        skill=SKILL,
        action=f"ride_{step}",
        resident_id=ride.resident_id,
        details={
            "ride_id": ride.id,
            "driver_id": driver.id,
            **({"fare": str(ride.fare)} if step == "finish" else {}),
        },
    )
    return StepOutcome("ok", ride)
