"""A migrated store with the demo data, and a fixed date inside the reading window."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from engine.sdk import session_scope
from skills.utilities import clock, demo

TODAY = date(2026, 11, 20)


def load_demo() -> None:
    with session_scope() as session:
        assert demo.load_demo(session) is True


@pytest.fixture
def demo_store(store, monkeypatch, store_templates):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 20, 9, 0, tzinfo=ZoneInfo("Europe/Moscow")))
    store_templates.prepared(store, "utilities-demo", load_demo)
    return store
