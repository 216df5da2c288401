"""pytest fixtures and helpers for the engine's and every skill's tests (loaded from the root conftest.py).

A skill distributed on its own can use them too: `pytest_plugins = ["engine.testing"]`.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import uuid
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, List, Optional, Tuple

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.future import create_engine

from engine.channels import CHANNELS, conversation_id, split_conversation_id
from engine.settings import DEV_MODE_ENV, Settings, load_settings, settings
from engine.skills.discovery import enabled_packages
from engine.store import db
from engine.store.migrate import upgrade

if TYPE_CHECKING:
    from rasa.core.agent import Agent

POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")

# What a resident (or a forged client) can put where an action expects a record's id: too long for any integer,
# zero and negative, not a number, markup, SQL, control and bidi characters, ten thousand digits. The wrong-path
# tests of the skills run every action that takes an id with each (`ids=hostile_id` names them readably).
HOSTILE_IDS = [
    "99999999999999999999",
    "2147483648",
    "-5",
    "0",
    "abc",
    "1e9",
    "<script>alert(1)</script>",
    "1'; DROP TABLE residents; --",
    "\x00\x1b[2J\u202e",
    "7" * 10_000,
]


def hostile_id(value: str) -> str:
    return value if len(value) < 30 else f"{len(value)}-chars"


class StoreTemplates:
    """Stores prepared once per test run and copied for every test that needs the same preparation.

    Migrating every package and loading demo data take seconds; copying a SQLite file or creating a PostgreSQL
    database from a template takes a fraction of that. A template is keyed by what was done to it (`key`) and by
    the kind of store; PostgreSQL templates are dropped when the run ends.
    """

    def __init__(self) -> None:
        self._folder = Path(tempfile.mkdtemp(prefix="store-templates-"))
        self._sqlite: Dict[str, Path] = {}
        self._postgres: Dict[str, str] = {}

    def prepared(self, url: str, key: str, prepare: Callable[[], None]) -> None:
        """Makes the store at `url` what `prepare` makes of it, reusing an earlier result for the same `key` and
        the same enabled packages (the store is the process's DATABASE_URL while `prepare` runs)."""
        key = f"{_packages_key()}|{key}"
        db.dispose_engines()
        if url.startswith("sqlite:///"):
            self._sqlite_prepared(Path(url[len("sqlite:///") :]), key, prepare)
        else:
            self._postgres_prepared(make_url(url).database, key, prepare)
        db.dispose_engines()

    def _sqlite_prepared(self, path: Path, key: str, prepare: Callable[[], None]) -> None:
        template = self._sqlite.get(key)
        if template is not None:
            shutil.copyfile(template, path)
            return
        prepare()
        db.dispose_engines()
        template = self._folder / f"{len(self._sqlite)}.db"
        shutil.copyfile(path, template)
        self._sqlite[key] = template

    def _postgres_prepared(self, database: str, key: str, prepare: Callable[[], None]) -> None:
        template = self._postgres.get(key)
        if template is not None:
            _admin_execute(
                f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)',
                f'CREATE DATABASE "{database}" TEMPLATE "{template}"',
            )
            return
        if not _admin_scalar(f"SELECT count(*) FROM pg_database WHERE datname = '{database}'"):
            _admin_execute(f'CREATE DATABASE "{database}"')
        prepare()
        db.dispose_engines()
        template = f"template_{uuid.uuid4().hex[:12]}"
        _admin_execute(f'CREATE DATABASE "{template}" TEMPLATE "{database}"')
        self._postgres[key] = template

    def drop(self) -> None:
        for template in self._postgres.values():
            _admin_execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
        shutil.rmtree(self._folder, ignore_errors=True)


def _admin_scalar(query: str) -> Any:
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            return connection.execute(text(query)).scalar()
    finally:
        admin.dispose()


def _admin_execute(*statements: str) -> None:
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            for statement in statements:
                connection.execute(text(statement))
    finally:
        admin.dispose()


def pytest_configure(config: pytest.Config) -> None:
    """Tests run in development mode, as `make run` does: the sandbox payments, demo data and the code sender
    that only writes a file are allowed. A test of what production refuses unsets it itself."""
    os.environ.setdefault(DEV_MODE_ENV, "1")


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    """Every test reads the process settings from its own environment: a test that sets `ASSISTANT_*` or
    `DATABASE_URL` and reads `settings()` leaves nothing cached for the next one."""
    settings.cache_clear()
    yield
    settings.cache_clear()


@pytest.fixture(scope="session")
def store_templates() -> Iterator[StoreTemplates]:
    templates = StoreTemplates()
    yield templates
    templates.drop()


def _packages_key() -> str:
    return _packages_key_for(load_settings())


@lru_cache(maxsize=8)
def _packages_key_for(config: Settings) -> str:
    """Packages are found once per settings: finding them reads every manifest (a quarter of a second)."""
    return ",".join(sorted(str(package.root) for package in enabled_packages(config)))


def _use_database(url: str, monkeypatch: pytest.MonkeyPatch, templates: StoreTemplates) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    templates.prepared(url, "migrated", lambda: upgrade(url))


@pytest.fixture
def sqlite_store(tmp_path, monkeypatch: pytest.MonkeyPatch, store_templates: StoreTemplates) -> Iterator[str]:
    """A migrated SQLite store in a temporary file, set as the process's DATABASE_URL."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    _use_database(url, monkeypatch, store_templates)
    yield url
    db.dispose_engines()


@pytest.fixture
def postgres_store(monkeypatch: pytest.MonkeyPatch, store_templates: StoreTemplates) -> Iterator[str]:
    """A migrated, freshly created PostgreSQL database on the local server, dropped afterwards."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        _use_database(url, monkeypatch, store_templates)
        yield url
    finally:
        db.dispose_engines()
        _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest) -> str:
    """The same test on both kinds of store."""
    return request.getfixturevalue("sqlite_store" if request.param == "sqlite" else "postgres_store")


def freeze_clock(monkeypatch: pytest.MonkeyPatch, now: datetime) -> datetime:
    """Stops engine.sdk.clock at `now` (aware, in the assistant's time zone): its `now` and its `today` (the date
    of `now`) for the rest of the test; `now`."""
    from engine.sdk import clock

    monkeypatch.setattr(clock, "now", lambda: now)
    monkeypatch.setattr(clock, "today", now.date)
    return now


def scheduled_notifications(status: str = "pending") -> List[Tuple[int, str, str, Dict[str, Any], str]]:
    """(id, name, due time in UTC as ISO text, entities, conversation) of the store's scheduled notifications
    with this status, oldest first: what a skill's tests check after scheduling or cancelling."""
    from sqlalchemy import select

    from engine.store import session_scope
    from engine.store.models import ScheduledNotification

    with session_scope() as session:
        rows = session.execute(
            select(ScheduledNotification)
            .where(ScheduledNotification.status == status)
            .order_by(ScheduledNotification.id)
        ).scalars()
        return [(r.id, r.name, r.due_at.isoformat(), dict(r.entities), r.conversation_id) for r in rows]


def bring_notifications_due(database_url: str, conversation_id: str) -> int:
    """Makes the conversation's pending notifications due now in the store at `database_url` (a running
    assistant's), as if their time had come; how many."""
    from sqlalchemy import update

    from engine.store.models import ScheduledNotification

    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            result = connection.execute(
                update(ScheduledNotification)
                .where(
                    ScheduledNotification.conversation_id == conversation_id,
                    ScheduledNotification.status == "pending",
                )
                .values(due_at=ScheduledNotification.created_at)
            )
        return int(result.rowcount or 0)
    finally:
        engine.dispose()


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
    """A tracker as the action server receives it, after the resident's latest message. The conversation is named
    as the channel's connector names it: sender `anna` on channel `rest` is the conversation `rest:anna`
    (engine/channels.py); a sender id that already names its channel, or a channel no connector has, is kept."""
    if channel in CHANNELS and split_conversation_id(sender_id) is None:
        sender_id = conversation_id(channel, sender_id)
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": entities or [],
        "intent_ranking": intent_ranking or ([{"name": intent, "confidence": 1.0}] if intent else []),
    }
    history = [
        *list(events or []),
        {"event": "user", "text": text, "parse_data": latest, "input_channel": channel, "timestamp": 0},
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


_domains: Dict[str, Dict[str, Any]] = {}


def assembled_domain() -> Dict[str, Any]:
    """The domain of the core and every enabled skill, as Rasa sends it to the action server (not written out)."""
    from engine.build import merge_domains

    config = load_settings()
    key = _packages_key_for(config)
    if key not in _domains:
        _domains[key] = merge_domains(enabled_packages(config))
    return _domains[key]


def run_action(
    action: Action, tracker: Tracker, domain: Optional[Dict[str, Any]] = None
) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """Runs an action as the action server would: (messages sent, events returned). The domain defaults to the
    assembled one; forms given only a part of it (`{"forms": ...}`) get the responses of the assembled one too."""
    dispatcher = CollectingDispatcher()
    domain = {**assembled_domain(), **(domain or {})}
    result = action.run(dispatcher, tracker, domain)
    if asyncio.iscoroutine(result):
        result = asyncio.run(result)
    return dispatcher.messages, list(result or [])


def just_set(tracker: Tracker, slot: str, value: Any) -> Tracker:
    """The slot as the resident's latest message set it: rasa-sdk validates slots set since that message."""
    tracker.events.append({"event": "slot", "name": slot, "value": value})
    return tracker


def slot_events(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    """{slot: value} of the SlotSet events an action returned."""
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def rendered(message: Dict[str, Any], slots: Optional[Dict[str, Any]] = None) -> str:
    """The text a resident reads: a response filled as Rasa's templated generator fills it (the first variation
    without a channel; values from the message, then from `slots`), or the message's own text."""
    from engine.sdk import phrase

    name = message.get("response")
    if not name:
        return message.get("text") or ""
    values = {**(slots or {}), **{k: v for k, v in message.items() if k not in MESSAGE_KEYS}}
    return phrase(assembled_domain(), name, **values)


MESSAGE_KEYS = frozenset(
    {
        "text",
        "response",
        "template",
        "buttons",
        "image",
        "elements",
        "attachment",
        "json_message",
        "custom",
        "quick_replies",
    }
)


def texts(messages: List[Dict[str, Any]], slots: Optional[Dict[str, Any]] = None) -> str:
    """What the bot said, one message a line, responses rendered."""
    return "\n".join(rendered(m, slots) for m in messages)


def button_titles(messages: List[Dict[str, Any]]) -> List[str]:
    """Titles of every button the bot offered, responses' own buttons included."""
    titles = []
    for message in messages:
        titles += [b["title"] for b in message.get("buttons") or []]
        name = message.get("response")
        if name:
            variations = assembled_domain()["responses"].get(name) or [{}]
            titles += [b["title"] for b in variations[0].get("buttons") or []]
    return titles


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The assistant's model for the enabled skills, trained only if the data changed since the last run."""
    from engine.training import ensure_model

    return ensure_model()


@pytest.fixture(scope="session")
def trained_agent(trained_model: Path) -> Agent:
    """The trained model loaded once for the in-process evaluations: held-out NLU and test stories."""
    from engine.evaluate import load_agent

    return load_agent(trained_model)


# Kept in their own modules (engine.testing is long already), offered here: skills' tests import engine.testing only.
from engine.testing_actions import Run, run_form, run_plain, said  # noqa: E402, F401
from engine.testing_races import at_once, meeting_after  # noqa: E402, F401
from engine.testing_servers import (  # noqa: E402, F401
    READY_LINE,
    RestClient,
    channel_app,
    free_port,
    running_assistant,
    serving,
)
