"""Booking under concurrent requests: N threads race for M reception slots of the governance skill, on SQLite and
on PostgreSQL (the server of TEST_POSTGRES_URL, by default the local one of the tests), in process.

Each thread is a resident who wants one visit at each of INSTITUTIONS institutions; at each, it reads the free
slots (as the time question does) and books one of them at random, one unit of work per attempt (as the booking
form's done action does), until it holds one or none is left. With fewer slots than the residents want, many
attempts race for a slot someone else is taking at that moment. Prints bookings and attempts per second, and checks what must hold whatever
the interleaving: every booking reported is the resident's in the store, no slot went to two residents, no
resident holds two visits at one institution, and every slot ended up taken.

    PYTHONPATH=. .venv/bin/python bench/appointment_booking.py [threads] [slots]
"""

import os
import random
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Dict, List, Tuple

from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.orm import Session

THREADS = int(sys.argv[1]) if len(sys.argv) > 1 else 32
SLOTS = int(sys.argv[2]) if len(sys.argv) > 2 else 96
INSTITUTIONS = 4
POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def prepare(url: str) -> Tuple[Dict[int, int], List[int], List[int]]:
    """A migrated store with INSTITUTIONS institutions sharing SLOTS slots tomorrow: {institution: service},
    the slot ids and THREADS residents."""
    from engine.sdk import resident_for, session_scope
    from engine.store.db import dispose_engines
    from engine.store.migrate import upgrade
    from skills.governance.models import Institution, InstitutionService, Slot

    os.environ["DATABASE_URL"] = url
    dispose_engines()
    upgrade(url)
    tomorrow = datetime.now(timezone.utc).replace(tzinfo=None, hour=6, minute=0, second=0, microsecond=0)
    tomorrow += timedelta(days=1)
    services: Dict[int, int] = {}
    with session_scope() as session:
        for n in range(INSTITUTIONS):
            institution = Institution(
                code=f"bench_{n}", title=f"bench {n}", address="-", hours="-", visit_minutes=15
            )
            session.add(institution)
            session.flush()
            service = InstitutionService(
                institution_id=institution.id, code="visit", title="visit", minutes=15, keywords=""
            )
            session.add(service)
            session.flush()
            services[institution.id] = service.id
        ids = list(services)
        rows = [
            {
                "institution_id": ids[n % INSTITUTIONS],
                "desk": 1 + n // (INSTITUTIONS * 40),
                "starts_at": tomorrow + timedelta(minutes=15 * ((n // INSTITUTIONS) % 40)),
            }
            for n in range(SLOTS)
        ]
        session.execute(insert(Slot), rows)
        residents = [resident_for(session, "bench", f"racer-{n}") for n in range(THREADS)]
    with session_scope() as session:
        slots = list(session.execute(select(Slot.id).order_by(Slot.id)).scalars())
    return services, slots, residents


def free_slots(session: Session, institution: int) -> List[int]:
    """The free slots of the institution, as the time question reads them before the resident picks one."""
    from skills.governance.models import Slot

    query = select(Slot.id).where(Slot.institution_id == institution, Slot.resident_id.is_(None))
    return list(session.execute(query).scalars())


def race(services: Dict[int, int], residents: List[int]) -> Tuple[float, int, List[Tuple[int, int]], Counter]:
    """Every resident, at each institution, reads the free slots and books one at random until it holds one there
    or none is left: the seconds the race took, the attempts, the (resident, slot) bookings reported, and the
    outcomes by status."""
    from engine.sdk import session_scope
    from skills.governance import reception

    start = threading.Barrier(len(residents))
    lock = threading.Lock()
    booked: List[Tuple[int, int]] = []
    outcomes: Counter = Counter()
    errors: List[BaseException] = []

    def resident_run(resident: int) -> None:
        rng = random.Random(resident)
        start.wait()
        try:
            for institution, service in services.items():
                while True:
                    with session_scope() as session:
                        free = free_slots(session, institution)
                        if not free:
                            break
                        slot = rng.choice(free)
                        status = reception.book(session, resident, slot, service).status
                    with lock:
                        outcomes[status] += 1
                        if status == reception.BOOKED:
                            booked.append((resident, slot))
                    if status != reception.TAKEN:
                        break
        except BaseException as error:  # reported after the race
            errors.append(error)

    threads = [threading.Thread(target=resident_run, args=(r,)) for r in residents]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    if errors:
        raise errors[0]
    return elapsed, sum(outcomes.values()), booked, outcomes


def check(booked: List[Tuple[int, int]], slots: List[int], services: Dict[int, int]) -> List[str]:
    """What went wrong, if anything (empty: nothing)."""
    from engine.sdk import session_scope
    from skills.governance.models import Slot

    with session_scope() as session:
        rows = session.execute(select(Slot.id, Slot.resident_id, Slot.institution_id)).all()
    holder = {slot: resident for slot, resident, _ in rows}
    problems = []
    slot_counts = Counter(slot for _, slot in booked)
    twice = [slot for slot, count in slot_counts.items() if count > 1]
    if twice:
        problems.append(f"{len(twice)} slots reported booked by two residents")
    lost = [(r, s) for r, s in booked if holder.get(s) != r]
    if lost:
        problems.append(f"{len(lost)} bookings reported but not in the store")
    per_place = Counter((resident, institution) for _, resident, institution in rows if resident is not None)
    if any(count > 1 for count in per_place.values()):
        problems.append("a resident holds two visits at one institution")
    taken = sum(1 for _, resident, _ in rows if resident is not None)
    wanted = min(len(slots), len(services) * THREADS)
    if taken != len(booked) or taken != wanted:
        problems.append(f"{taken} slots taken, {len(booked)} bookings reported, {wanted} expected")
    return problems


def run(kind: str, url: str) -> None:
    services, slots, residents = prepare(url)
    elapsed, attempts, booked, outcomes = race(services, residents)
    problems = check(booked, slots, services)
    print(
        f"{kind:10s} {THREADS} threads, {len(slots)} slots: {len(booked)} bookings in {elapsed:.2f} s = "
        f"{len(booked) / elapsed:7.1f} bookings/s, {attempts / elapsed:7.1f} attempts/s "
        f"({dict(outcomes)})"
    )
    print(
        f"{'':10s} "
        + ("no slot got two residents, every booking held: OK" if not problems else "; ".join(problems))
    )
    if problems:
        sys.exit(1)


def main() -> None:
    run("sqlite", f"sqlite:///{tempfile.mkdtemp()}/bench.db")
    database = f"bench_appointments_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    try:
        base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
        run("postgresql", f"{base}/{database}")
    finally:
        from engine.store.db import dispose_engines

        dispose_engines()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
