"""Money on an account: balance, monthly charges and what changed, tariffs, consumption statistics."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from statistics import median
from typing import Dict, List, Optional, Tuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import clock
from .models import UtilitiesAccount, UtilitiesCharge, UtilitiesMeter, UtilitiesPayment, UtilitiesReading, UtilitiesTariff
from .texts import day_month, money, number, service_name

CENT = Decimal("0.01")
ZERO = Decimal("0")
DUE_DAY = 10  # a month's bill is due by the 10th of the next month
NOTABLE_CHANGE = Decimal("0.05")  # a service's sum that moved by less than 5% is not worth explaining


def rubles(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Balance:
    due: Decimal  # to pay now (0 if nothing is owed)
    debt: Decimal  # the part of `due` left over from earlier months
    prepayment: Decimal
    last_period: Optional[date]
    due_date: Optional[date]


def latest_period(session: Session, account: UtilitiesAccount) -> Optional[date]:
    return session.execute(
        select(func.max(UtilitiesCharge.period)).where(UtilitiesCharge.account_id == account.id)
    ).scalar_one_or_none()


def balance_of(session: Session, account: UtilitiesAccount) -> Balance:
    charged = session.execute(
        select(func.coalesce(func.sum(UtilitiesCharge.amount), 0)).where(UtilitiesCharge.account_id == account.id)
    ).scalar_one()
    paid = session.execute(
        select(func.coalesce(func.sum(UtilitiesPayment.amount), 0)).where(UtilitiesPayment.account_id == account.id)
    ).scalar_one()
    saldo = rubles(Decimal(str(charged)) - Decimal(str(paid)))
    period = latest_period(session, account)
    last_bill = sum((c.amount for c in charges_for(session, account, period)), ZERO) if period else ZERO
    return Balance(
        due=max(saldo, ZERO),
        debt=max(saldo - rubles(last_bill), ZERO),
        prepayment=max(-saldo, ZERO),
        last_period=period,
        due_date=clock.add_months(period, 1).replace(day=DUE_DAY) if period else None,
    )


def charges_for(session: Session, account: UtilitiesAccount, period: Optional[date]) -> List[UtilitiesCharge]:
    if period is None:
        return []
    return list(
        session.execute(
            select(UtilitiesCharge)
            .where(UtilitiesCharge.account_id == account.id, UtilitiesCharge.period == period)
            .order_by(UtilitiesCharge.id)
        ).scalars()
    )


def charge_line(charge: UtilitiesCharge) -> str:
    name = service_name(charge.service, charge.zone)
    if charge.service in ("maintenance", "major_repairs"):
        detail = f"{number(charge.quantity)} м² × {money(charge.tariff)}"
    else:
        detail = f"{number(charge.quantity)} {charge.unit} × {money(charge.tariff)}"
    return f"• {name}: {detail} = {money(charge.amount)}"


def explain_changes(current: List[UtilitiesCharge], previous: List[UtilitiesCharge]) -> List[str]:
    """Plain words for each service whose sum moved notably: more used, a new tariff, or a new item."""
    before = {(c.service, c.zone): c for c in previous}
    lines = []
    for charge in current:
        old = before.get((charge.service, charge.zone))
        name = service_name(charge.service, charge.zone).capitalize()
        if old is None or old.amount == 0:
            if charge.amount > 0:
                lines.append(f"{name}: начисление появилось в этом месяце ({money(charge.amount)}).")
            continue
        change = charge.amount - old.amount
        if abs(change) < old.amount * NOTABLE_CHANGE:
            continue
        reasons = []
        if charge.tariff != old.tariff:
            reasons.append(f"тариф {'вырос' if charge.tariff > old.tariff else 'снизился'} "
                           f"с {money(old.tariff)} до {money(charge.tariff)}")
        if charge.quantity != old.quantity and charge.service not in ("maintenance", "major_repairs"):
            reasons.append(f"расход {'больше' if charge.quantity > old.quantity else 'меньше'}: "
                           f"{number(charge.quantity)} {charge.unit} против {number(old.quantity)}")
        verb = "выросло" if change > 0 else "уменьшилось"
        because = f" — {', '.join(reasons)}" if reasons else ""
        lines.append(f"{name}: {verb} на {money(abs(change))}{because}.")
    return lines


def current_tariff(session: Session, service: str, zone: Optional[str], on: date) -> Optional[UtilitiesTariff]:
    return session.execute(
        select(UtilitiesTariff)
        .where(UtilitiesTariff.service == service, UtilitiesTariff.zone.is_(zone) if zone is None
               else UtilitiesTariff.zone == zone, UtilitiesTariff.effective_from <= on)
        .order_by(UtilitiesTariff.effective_from.desc())
        .limit(1)
    ).scalar_one_or_none()


def tariff_histories(session: Session, on: date) -> Dict[Tuple[str, Optional[str]], List[UtilitiesTariff]]:
    """Tariffs in force by `on` per (service, zone), newest first."""
    histories: Dict[Tuple[str, Optional[str]], List[UtilitiesTariff]] = defaultdict(list)
    rows = session.execute(
        select(UtilitiesTariff).where(UtilitiesTariff.effective_from <= on).order_by(UtilitiesTariff.effective_from.desc())
    ).scalars()
    for tariff in rows:
        histories[(tariff.service, tariff.zone)].append(tariff)
    return dict(histories)


def tariff_line(history: List[UtilitiesTariff]) -> str:
    latest = history[0]
    line = f"• {service_name(latest.service, latest.zone)}: {money(latest.price)} за {latest.unit}"
    if len(history) > 1:
        before = history[1]
        percent = (latest.price - before.price) / before.price * 100
        line += (f" (с {day_month(latest.effective_from)} {latest.effective_from.year}, было {money(before.price)}, "
                 f"{'+' if percent >= 0 else ''}{percent:.1f}%)".replace(".", ","))
    return line


def monthly_consumptions(session: Session, meter: UtilitiesMeter) -> List[Decimal]:
    values = list(
        session.execute(
            select(UtilitiesReading.value).where(UtilitiesReading.meter_id == meter.id).order_by(UtilitiesReading.taken_on)
        ).scalars()
    )
    return [Decimal(b) - Decimal(a) for a, b in zip(values, values[1:])][-12:]


def median_consumption(session: Session, meter: UtilitiesMeter) -> Optional[Decimal]:
    usage = monthly_consumptions(session, meter)
    return Decimal(median(usage)) if usage else None


def expected_charge(session: Session, meter: UtilitiesMeter, consumption: Decimal, on: date) -> Optional[Decimal]:
    tariff = current_tariff(session, meter.resource, meter.zone, on)
    return rubles(consumption * tariff.price) if tariff else None
