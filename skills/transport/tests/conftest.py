"""A migrated store with the transport demo (drivers, parking zones) and a fixed clock: Friday 20 November 2026,
12:00 in Moscow (the day tariff)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from engine.sdk import resident_for, session_scope
from engine.testing import freeze_clock
from skills.transport import demo
from skills.transport.geo import Point
from skills.transport.models import Driver

MOSCOW = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=MOSCOW)
TODAY = NOW.date()

THEATRE = ("Театральная площадь", Point(56.8480, 53.2050))
STATION = ("Железнодорожный вокзал", Point(56.8330, 53.1720))
MARKET = ("Центральный рынок", Point(56.8560, 53.2180))
MFC = ("МФЦ", Point(56.8470, 53.2120))
AIRPORT = ("Аэропорт", Point(56.8280, 53.4570))


def load_demo() -> None:
    with session_scope() as session:
        assert demo.load_demo(session, today=TODAY) is True


def resident(sender: str) -> int:
    with session_scope() as session:
        return resident_for(session, "rest", sender)


def only_free(*senders: str) -> None:
    """Every demo driver off shift but these."""
    with session_scope() as session:
        session.execute(update(Driver).values(state="off"))
        for sender in senders:
            session.execute(
                update(Driver)
                .where(Driver.resident_id == resident_for(session, "rest", sender))
                .values(state="free")
            )


@pytest.fixture
def frozen_clock(monkeypatch):
    return freeze_clock(monkeypatch, NOW)


@pytest.fixture
def demo_store(store, store_templates, frozen_clock):
    store_templates.prepared(store, "transport-demo", load_demo)
    return store
