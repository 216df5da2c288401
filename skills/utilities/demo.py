"""Demo data for an empty store: three flats with meters, a year of readings and bills, tariffs in rubles.

The flats, meters and tariffs are in demo.yml (the README lists the accounts and the phones on their contracts). Dates
are relative to today, so the demo always has "last month" to pay and readings to continue.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, Dict, List, Mapping, Optional, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.sdk import skill_lexicon

from . import clock
from .billing import rubles
from .models import (
    UtilitiesAccount,
    UtilitiesCharge,
    UtilitiesMeter,
    UtilitiesPayment,
    UtilitiesReading,
    UtilitiesTariff,
)

MONTHS = 12
HEATING_MONTHS = {1, 2, 3, 4, 10, 11, 12}
HEATING_NORM_GCAL_PER_M2 = Decimal("0.0165")
READING_DAY = 20
PAYMENT_DAY = 8

Prices = Dict[Tuple[str, Optional[str]], List[Tuple[date, Decimal]]]


@dataclass(frozen=True)
class DemoMeter:
    resource: str
    zone: Optional[str]
    place: Optional[str]
    serial: str
    digits: int
    start: Decimal
    monthly: Decimal  # typical consumption


@dataclass(frozen=True)
class DemoAccount:
    number: str
    address: str
    company: str
    area: Decimal
    phone: str
    meters: Tuple[DemoMeter, ...]
    unpaid_months: int
    extra_paid: Decimal


def _demo() -> Mapping[str, Any]:
    return skill_lexicon(__file__, "demo.yml")


def _meter(spec: Mapping[str, Any]) -> DemoMeter:
    return DemoMeter(
        spec["resource"],
        spec.get("zone"),
        spec.get("place"),
        str(spec["serial"]),
        int(spec["digits"]),
        Decimal(str(spec["start"])),
        Decimal(str(spec["monthly"])),
    )


@lru_cache(maxsize=1)
def demo_accounts() -> Tuple[DemoAccount, ...]:
    """The demo flats of demo.yml."""
    return tuple(
        DemoAccount(
            str(spec["number"]),
            spec["address"],
            spec["company"],
            Decimal(str(spec["area"])),
            str(spec["phone"]),
            tuple(_meter(m) for m in spec["meters"]),
            int(spec["unpaid_months"]),
            Decimal(str(spec["extra_paid"])),
        )
        for spec in _demo()["accounts"]
    )


def _unit(service: str) -> str:
    return _demo()["units"][service]


def last_tariff_change(today: date) -> date:
    """Tariffs change on 1 July: the latest 1 July not after today."""
    year = today.year if today.month >= 7 else today.year - 1
    return date(year, 7, 1)


def _add_tariffs(session: Session, today: date) -> Prices:
    changed = last_tariff_change(today)
    before = changed.replace(year=changed.year - 1)
    prices: Prices = {}
    for spec in _demo()["tariffs"]:
        service, zone = spec["service"], spec.get("zone")
        old, new = Decimal(str(spec["before"])), Decimal(str(spec["since_change"]))
        for since, price in ((before, old), (changed, new)):
            session.add(
                UtilitiesTariff(
                    service=service, zone=zone, unit=_unit(service), price=price, effective_from=since
                )
            )
        prices[(service, zone)] = [(changed, new), (before, old)]
    return prices


def _price(prices: Prices, service: str, zone: Optional[str], period: date) -> Decimal:
    return next(price for since, price in prices[(service, zone)] if since <= period)


def _usage(meter: DemoMeter, period: date, rng: random.Random) -> Decimal:
    if meter.resource == "heating" and period.month not in HEATING_MONTHS:
        return Decimal("0")
    spread = Decimal(str(round(rng.uniform(0.8, 1.2), 2)))
    places = (
        Decimal("1")
        if meter.resource == "electricity"
        else Decimal("0.001")
        if meter.resource == "heating"
        else Decimal("0.1")
    )
    return (meter.monthly * spread).quantize(places)


def _charge(
    account: UtilitiesAccount,
    period: date,
    service: str,
    zone: Optional[str],
    quantity: Decimal,
    prices: Prices,
) -> UtilitiesCharge:
    price = _price(prices, service, zone, period)
    return UtilitiesCharge(
        account_id=account.id,
        period=period,
        service=service,
        zone=zone,
        quantity=quantity,
        unit=_unit(service),
        tariff=price,
        amount=rubles(quantity * price),
    )


def _add_account(
    session: Session, spec: DemoAccount, prices: Prices, today: date, rng: random.Random
) -> None:
    account = UtilitiesAccount(
        number=spec.number,
        address=spec.address,
        management_company=spec.company,
        area_m2=spec.area,
        holder_phone=spec.phone,
        failed_checks=0,
    )
    session.add(account)
    session.flush()
    first = clock.add_months(today, -MONTHS)
    meters = []
    for meter_spec in spec.meters:
        meter = UtilitiesMeter(
            account_id=account.id,
            resource=meter_spec.resource,
            zone=meter_spec.zone,
            place=meter_spec.place,
            serial_number=meter_spec.serial,
            digits=meter_spec.digits,
            last_reading=meter_spec.start,
            last_reading_on=first.replace(day=READING_DAY),
        )
        session.add(meter)
        meters.append((meter_spec, meter))
    session.flush()
    for _, meter in meters:
        session.add(
            UtilitiesReading(
                meter_id=meter.id, value=meter.last_reading, taken_on=meter.last_reading_on, channel="import"
            )
        )
    bills = []
    for offset in range(1, MONTHS):
        period = clock.add_months(first, offset)
        usage: Dict[Tuple[str, Optional[str]], Decimal] = {}
        for meter_spec, meter in meters:
            used = _usage(meter_spec, period, rng)
            meter.last_reading += used
            meter.last_reading_on = period.replace(day=READING_DAY)
            session.add(
                UtilitiesReading(
                    meter_id=meter.id,
                    value=meter.last_reading,
                    taken_on=meter.last_reading_on,
                    channel="import",
                )
            )
            key = (meter.resource, meter.zone)
            usage[key] = usage.get(key, Decimal("0")) + used
        lines = [
            _charge(account, period, resource, zone, used, prices) for (resource, zone), used in usage.items()
        ]
        water = usage.get(("cold_water", None), Decimal("0")) + usage.get(("hot_water", None), Decimal("0"))
        lines.append(_charge(account, period, "wastewater", None, water, prices))
        if ("heating", None) not in usage and period.month in HEATING_MONTHS:
            gcal = (spec.area * HEATING_NORM_GCAL_PER_M2).quantize(Decimal("0.001"))
            lines.append(_charge(account, period, "heating", None, gcal, prices))
        for fixed in ("maintenance", "major_repairs"):
            lines.append(_charge(account, period, fixed, None, spec.area, prices))
        session.add_all(lines)
        bills.append((period, sum((line.amount for line in lines), Decimal("0"))))
    for index, (period, total) in enumerate(bills[: len(bills) - spec.unpaid_months]):
        paid_on = clock.add_months(period, 1).replace(day=PAYMENT_DAY)
        extra = spec.extra_paid if index == len(bills) - 1 - spec.unpaid_months else Decimal("0")
        session.add(
            UtilitiesPayment(
                account_id=account.id,
                amount=total + extra,
                channel="bank",
                paid_at=datetime.combine(paid_on, datetime.min.time()).replace(hour=12),
            )
        )


def load_demo(session: Session) -> bool:
    """Fills empty tables; False (and nothing changes) if any account is already there."""
    if session.execute(select(UtilitiesAccount.id).limit(1)).first():
        return False
    today = clock.today()
    rng = random.Random(2024)
    prices = _add_tariffs(session, today)
    for spec in demo_accounts():
        _add_account(session, spec, prices, today, rng)
    session.flush()
    return True
