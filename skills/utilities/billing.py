"""Money on an account: balance, monthly charges and what changed, tariffs, consumption statistics."""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from statistics import median
from typing import Dict, List, Optional, Tuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import clock
from .models import (
    UtilitiesAccount,
    UtilitiesCharge,
    UtilitiesMeter,
    UtilitiesPayment,
    UtilitiesReading,
    UtilitiesTariff,
)

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
        select(func.coalesce(func.sum(UtilitiesCharge.amount), 0)).where(
            UtilitiesCharge.account_id == account.id
        )
    ).scalar_one()
    paid = session.execute(
        select(func.coalesce(func.sum(UtilitiesPayment.amount), 0)).where(
            UtilitiesPayment.account_id == account.id
        )
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


PER_AREA_SERVICES = frozenset(
    {"maintenance", "major_repairs"}
)  # charged per m² of the flat, not by consumption


@dataclass(frozen=True)
class ChargeChange:
    """A service whose sum moved notably since last month, and why: the tariff, the consumption, or a new item."""

    charge: UtilitiesCharge
    difference: Decimal  # this month's sum minus last month's
    is_new: bool  # nothing (or zero) was charged for it last month
    tariff_before: Optional[Decimal] = None  # set when the tariff changed
    quantity_before: Optional[Decimal] = None  # set when the consumption changed (never for per-m² items)


def explain_changes(current: List[UtilitiesCharge], previous: List[UtilitiesCharge]) -> List[ChargeChange]:
    """Each service whose sum moved notably: more used, a new tariff, or a new item."""
    before = {(c.service, c.zone): c for c in previous}
    changes = []
    for charge in current:
        old = before.get((charge.service, charge.zone))
        if old is None or old.amount == 0:
            if charge.amount > 0:
                changes.append(ChargeChange(charge, charge.amount, is_new=True))
            continue
        difference = charge.amount - old.amount
        if abs(difference) < old.amount * NOTABLE_CHANGE:
            continue
        by_use = charge.quantity != old.quantity and charge.service not in PER_AREA_SERVICES
        changes.append(
            ChargeChange(
                charge,
                difference,
                is_new=False,
                tariff_before=old.tariff if charge.tariff != old.tariff else None,
                quantity_before=old.quantity if by_use else None,
            )
        )
    return changes


def current_tariff(
    session: Session, service: str, zone: Optional[str], on: date
) -> Optional[UtilitiesTariff]:
    return session.execute(
        select(UtilitiesTariff)
        .where(
            UtilitiesTariff.service == service,
            UtilitiesTariff.zone.is_(zone) if zone is None else UtilitiesTariff.zone == zone,
            UtilitiesTariff.effective_from <= on,
        )
        .order_by(UtilitiesTariff.effective_from.desc())
        .limit(1)
    ).scalar_one_or_none()


def tariff_histories(session: Session, on: date) -> Dict[Tuple[str, Optional[str]], List[UtilitiesTariff]]:
    """Tariffs in force by `on` per (service, zone), newest first."""
    histories: Dict[Tuple[str, Optional[str]], List[UtilitiesTariff]] = defaultdict(list)
    rows = session.execute(
        select(UtilitiesTariff)
        .where(UtilitiesTariff.effective_from <= on)
        .order_by(UtilitiesTariff.effective_from.desc())
    ).scalars()
    for tariff in rows:
        histories[(tariff.service, tariff.zone)].append(tariff)
    return dict(histories)


def percent_change(before: Decimal, after: Decimal) -> Decimal:
    return (after - before) / before * 100


def monthly_consumptions(session: Session, meter: UtilitiesMeter) -> List[Decimal]:
    values = list(
        session.execute(
            select(UtilitiesReading.value)
            .where(UtilitiesReading.meter_id == meter.id)
            .order_by(UtilitiesReading.taken_on)
        ).scalars()
    )
    return [Decimal(b) - Decimal(a) for a, b in itertools.pairwise(values)][-12:]


def median_consumption(session: Session, meter: UtilitiesMeter) -> Optional[Decimal]:
    usage = monthly_consumptions(session, meter)
    return Decimal(median(usage)) if usage else None


def expected_charge(
    session: Session, meter: UtilitiesMeter, consumption: Decimal, on: date
) -> Optional[Decimal]:
    tariff = current_tariff(session, meter.resource, meter.zone, on)
    return rubles(consumption * tariff.price) if tariff else None
