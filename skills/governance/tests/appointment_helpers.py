"""What the appointment tests share: the demo on SQLite for conversations (the store's own behaviour on both kinds
of store is test_reception.py's), the slot names, and reading who holds which slot."""

from datetime import date

import pytest
from sqlalchemy import select

from engine.sdk import clock, session_scope
from engine.testing import scheduled_notifications
from skills.governance import reception
from skills.governance.actions.appointment import ActionGovAppointmentDone
from skills.governance.models import Slot

from .conftest import load_demo
from .helpers import act, resident

INSTITUTION, SERVICE, DAY, TIME = "gov_institution", "gov_service", "gov_visit_day", "gov_visit_time"
CONFIRM, HELD, NEAR = "gov_appointment_confirm", "gov_appointment_held", "gov_visit_near"
MONDAY, TUESDAY, SUNDAY = "2026-11-23", "2026-11-24", "2026-11-22"


@pytest.fixture
def sqlite_demo(sqlite_store, store_templates, frozen_clock):
    store_templates.prepared(sqlite_store, "governance-demo", load_demo)
    return sqlite_store


def entity(name, value):
    return {"entity": name, "value": value}


def service_id(code, title):
    with session_scope() as session:
        institution = reception.institution_by_code(session, code)
        return str(next(s.id for s in reception.services_of(session, institution.id) if s.title == title))


def passport():
    return service_id("mfc", "Паспорт РФ: получение и замена")


def ready(day=TUESDAY, hour="10:20"):
    """The slots of a form about to confirm a passport at the MFC."""
    return {INSTITUTION: "mfc", SERVICE: passport(), DAY: day, TIME: hour}


def done(slots, sender="resident-1"):
    """The booking form's done action after a yes."""
    return act(ActionGovAppointmentDone(), "да", "affirm", slots={**slots, CONFIRM: True}, sender=sender)


def reminders(status="pending"):
    """The appointment reminders (other parts of the skill schedule their own notifications)."""
    return [n for n in scheduled_notifications(status) if n[1].startswith("appointment_")]


def slots_at(code, day, hour):
    """The slot ids of the institution's desks at that local day and hour, by desk."""
    moment = clock.local_moment(date.fromisoformat(day), *map(int, hour.split(":")))
    with session_scope() as session:
        institution = reception.institution_by_code(session, code)
        return list(
            session.execute(
                select(Slot.id)
                .where(Slot.institution_id == institution.id, Slot.starts_at == moment)
                .order_by(Slot.desk)
            ).scalars()
        )


def holder(slot_id):
    with session_scope() as session:
        return session.get(Slot, int(slot_id)).resident_id


def holders(day, hour, code="mfc"):
    """Who holds each desk of the institution at that local time."""
    return [holder(slot) for slot in slots_at(code, day, hour)]


def take_every_desk(day, hour, code="mfc"):
    """Other residents book every desk at that time."""
    for desk, slot in enumerate(slots_at(code, day, hour)):
        with session_scope() as session:
            service = reception.services_of(session, reception.institution_by_code(session, code).id)[0]
        other = resident(f"other-{day}-{hour}-{desk}")
        with session_scope() as session:
            reception.book(session, other, slot, service.id)


def mine(sender="me"):
    """{institution code: slot id} of the resident's appointments."""
    holder_id = resident(sender)
    with session_scope() as session:
        return {a.code: str(a.slot_id) for a in reception.appointments_of(session, holder_id)}
