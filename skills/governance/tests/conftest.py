"""A migrated store with the governance demo (members, proposals, institutions and their slots, fines, appeals) and
a fixed clock: Friday 20 November 2026, 12:00 in Moscow."""

import os
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from engine.sdk import session_scope
from engine.testing import freeze_clock
from skills.governance import demo

# One key for every test run: store templates are prepared once and their minutes verified under it later.
os.environ.setdefault("GOV_MINUTES_KEY", "governance-tests-minutes-key")

MOSCOW = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=MOSCOW)
TODAY = NOW.date()


def load_demo() -> None:
    with session_scope() as session:
        assert demo.load_demo(session, today=TODAY) is True


@pytest.fixture
def frozen_clock(monkeypatch):
    return freeze_clock(monkeypatch, NOW)


@pytest.fixture
def demo_store(store, store_templates, frozen_clock):
    store_templates.prepared(store, "governance-demo", load_demo)
    return store
