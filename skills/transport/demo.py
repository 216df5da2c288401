"""Demo data for an empty store (demo.yml): seven cooperative drivers around the city (six free, one off shift) and
six parking zones near the market, the railway station, Teatralnaya Square, the Galereya mall, polyclinic No. 3
and the MFC.

Demo identities (channel `rest`, the sender id of the REST webhook): driver-aleksei, driver-marat, driver-irina,
driver-dmitry, driver-sergey, driver-andrey (free) and driver-oleg (off): write as one of them to act as that
driver (accept the ride, arrived, start, finish).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.sdk import clock, resident_for, skill_lexicon

from .models import Driver, ParkingZone

DEMO = skill_lexicon(__file__, "demo.yml")
CHANNEL = "rest"


def load_demo(session: Session, today: Optional[date] = None) -> bool:
    """Fills the skill's tables once; False when there are drivers already."""
    if session.execute(select(Driver.id).limit(1)).first() is not None:
        return False
    reported = clock.local_moment(today or clock.today(), int(DEMO["shift_starts_hour"]))
    for spec in DEMO["drivers"]:
        session.add(
            Driver(
                resident_id=resident_for(session, CHANNEL, spec["sender"]),
                name=spec["name"],
                car=spec["car"],
                plate=spec["plate"],
                lat=spec["lat"],
                lon=spec["lon"],
                state=spec["state"],
                updated_at=reported,
            )
        )
    for spec in DEMO["parking_zones"]:
        session.add(
            ParkingZone(
                code=spec["code"],
                title=spec["title"],
                lat=spec["lat"],
                lon=spec["lon"],
                capacity=spec["capacity"],
                occupied=spec["occupied"],
                price_per_hour=Decimal(str(spec["price_per_hour"])),
                max_hours=spec["max_hours"],
            )
        )
    session.flush()
    return True
