"""Which meter a parsed value belongs to, and whether the value can be accepted."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal
from typing import List, Optional

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from . import billing
from .models import UtilitiesAccount, UtilitiesMeter
from .names import zone_name
from .readings_parser import ParsedReading

SUSPICIOUS_FACTOR = 3  # consumption above 3 × the median month is asked about


def meters_of(session: Session, account: UtilitiesAccount) -> List[UtilitiesMeter]:
    return list(
        session.execute(
            select(UtilitiesMeter).where(UtilitiesMeter.account_id == account.id).order_by(UtilitiesMeter.id)
        ).scalars()
    )


def lock_meters(session: Session, meter_ids: List[int]) -> None:
    """Locks the meters' rows until the unit of work ends and reads them again: an UPDATE that changes nothing
    (PostgreSQL: a row lock; SQLite: the unit of work holds the database's write lock already). A value checked
    against a meter's last reading afterwards stays true until it is written, whoever else submits meanwhile.
    The rows are locked in the order of their ids, so two submissions never wait for each other in a circle."""
    for meter_id in sorted(set(meter_ids)):
        session.execute(
            update(UtilitiesMeter)
            .where(UtilitiesMeter.id == meter_id)
            .values(last_reading=UtilitiesMeter.last_reading)
            .execution_options(synchronize_session=False)
        )
        session.get(UtilitiesMeter, meter_id, populate_existing=True)


def candidates(meters: List[UtilitiesMeter], parsed: ParsedReading) -> List[UtilitiesMeter]:
    """The meters the value may be for; more than one means the resident must choose."""
    return [
        m
        for m in meters
        if (not parsed.resources or m.resource in parsed.resources)
        and (parsed.zone is None or m.zone == parsed.zone)
        and (parsed.place is None or m.place == parsed.place)
    ]


def choice_word(meter: UtilitiesMeter) -> str:
    """What the resident answers (or the button sends) to pick this meter among similar ones: its register, its
    place in the flat, or its serial number."""
    return zone_name(meter.zone) or meter.place or meter.serial_number


class ValueProblem(enum.Enum):
    TOO_MANY_DIGITS = "too_many_digits"  # more digits before the point than the counter shows
    BELOW_PREVIOUS = "below_previous"  # less than the last accepted reading


@dataclass(frozen=True)
class ValueCheck:
    problem: Optional[ValueProblem]  # why the value cannot be accepted; None: it can
    suspicious: bool  # acceptable, but far above the usual month: asked about


def integer_digits(value: Decimal) -> int:
    return len(str(int(value)))


def check_value(session: Session, meter: UtilitiesMeter, value: Decimal) -> ValueCheck:
    previous = Decimal(meter.last_reading)
    consumption = value - previous
    if integer_digits(value) > meter.digits:
        return ValueCheck(ValueProblem.TOO_MANY_DIGITS, False)
    if value < previous:
        return ValueCheck(ValueProblem.BELOW_PREVIOUS, False)
    median = billing.median_consumption(session, meter)
    suspicious = bool(median and median > 0 and consumption > SUSPICIOUS_FACTOR * median)
    return ValueCheck(None, suspicious)
