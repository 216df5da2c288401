"""Which meter a parsed value belongs to, and whether the value can be accepted."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import billing
from .models import UtilitiesAccount, UtilitiesMeter
from .readings_parser import ParsedReading
from .texts import day_month, meter_name, number

SUSPICIOUS_FACTOR = 3  # consumption above 3 × the median month is asked about


def meters_of(session: Session, account: UtilitiesAccount) -> List[UtilitiesMeter]:
    return list(
        session.execute(select(UtilitiesMeter).where(UtilitiesMeter.account_id == account.id).order_by(UtilitiesMeter.id))
        .scalars()
    )


def candidates(meters: List[UtilitiesMeter], parsed: ParsedReading) -> List[UtilitiesMeter]:
    """The meters the value may be for; more than one means the resident must choose."""
    found = [
        m for m in meters
        if (not parsed.resources or m.resource in parsed.resources)
        and (parsed.zone is None or m.zone == parsed.zone)
        and (parsed.place is None or m.place == parsed.place)
    ]
    return found


def label(meter: UtilitiesMeter) -> str:
    return meter_name(meter.resource, meter.zone, meter.place)


def choice_word(meter: UtilitiesMeter) -> str:
    """What the resident answers (or the button sends) to pick this meter among similar ones."""
    return {"day": "день", "night": "ночь"}.get(meter.zone or "", meter.place or meter.serial_number)


@dataclass(frozen=True)
class ValueCheck:
    problem: Optional[str]  # why the value cannot be accepted, in Russian
    consumption: Decimal
    suspicious: bool
    median: Optional[Decimal]


def integer_digits(value: Decimal) -> int:
    return len(str(int(value)))


def check_value(session: Session, meter: UtilitiesMeter, value: Decimal) -> ValueCheck:
    previous = Decimal(meter.last_reading)
    consumption = value - previous
    if integer_digits(value) > meter.digits:
        return ValueCheck(f"{label(meter)}: в {number(value)} больше цифр, чем показывает счётчик "
                          f"(до запятой их {meter.digits}). Проверьте значение.", consumption, False, None)
    if value < previous:
        return ValueCheck(f"{label(meter)}: {number(value)} меньше предыдущих показаний "
                          f"({number(previous)} на {day_month(meter.last_reading_on)}).", consumption, False, None)
    median = billing.median_consumption(session, meter)
    suspicious = bool(median and median > 0 and consumption > SUSPICIOUS_FACTOR * median)
    return ValueCheck(None, consumption, suspicious, median)
