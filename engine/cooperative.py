"""The city cooperative as every skill sees it: who is a member, and the parameters its members decide.

A skill that reads a parameter declares it in its manifest (`parameters:` — title, unit, default, bounds, the words
residents use for it); a skill that decides them (governance) changes a value from a date with `set_parameter`.
Neither imports the other: both go through this module and its two tables.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Dict, List, Optional, Tuple

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.skills.manifest import ParameterSpec
from engine.store.base import utcnow
from engine.store.models import CooperativeMember, CooperativeParameter

_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def admit_member(session: Session, resident_id: int, *, since: date, source: str) -> bool:
    """Makes the resident a member from `since`; False when they already were (the earlier admission stays)."""
    insert = _INSERT[session.get_bind().dialect.name]
    result = session.execute(
        insert(CooperativeMember.__table__)
        .values(resident_id=resident_id, since=since, source=source)
        .on_conflict_do_nothing(index_elements=[CooperativeMember.resident_id])
    )
    return bool(result.rowcount)


def is_member(session: Session, resident_id: Optional[int], day: Optional[date] = None) -> bool:
    """Whether the resident is a member on the day (today by default)."""
    if resident_id is None:
        return False
    day = day or utcnow().date()
    return (
        session.execute(
            select(CooperativeMember.id).where(
                CooperativeMember.resident_id == resident_id, CooperativeMember.since <= day
            )
        ).first()
        is not None
    )


def member_ids(session: Session, day: Optional[date] = None) -> List[int]:
    """The residents who are members on the day, in the order they were admitted."""
    day = day or utcnow().date()
    return list(
        session.execute(
            select(CooperativeMember.resident_id)
            .where(CooperativeMember.since <= day)
            .order_by(CooperativeMember.since, CooperativeMember.id)
        ).scalars()
    )


def member_count(session: Session, day: Optional[date] = None) -> int:
    day = day or utcnow().date()
    return int(
        session.execute(
            select(func.count(CooperativeMember.id)).where(CooperativeMember.since <= day)
        ).scalar_one()
    )


def parameter_value(session: Session, name: str, day: Optional[date] = None) -> Decimal:
    """The parameter's value in force on the day (today by default): the latest set, else the declared default.

    Raises KeyError for a parameter no enabled skill declares and none ever set."""
    day = day or utcnow().date()
    value = session.execute(
        select(CooperativeParameter.value)
        .where(CooperativeParameter.name == name, CooperativeParameter.effective_from <= day)
        .order_by(CooperativeParameter.effective_from.desc())
        .limit(1)
    ).scalar_one_or_none()
    if value is not None:
        return Decimal(value)
    return declared_parameters()[name].default


def set_parameter(session: Session, name: str, value: Decimal, *, effective_from: date, source: str) -> None:
    """The parameter has `value` from `effective_from` on; a value set earlier for the same day is replaced."""
    insert = _INSERT[session.get_bind().dialect.name]
    statement = insert(CooperativeParameter.__table__).values(
        name=name, value=Decimal(value), effective_from=effective_from, source=source, created_at=utcnow()
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[CooperativeParameter.name, CooperativeParameter.effective_from],
            set_={
                "value": statement.excluded.value,
                "source": statement.excluded.source,
                "created_at": statement.excluded.created_at,
            },
        )
    )


def parameter_changes(session: Session, name: str) -> List[Tuple[date, Decimal, str]]:
    """Every (effective_from, value, source) of the parameter, oldest first."""
    rows = session.execute(
        select(CooperativeParameter.effective_from, CooperativeParameter.value, CooperativeParameter.source)
        .where(CooperativeParameter.name == name)
        .order_by(CooperativeParameter.effective_from)
    ).all()
    return [(row[0], Decimal(row[1]), row[2]) for row in rows]


def declared_parameters() -> Dict[str, ParameterSpec]:
    """{name: spec} of the parameters the enabled skills declare."""
    from engine.skills.discovery import enabled_packages

    return {spec.name: spec for package in enabled_packages() for spec in package.manifest.parameters}
