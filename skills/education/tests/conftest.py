"""A migrated store with the demo courses, and a fixed clock: Friday 20 November 2026, 09:00 in Moscow."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from engine.sdk import session_scope
from engine.testing import freeze_clock
from skills.education import demo

MOSCOW = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=MOSCOW)  # a Friday
TODAY = NOW.date()


def load_demo() -> None:
    with session_scope() as session:
        assert demo.load_demo(session, today=TODAY) is True


@pytest.fixture
def frozen_clock(monkeypatch):
    return freeze_clock(monkeypatch, NOW)


@pytest.fixture
def demo_store(store, store_templates, frozen_clock):
    store_templates.prepared(store, "education-demo", load_demo)
    return store
