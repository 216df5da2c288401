"""pytest fixtures and helpers for the engine's and every skill's tests (loaded from the root conftest.py).

A skill distributed on its own can use them too: `pytest_plugins = ["engine.testing"]`.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.future import create_engine

from engine.store import db
from engine.store.migrate import upgrade

POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _use_database(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    db.dispose_engines()
    monkeypatch.setenv("DATABASE_URL", url)
    upgrade(url)


@pytest.fixture
def sqlite_store(tmp_path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A migrated SQLite store in a temporary file, set as the process's DATABASE_URL."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    _use_database(url, monkeypatch)
    yield url
    db.dispose_engines()


@pytest.fixture
def postgres_store(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A migrated, freshly created PostgreSQL database on the local server, dropped afterwards."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        _use_database(url, monkeypatch)
        yield url
    finally:
        db.dispose_engines()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest) -> str:
    """The same test on both kinds of store."""
    return request.getfixturevalue("sqlite_store" if request.param == "sqlite" else "postgres_store")


def make_tracker(
    text: str = "",
    intent: Optional[str] = None,
    entities: Optional[List[Dict[str, Any]]] = None,
    slots: Optional[Dict[str, Any]] = None,
    sender_id: str = "resident-1",
    channel: str = "rest",
    active_loop: Optional[str] = None,
    events: Optional[List[Dict[str, Any]]] = None,
    intent_ranking: Optional[List[Dict[str, Any]]] = None,
) -> Tracker:
    """A tracker as the action server receives it, after the resident's latest message."""
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": entities or [],
        "intent_ranking": intent_ranking or [],
    }
    history = list(events or []) + [
        {"event": "user", "text": text, "parse_data": latest, "input_channel": channel, "timestamp": 0}
    ]
    return Tracker(
        sender_id=sender_id,
        slots=slots or {},
        latest_message=latest,
        events=history,
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def run_action(
    action: Action, tracker: Tracker, domain: Optional[Dict[str, Any]] = None
) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """Runs an action as the action server would: (messages sent, events returned)."""
    dispatcher = CollectingDispatcher()
    result = action.run(dispatcher, tracker, domain or {})
    if asyncio.iscoroutine(result):
        result = asyncio.run(result)
    return dispatcher.messages, list(result or [])
