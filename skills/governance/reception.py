"""Appointments at city institutions: their services, booking, cancelling and moving, one's appointments.

A slot is one visit at one desk (reception_hours.py makes them, reception_times.py finds the free ones). Booking is a
conditional `UPDATE ... WHERE resident_id IS NULL`, so two residents never get one slot, however many ask at once;
a resident holds at most one future appointment per institution. On PostgreSQL a resident's bookings, moves and
cancellations run one after another (a transaction-scoped advisory lock on the resident), so two requests of one
resident cannot both pass that check; on SQLite the check is part of the UPDATE itself, which is atomic there.
Moving books the new slot and frees the old one in the same transaction: when the new one is gone, nothing changes.

Times: `now` and `starts_at` arguments are aware (any zone) or naive UTC as the store keeps them; days are local.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, List, Optional

from sqlalchemy import exists, select, text, update
from sqlalchemy.orm import Session, aliased

from engine.sdk import clock, record_id, resident_for

from .models import Institution, InstitutionService, Slot
from .reception_hours import hours_text, open_reception, read_schedule, reception_days
from .reception_times import store_moment

BOOKED, ALREADY, HELD, TAKEN, GONE, CANCELLED, MOVED = (
    "booked",
    "already",
    "held",
    "taken",
    "gone",
    "cancelled",
    "moved",
)
HORIZON_DAYS = 14  # how far ahead the demo opens reception
CODE = re.compile(r"[a-z0-9_]{1,32}")  # an institution's code, as the column keeps it
LOCK_SPACE = 0x676F76  # the first key of the residents' advisory locks on PostgreSQL ("gov")
DEMO_CHANNEL = "rest"


@dataclass(frozen=True)
class Appointment:
    """A booked slot as the resident hears of it; `starts_at` is aware, in the assistant's time zone."""

    slot_id: int
    starts_at: datetime
    institution_id: int
    code: str
    institution: str
    address: str
    service_id: Optional[int]
    service: str


@dataclass(frozen=True)
class Outcome:
    """What a booking, move or cancellation did; `appointment` is the one now held (or the one in the way)."""

    status: str
    appointment: Optional[Appointment] = None


def _lock_resident(session: Session, resident: int) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(:space, :resident)"),
            {"space": LOCK_SPACE, "resident": resident},
        )


# ---- institutions and services ----


def institutions(session: Session) -> List[Institution]:
    return list(session.execute(select(Institution).order_by(Institution.id)).scalars())


def institution_by_code(session: Session, code: Any) -> Optional[Institution]:
    """The institution by its code ("mfc"); None for anything that is no code (a typed payload)."""
    if not CODE.fullmatch(str(code or "")):
        return None
    return session.execute(select(Institution).where(Institution.code == str(code))).scalar_one_or_none()


def services_of(session: Session, institution_id: int) -> List[InstitutionService]:
    return list(
        session.execute(
            select(InstitutionService)
            .where(InstitutionService.institution_id == institution_id)
            .order_by(InstitutionService.id)
        ).scalars()
    )


def service_of(session: Session, institution_id: int, service_id: Any) -> Optional[InstitutionService]:
    """The institution's service by its id; None for another institution's (a typed payload) or an unknown one."""
    number = record_id(service_id)
    service = session.get(InstitutionService, number) if number is not None else None
    return service if service is not None and service.institution_id == institution_id else None


# ---- the resident's appointments ----


def _appointments(session: Session, *conditions: Any) -> List[Appointment]:
    rows = session.execute(
        select(Slot, Institution, InstitutionService)
        .join(Institution, Institution.id == Slot.institution_id)
        .outerjoin(InstitutionService, InstitutionService.id == Slot.service_id)
        .where(*conditions)
        .order_by(Slot.starts_at, Slot.id)
    ).all()
    return [
        Appointment(
            slot_id=slot.id,
            starts_at=clock.to_local(slot.starts_at),
            institution_id=institution.id,
            code=institution.code,
            institution=institution.title,
            address=institution.address,
            service_id=service.id if service else None,
            service=service.title if service else "",
        )
        for slot, institution, service in rows
    ]


def appointments_of(session: Session, resident: int, now: Optional[datetime] = None) -> List[Appointment]:
    """The resident's future appointments, soonest first."""
    return _appointments(session, Slot.resident_id == resident, Slot.starts_at > store_moment(now))


def appointment_of(
    session: Session, resident: int, slot_id: Any, now: Optional[datetime] = None
) -> Optional[Appointment]:
    """The resident's own future appointment in that slot; None for another's, a past or an unknown one."""
    number = record_id(slot_id)
    if number is None:
        return None
    found = _appointments(
        session,
        Slot.id == number,
        Slot.resident_id == resident,
        Slot.starts_at > store_moment(now),
    )
    return found[0] if found else None


def held_at(
    session: Session, resident: int, institution_id: int, now: Optional[datetime] = None
) -> Optional[Appointment]:
    """The resident's future appointment at the institution (at most one), if any."""
    found = _appointments(
        session,
        Slot.resident_id == resident,
        Slot.institution_id == institution_id,
        Slot.starts_at > store_moment(now),
    )
    return found[0] if found else None


# ---- booking, cancelling, moving ----


def book(
    session: Session, resident: int, slot_id: int, service_id: int, now: Optional[datetime] = None
) -> Outcome:
    """Books the slot for the resident: BOOKED; ALREADY when the resident holds this very time there (a second
    confirmation); HELD when they hold another appointment at the institution; TAKEN when someone was first;
    GONE for a past or unknown slot, or a service of another institution.

    One conditional UPDATE decides, every condition in it (the slot free and ahead, the service the institution's,
    no other future visit of the resident there); only a refused booking reads why."""
    at = store_moment(now)
    _lock_resident(session, resident)
    other = aliased(Slot)
    holds_one = exists().where(
        other.resident_id == resident, other.institution_id == Slot.institution_id, other.starts_at > at
    )
    offered = exists().where(
        InstitutionService.id == int(service_id), InstitutionService.institution_id == Slot.institution_id
    )
    result = session.execute(
        update(Slot)
        .where(Slot.id == slot_id, Slot.resident_id.is_(None), Slot.starts_at > at, offered, ~holds_one)
        .values(resident_id=resident, service_id=int(service_id), booked_at=clock.to_store(clock.now()))
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:
        return Outcome(BOOKED, appointment_of(session, resident, slot_id, at))
    return _refused(session, resident, slot_id, service_id, at)


def _refused(session: Session, resident: int, slot_id: int, service_id: int, at: datetime) -> Outcome:
    """Why a booking was refused (see `book`)."""
    slot = session.get(Slot, slot_id, populate_existing=True)
    if slot is None or slot.starts_at <= at or service_of(session, slot.institution_id, service_id) is None:
        return Outcome(GONE)
    held = held_at(session, resident, slot.institution_id, at)
    if held is not None:
        same_time = clock.to_store(held.starts_at) == slot.starts_at
        return Outcome(ALREADY if same_time else HELD, held)
    return Outcome(TAKEN)


def _free_slot_ids(session: Session, institution_id: int, starts_at: datetime) -> List[int]:
    return list(
        session.execute(
            select(Slot.id)
            .where(
                Slot.institution_id == institution_id,
                Slot.starts_at == clock.to_store(starts_at),
                Slot.resident_id.is_(None),
            )
            .order_by(Slot.desk)
        ).scalars()
    )


def book_at(
    session: Session,
    resident: int,
    institution_id: int,
    starts_at: datetime,
    service_id: int,
    now: Optional[datetime] = None,
) -> Outcome:
    """Books any free desk of the institution at that time (as `book`); TAKEN when every desk is taken."""
    for slot_id in _free_slot_ids(session, institution_id, starts_at):
        outcome = book(session, resident, slot_id, service_id, now)
        if outcome.status != TAKEN:
            return outcome
    held = held_at(session, resident, institution_id, now)
    if held is not None:
        same_time = clock.to_store(held.starts_at) == clock.to_store(starts_at)
        return Outcome(ALREADY if same_time else HELD, held)
    return Outcome(TAKEN)


def cancel(session: Session, resident: int, slot_id: int, now: Optional[datetime] = None) -> Outcome:
    """Frees the resident's own future appointment: CANCELLED with what it was, or GONE (not theirs, past, or
    cancelled already)."""
    at = store_moment(now)
    _lock_resident(session, resident)
    appointment = appointment_of(session, resident, slot_id, at)
    if appointment is None:
        return Outcome(GONE)
    result = session.execute(
        update(Slot)
        .where(Slot.id == appointment.slot_id, Slot.resident_id == resident, Slot.starts_at > at)
        .values(resident_id=None, service_id=None, booked_at=None)
        .execution_options(synchronize_session=False)
    )
    return Outcome(CANCELLED, appointment) if result.rowcount == 1 else Outcome(GONE)


def move(
    session: Session, resident: int, old_slot_id: int, new_slot_id: int, now: Optional[datetime] = None
) -> Outcome:
    """Moves the resident's appointment to another slot of the same institution in one transaction: MOVED with
    the new appointment; TAKEN when the new slot went to someone else (the old one stays); ALREADY when it is the
    same time; GONE when the old one is not theirs any more or the new one is past or elsewhere."""
    at = store_moment(now)
    _lock_resident(session, resident)
    old = appointment_of(session, resident, old_slot_id, at)
    new = session.get(Slot, new_slot_id)
    if old is None or new is None or new.institution_id != old.institution_id or new.starts_at <= at:
        return Outcome(GONE, old)
    if clock.to_store(old.starts_at) == new.starts_at:
        return Outcome(ALREADY, old)
    taken = session.execute(
        update(Slot)
        .where(Slot.id == new_slot_id, Slot.resident_id.is_(None), Slot.starts_at > at)
        .values(resident_id=resident, service_id=old.service_id, booked_at=clock.to_store(clock.now()))
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        return Outcome(TAKEN, old)
    session.execute(
        update(Slot)
        .where(Slot.id == old.slot_id, Slot.resident_id == resident)
        .values(resident_id=None, service_id=None, booked_at=None)
        .execution_options(synchronize_session=False)
    )
    return Outcome(MOVED, appointment_of(session, resident, new_slot_id, at))


def move_at(
    session: Session, resident: int, old_slot_id: int, starts_at: datetime, now: Optional[datetime] = None
) -> Outcome:
    """Moves the appointment to any free desk of its institution at that time (as `move`)."""
    old = appointment_of(session, resident, old_slot_id, now)
    if old is None:
        return Outcome(GONE)
    for slot_id in _free_slot_ids(session, old.institution_id, starts_at):
        outcome = move(session, resident, old_slot_id, slot_id, now)
        if outcome.status != TAKEN:
            return outcome
    same_time = clock.to_store(old.starts_at) == clock.to_store(starts_at)
    return Outcome(ALREADY if same_time else TAKEN, old)


# ---- demo ----


def seed_demo(session: Session, data: List[Any], today: date) -> None:
    """The institutions of demo.yml with their services, HORIZON_DAYS of reception from `today`, and the visits
    demo residents booked already (`booked`: a sender, the n-th reception day after today, a time, a service)."""
    for entry in data:
        schedule = read_schedule(entry)
        institution = Institution(
            code=entry["code"],
            title=entry["title"],
            address=entry["address"],
            hours=hours_text(schedule),
            visit_minutes=schedule.visit_minutes,
        )
        session.add(institution)
        session.flush()
        services = {}
        for item in entry["services"]:
            service = InstitutionService(
                institution_id=institution.id,
                code=item["code"],
                title=item["title"],
                minutes=int(item.get("minutes") or schedule.visit_minutes),
                keywords=" ".join(item.get("keywords") or []),
            )
            session.add(service)
            services[item["code"]] = service
        session.flush()
        open_reception(session, institution.id, schedule, today, HORIZON_DAYS)
        for visit in entry.get("booked") or []:
            day = reception_days(schedule, today, int(visit["day"]))[-1]
            hours, minutes = (int(part) for part in str(visit["time"]).split(":"))
            resident = resident_for(session, DEMO_CHANNEL, str(visit["sender"]))
            session.execute(
                update(Slot)
                .where(
                    Slot.institution_id == institution.id,
                    Slot.desk == int(visit.get("desk") or 1),
                    Slot.starts_at == clock.local_moment(day, hours, minutes),
                )
                .values(
                    resident_id=resident,
                    service_id=services[visit["service"]].id,
                    booked_at=clock.to_store(clock.now()),
                )
                .execution_options(synchronize_session=False)
            )
