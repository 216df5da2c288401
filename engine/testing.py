"""pytest fixtures and helpers for the engine's and every skill's tests (loaded from the root conftest.py).

A skill distributed on its own can use them too: `pytest_plugins = ["engine.testing"]`.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import urllib.request
import uuid
from contextlib import contextmanager, suppress
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple, TypeVar

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.future import create_engine

from engine.messages import say
from engine.settings import Settings, load_settings, settings
from engine.skills.discovery import enabled_packages
from engine.store import db
from engine.store.migrate import upgrade

if TYPE_CHECKING:
    from rasa.core.agent import Agent

READY_LINE = say("ready_marker")

POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")

RACE_SECONDS = 60  # how long `at_once` waits for its threads before it fails the test

T = TypeVar("T")


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


def at_once(work: Callable[[Any], T], inputs: Sequence[Any]) -> List[T]:
    """`work(input)` for every input, each in a thread of its own, all released together; the results in the
    inputs' order. The first exception a thread raised is raised here, so a failing thread fails the test instead
    of vanishing with its thread. To make the threads also meet inside `work` (every one reads before any
    writes), wrap the read with `meeting_after`."""
    start = threading.Barrier(len(inputs))
    results: List[Any] = [None] * len(inputs)
    errors: List[BaseException] = []

    def run(n: int) -> None:
        start.wait()
        try:
            results[n] = work(inputs[n])
        except BaseException as error:  # pytest.fail and skip are BaseExceptions too
            errors.append(error)

    threads = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(len(inputs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=RACE_SECONDS)
    if errors:
        raise errors[0]
    if any(thread.is_alive() for thread in threads):
        pytest.fail(f"a thread of the race was still running after {RACE_SECONDS} s")
    return results


def meeting_after(function: Callable[..., T], parties: int, seconds: float = 1.0) -> Callable[..., T]:
    """`function` that, once it has returned, waits up to `seconds` for `parties` calls in all to get that far:
    monkeypatched over the read a race is about, it makes every thread of `at_once` read before any of them
    writes. When a lock keeps the others from getting there (SQLite's write lock, a row lock), the meeting breaks
    after `seconds`, stays broken, and the calls go on one after another — the lock did its job."""
    meeting = threading.Barrier(parties)

    def then_meet(*args: Any, **kwargs: Any) -> T:
        result = function(*args, **kwargs)
        with suppress(threading.BrokenBarrierError):
            meeting.wait(timeout=seconds)
        return result

    return then_meet


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
    """A tracker as the action server receives it, after the resident's latest message."""
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


@contextmanager
def running_assistant(port: int, action_port: int, env: Dict[str, str]) -> Iterator[subprocess.Popen]:
    """`python -m engine run` (what `make run` starts) on the given ports with `env` added, once it says it is
    ready; Ctrl-C (SIGINT) afterwards unless the test already stopped it."""
    from engine.settings import PROJECT_ROOT

    environment = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), **env}
    environment.pop("ACTION_ENDPOINT_URL", None)  # an inherited one would point Rasa at another action server
    process = subprocess.Popen(
        [sys.executable, "-m", "engine", "run", "--port", str(port), "--action-port", str(action_port)],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = []
    for line in process.stdout or []:
        output.append(line)
        if READY_LINE in line:
            break
    else:
        pytest.fail("the assistant did not start:\n" + "".join(output[-50:]))
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=60)


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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RestClient:
    """Talks to a running assistant over Rasa's REST channel and HTTP API, as a resident's client would."""

    def __init__(self, port: int, database_url: str = ""):
        self.base, self.database_url = f"http://127.0.0.1:{port}", database_url

    def request(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.base + path, data, {"Content-Type": "application/json"}, method=method
        )
        with urllib.request.urlopen(request, timeout=60) as reply:
            return json.loads(reply.read())

    def replies(self, sender: str, message: str) -> List[Dict[str, Any]]:
        return self.request("POST", "/webhooks/rest/webhook", {"sender": sender, "message": message})

    def say(self, sender: str, message: str) -> str:
        return "\n".join(reply.get("text") or "" for reply in self.replies(sender, message))

    def events(self, sender: str) -> List[Dict[str, Any]]:
        return self.request("GET", f"/conversations/{sender}/tracker")["events"]


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


# Kept in their own module (engine.testing is long already), offered here: skills' tests import engine.testing only.
from engine.testing_actions import Run, run_form, run_plain, said  # noqa: E402, F401
