"""Demo data for an empty store: three flats with meters, a year of readings and bills, tariffs in rubles.

Dates are relative to today, so the demo always has "last month" to pay and readings to continue.
Accounts (the ownership answer is the last 4 digits of the holder's phone):
  1002003004  ул. Ленина, 15, кв. 42     phone ...4321  two water meters of each kind, two-zone electricity; last bill unpaid
  2003004005  ул. Гагарина, 7, кв. 3      phone ...7788  single meters and gas; two bills unpaid (debt)
  3004005006  пр. Мира, 101, кв. 17       phone ...2233  own heat meter, two-zone electricity; paid ahead (prepayment)
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Dict, List, Optional, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import clock
from .billing import rubles
from .models import UtilitiesAccount, UtilitiesCharge, UtilitiesMeter, UtilitiesPayment, UtilitiesReading, UtilitiesTariff

MONTHS = 12
HEATING_MONTHS = {1, 2, 3, 4, 10, 11, 12}
HEATING_NORM_GCAL_PER_M2 = Decimal("0.0165")
READING_DAY = 20
PAYMENT_DAY = 8

# (service, zone, unit, price a year before the last change, price since the last change)
TARIFFS = [
    ("cold_water", None, "м³", "51.90", "59.69"),
    ("hot_water", None, "м³", "272.40", "313.26"),
    ("wastewater", None, "м³", "38.70", "44.51"),
    ("electricity", None, "кВт·ч", "6.92", "7.96"),
    ("electricity", "day", "кВт·ч", "7.98", "9.18"),
    ("electricity", "night", "кВт·ч", "3.07", "3.53"),
    ("gas", None, "м³", "8.11", "9.33"),
    ("heating", None, "Гкал", "2900.50", "3335.58"),
    ("maintenance", None, "м²", "32.50", "35.80"),
    ("major_repairs", None, "м²", "24.00", "27.50"),
]


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


ACCOUNTS = (
    DemoAccount("1002003004", "ул. Ленина, 15, кв. 42", "УК «Уютный дом»", Decimal("54.3"), "+79123454321", (
        DemoMeter("cold_water", None, "кухня", "ВСХ-1534021", 5, Decimal("301.2"), Decimal("3.4")),
        DemoMeter("cold_water", None, "ванная", "ВСХ-1534022", 5, Decimal("180.7"), Decimal("2.6")),
        DemoMeter("hot_water", None, "кухня", "ВСГ-2203117", 5, Decimal("98.4"), Decimal("1.9")),
        DemoMeter("hot_water", None, "ванная", "ВСГ-2203118", 5, Decimal("77.0"), Decimal("1.5")),
        DemoMeter("electricity", "day", None, "Меркурий-201-7731", 6, Decimal("10210"), Decimal("185")),
        DemoMeter("electricity", "night", None, "Меркурий-201-7731", 6, Decimal("4150"), Decimal("92")),
    ), unpaid_months=1, extra_paid=Decimal("0")),
    DemoAccount("2003004005", "ул. Гагарина, 7, кв. 3", "ООО «ЖилСервис»", Decimal("38.0"), "+79035557788", (
        DemoMeter("cold_water", None, None, "ВСХ-0987345", 5, Decimal("512.0"), Decimal("4.8")),
        DemoMeter("hot_water", None, None, "ВСГ-0987346", 5, Decimal("260.3"), Decimal("2.7")),
        DemoMeter("electricity", None, None, "Нева-103-5521", 5, Decimal("23010"), Decimal("210")),
        DemoMeter("gas", None, None, "Гранд-1.6-44120", 5, Decimal("1402.5"), Decimal("11.5")),
    ), unpaid_months=2, extra_paid=Decimal("0")),
    DemoAccount("3004005006", "пр. Мира, 101, кв. 17", "ТСЖ «Мира 101»", Decimal("72.8"), "+79261112233", (
        DemoMeter("cold_water", None, None, "ВСХ-3345001", 5, Decimal("120.0"), Decimal("5.5")),
        DemoMeter("hot_water", None, None, "ВСГ-3345002", 5, Decimal("88.0"), Decimal("3.2")),
        DemoMeter("electricity", "day", None, "Энергомера-CE102-9001", 6, Decimal("5400"), Decimal("240")),
        DemoMeter("electricity", "night", None, "Энергомера-CE102-9001", 6, Decimal("2300"), Decimal("120")),
        DemoMeter("heating", None, None, "Пульсар-Т-7710", 4, Decimal("45.120"), Decimal("1.35")),
    ), unpaid_months=0, extra_paid=Decimal("5000")),
)


def last_tariff_change(today: date) -> date:
    """Tariffs change on 1 July: the latest 1 July not after today."""
    year = today.year if today.month >= 7 else today.year - 1
    return date(year, 7, 1)


def _add_tariffs(session: Session, today: date) -> Dict[Tuple[str, Optional[str]], List[Tuple[date, Decimal]]]:
    changed = last_tariff_change(today)
    before = changed.replace(year=changed.year - 1)
    prices: Dict[Tuple[str, Optional[str]], List[Tuple[date, Decimal]]] = {}
    for service, zone, unit, old, new in TARIFFS:
        for since, price in ((before, Decimal(old)), (changed, Decimal(new))):
            session.add(UtilitiesTariff(service=service, zone=zone, unit=unit, price=price, effective_from=since))
        prices[(service, zone)] = [(changed, Decimal(new)), (before, Decimal(old))]
    return prices


def _price(prices, service: str, zone: Optional[str], period: date) -> Decimal:
    return next(price for since, price in prices[(service, zone)] if since <= period)


def _usage(meter: DemoMeter, period: date, rng: random.Random) -> Decimal:
    if meter.resource == "heating" and period.month not in HEATING_MONTHS:
        return Decimal("0")
    spread = Decimal(str(round(rng.uniform(0.8, 1.2), 2)))
    places = Decimal("1") if meter.resource == "electricity" else Decimal("0.001") if meter.resource == "heating" else Decimal("0.1")
    return (meter.monthly * spread).quantize(places)


def _charge(account: UtilitiesAccount, period: date, service: str, zone, quantity: Decimal, unit: str, price) -> UtilitiesCharge:
    return UtilitiesCharge(account_id=account.id, period=period, service=service, zone=zone, quantity=quantity,
                           unit=unit, tariff=price, amount=rubles(quantity * price))


def _add_account(session: Session, spec: DemoAccount, prices, today: date, rng: random.Random) -> None:
    account = UtilitiesAccount(number=spec.number, address=spec.address, management_company=spec.company,
                               area_m2=spec.area, holder_phone=spec.phone, failed_checks=0)
    session.add(account)
    session.flush()
    first = clock.add_months(today, -MONTHS)
    meters = []
    for meter_spec in spec.meters:
        meter = UtilitiesMeter(account_id=account.id, resource=meter_spec.resource, zone=meter_spec.zone,
                               place=meter_spec.place, serial_number=meter_spec.serial, digits=meter_spec.digits,
                               last_reading=meter_spec.start, last_reading_on=first.replace(day=READING_DAY))
        session.add(meter)
        meters.append((meter_spec, meter))
    session.flush()
    for _, meter in meters:
        session.add(UtilitiesReading(meter_id=meter.id, value=meter.last_reading, taken_on=meter.last_reading_on,
                                     channel="import"))
    bills = []
    for offset in range(1, MONTHS):
        period = clock.add_months(first, offset)
        usage: Dict[Tuple[str, Optional[str]], Decimal] = {}
        for meter_spec, meter in meters:
            used = _usage(meter_spec, period, rng)
            meter.last_reading += used
            meter.last_reading_on = period.replace(day=READING_DAY)
            session.add(UtilitiesReading(meter_id=meter.id, value=meter.last_reading, taken_on=meter.last_reading_on,
                                         channel="import"))
            key = (meter.resource, meter.zone)
            usage[key] = usage.get(key, Decimal("0")) + used
        lines = [
            _charge(account, period, resource, zone, used, _unit(resource), _price(prices, resource, zone, period))
            for (resource, zone), used in usage.items()
        ]
        water = usage.get(("cold_water", None), Decimal("0")) + usage.get(("hot_water", None), Decimal("0"))
        lines.append(_charge(account, period, "wastewater", None, water, "м³", _price(prices, "wastewater", None, period)))
        if ("heating", None) not in usage and period.month in HEATING_MONTHS:
            gcal = (spec.area * HEATING_NORM_GCAL_PER_M2).quantize(Decimal("0.001"))
            lines.append(_charge(account, period, "heating", None, gcal, "Гкал", _price(prices, "heating", None, period)))
        for fixed in ("maintenance", "major_repairs"):
            lines.append(_charge(account, period, fixed, None, spec.area, "м²", _price(prices, fixed, None, period)))
        session.add_all(lines)
        bills.append((period, sum((line.amount for line in lines), Decimal("0"))))
    for index, (period, total) in enumerate(bills[: len(bills) - spec.unpaid_months]):
        paid_on = clock.add_months(period, 1).replace(day=PAYMENT_DAY)
        extra = spec.extra_paid if index == len(bills) - 1 - spec.unpaid_months else Decimal("0")
        session.add(UtilitiesPayment(account_id=account.id, amount=total + extra, channel="bank",
                                     paid_at=datetime.combine(paid_on, datetime.min.time()).replace(hour=12)))


def _unit(resource: str) -> str:
    return {"electricity": "кВт·ч", "heating": "Гкал"}.get(resource, "м³")


def load_demo(session: Session) -> bool:
    """Fills empty tables; False (and nothing changes) if any account is already there."""
    if session.execute(select(UtilitiesAccount.id).limit(1)).first():
        return False
    today = clock.today()
    rng = random.Random(2024)
    prices = _add_tariffs(session, today)
    for spec in ACCOUNTS:
        _add_account(session, spec, prices, today, rng)
    session.flush()
    return True
