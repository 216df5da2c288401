"""The cooperative's members and parameters in the shared store (engine/cooperative.py), on SQLite and PostgreSQL."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from engine.cooperative import (
    admit_member,
    declared_parameters,
    is_member,
    member_count,
    member_ids,
    parameter_changes,
    parameter_value,
    set_parameter,
)
from engine.store import session_scope
from engine.store.models import CooperativeMember, Resident
from engine.testing import at_once, meeting_after

JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)


def _residents(count: int):
    with session_scope() as session:
        residents = [Resident() for _ in range(count)]
        session.add_all(residents)
        session.flush()
        return [r.id for r in residents]


def test_a_member_counts_from_the_day_admitted_and_is_admitted_once(store):
    first, second, outsider = _residents(3)
    with session_scope() as session:
        assert admit_member(session, first, since=JAN, source="test") is True
        assert admit_member(session, second, since=FEB, source="test") is True
        assert admit_member(session, first, since=MAR, source="again") is False
    with session_scope() as session:
        assert is_member(session, first, JAN) and not is_member(session, second, JAN)
        assert is_member(session, second, FEB) and not is_member(session, outsider, MAR)
        assert not is_member(session, None)
        assert (member_count(session, JAN), member_count(session, MAR)) == (1, 2)
        assert member_ids(session, MAR) == [first, second]
        since = session.execute(
            select(CooperativeMember.since).where(CooperativeMember.resident_id == first)
        ).scalar_one()
    assert since == JAN


def test_admitting_the_same_resident_at_once_makes_one_member(store):
    (resident,) = _residents(1)

    def admit(_):
        with session_scope() as session:
            return admit_member(session, resident, since=JAN, source="race")

    assert sorted(at_once(meeting_after(admit, 6), range(6))) == [False] * 5 + [True]
    with session_scope() as session:
        assert session.execute(select(func.count(CooperativeMember.id))).scalar_one() == 1


def test_the_value_in_force_is_the_latest_set_not_after_the_day(store):
    with session_scope() as session:
        set_parameter(session, "commission_percent", Decimal("10"), effective_from=JAN, source="demo")
        set_parameter(session, "commission_percent", Decimal("7"), effective_from=MAR, source="vote 1")
    with session_scope() as session:
        assert parameter_value(session, "commission_percent", FEB) == Decimal("10")
        assert parameter_value(session, "commission_percent", MAR) == Decimal("7")
        # set again for the same day: replaced, not doubled
        set_parameter(session, "commission_percent", Decimal("8"), effective_from=MAR, source="vote 2")
    with session_scope() as session:
        assert parameter_changes(session, "commission_percent") == [
            (JAN, Decimal("10.00"), "demo"),
            (MAR, Decimal("8.00"), "vote 2"),
        ]


def test_before_any_value_the_declared_default_applies_and_an_unknown_name_is_an_error(store):
    spec = declared_parameters()["commission_percent"]
    assert (spec.skill, spec.unit, spec.minimum <= spec.default <= spec.maximum) == ("marketplace", "%", True)
    with session_scope() as session:
        assert parameter_value(session, "commission_percent", JAN) == spec.default
        with pytest.raises(KeyError):
            parameter_value(session, "no_such_parameter", JAN)
