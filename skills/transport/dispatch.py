"""Dispatch: the nearest free driver for a ride, never two rides for one driver, also under concurrent orders.

A driver is claimed by a conditional UPDATE (`SET state = 'busy', ride_id = :ride WHERE id = :id AND state =
'free'`): on PostgreSQL a concurrent claim of the same row waits for the first transaction and then matches
nothing; on SQLite the UPDATE takes the database's write lock, so claims run one after another. Whoever gets no
row tries the next driver. Every change to a ride starts by locking the ride's row (`lock_ride`), and a ride is
always locked before its driver, so two transactions never wait for each other in opposite order.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import List, Optional, Tuple

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.sdk import audit_record, clock

from .fares import TARIFFS, car_minutes, ride_km
from .geo import Point, distance_km
from .models import ASSIGNED, BUSY, FREE, UNASSIGNED, Driver, Ride

SKILL = "transport"


def lock_ride(session: Session, ride_id: int) -> Optional[Ride]:
    """The ride, re-read after taking its row lock (PostgreSQL) or the write lock (SQLite) until the unit of work
    ends: an UPDATE that changes nothing."""
    session.execute(update(Ride).where(Ride.id == ride_id).values(status=Ride.status))
    return session.get(Ride, ride_id, populate_existing=True)


def pickup_point(ride: Ride) -> Point:
    return Point(ride.from_lat, ride.from_lon)


def driver_point(driver: Driver) -> Point:
    return Point(driver.lat, driver.lon)


def arrival_at(driver: Driver, ride: Ride, now: datetime) -> datetime:
    """When the driver is expected at the pickup (naive UTC): the road from their position at the car speed, from
    the moment they were assigned to this ride (or now), never before the pickup time."""
    now = clock.to_store(now)
    start = ride.assigned_at if ride.driver_id == driver.id and ride.assigned_at else now
    drive = timedelta(minutes=car_minutes(ride_km(driver_point(driver), pickup_point(ride))))
    return max(ride.pickup_at, start + drive)


def eta_minutes(driver: Driver, ride: Ride, now: datetime) -> int:
    """Whole minutes (rounded up) until the driver is expected at the pickup; 0 when that moment has passed."""
    left = (arrival_at(driver, ride, now) - clock.to_store(now)).total_seconds()
    return max(0, math.ceil(left / 60))


def candidates(session: Session, ride: Ride) -> List[Tuple[float, Driver]]:
    """Free drivers within max_pickup_km of the pickup, nearest first; never the resident who ordered the ride."""
    pickup, limit = pickup_point(ride), float(TARIFFS["max_pickup_km"])
    drivers = session.execute(
        select(Driver).where(Driver.state == FREE, Driver.resident_id != ride.resident_id)
    ).scalars()
    near = [(distance_km(driver_point(d), pickup), d) for d in drivers]
    return sorted(((km, d) for km, d in near if km <= limit), key=lambda pair: (pair[0], pair[1].id))


def assign_nearest(session: Session, ride: Ride, now: datetime) -> Optional[Driver]:
    """Claims the nearest free driver for a ride still without one; None when no driver is free nearby (the ride
    keeps its status) or the ride no longer waits for a driver."""
    now = clock.to_store(now)
    locked = lock_ride(session, ride.id)
    if locked is None or locked.status not in UNASSIGNED or locked.driver_id is not None:
        return None
    for _, driver in candidates(session, locked):
        claimed = session.execute(
            update(Driver)
            .where(Driver.id == driver.id, Driver.state == FREE)
            .values(state=BUSY, ride_id=locked.id, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            continue  # another order took this driver first
        session.refresh(driver)
        locked.driver_id, locked.status, locked.assigned_at = driver.id, ASSIGNED, now
        locked.arrive_by = arrival_at(driver, locked, now)
        session.flush()
        audit_record(
            session,
            skill=SKILL,
            action="ride_assigned",
            resident_id=locked.resident_id,
            details={"ride_id": locked.id, "driver_id": driver.id, "arrive_by": locked.arrive_by.isoformat()},
        )
        return driver
    return None
