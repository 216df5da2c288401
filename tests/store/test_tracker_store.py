"""The tracker store of the PostgreSQL endpoints after the database drops every connection, as a restart does:
the next turn reads and writes its conversation; Rasa's own store fails that turn."""

import asyncio

import pytest
from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from engine.runtime import server_environment
from engine.settings import PROJECT_ROOT, load_settings
from engine.testing import _admin_execute as admin_execute
from engine.tracker_store import PingingSQLTrackerStore, TrackerStoreUnavailable

ENDPOINTS = ("endpoints.postgres.yml", "endpoints.scale.yml")


@pytest.fixture
def tracker_env(postgres_store, monkeypatch):
    for key, value in server_environment(load_settings(), 5055).items():
        if key.startswith(("TRACKER_DB_", "ACTION_", "REDIS_", "RABBITMQ_")):
            monkeypatch.setenv(key, value)
    return make_url(postgres_store).database


def restart(database: str) -> None:
    admin_execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'")


def said(store: TrackerStore, sender: str, text: str) -> str:
    async def turn() -> str:
        tracker = await store.retrieve(sender) or DialogueStateTracker(sender, [])
        tracker.update(UserUttered(text, {"name": "greet", "confidence": 1.0}))
        await store.save(tracker)
        return (await store.retrieve(sender)).latest_message.text

    return asyncio.run(turn())


@pytest.mark.parametrize("endpoints", ENDPOINTS)
def test_the_endpoints_name_the_pinging_store(tracker_env, endpoints):
    config = read_endpoint_config(str(PROJECT_ROOT / "deploy" / endpoints), "tracker_store")
    assert type(TrackerStore.create(config, Domain.empty())) is PingingSQLTrackerStore


def test_the_first_turn_after_a_restart_works(tracker_env):
    config = read_endpoint_config(str(PROJECT_ROOT / "deploy" / "endpoints.postgres.yml"), "tracker_store")
    store = TrackerStore.create(config, Domain.empty())
    assert said(store, "resident-1", "привет") == "привет"
    restart(tracker_env)
    assert said(store, "resident-1", "снова я") == "снова я"


def test_rasas_own_store_fails_that_turn(tracker_env):
    """Why the endpoints do not use `type: SQL` for PostgreSQL."""
    config = read_endpoint_config(str(PROJECT_ROOT / "deploy" / "endpoints.postgres.yml"), "tracker_store")
    store = SQLTrackerStore(host=config.url, domain=Domain.empty(), **config.kwargs)
    assert said(store, "resident-1", "привет") == "привет"
    restart(tracker_env)
    with pytest.raises(OperationalError):
        said(store, "resident-1", "снова я")


def test_while_the_database_is_down_a_turn_fails_instead_of_starting_an_empty_conversation(tracker_env):
    """Rasa wraps every tracker store in its FailSafeTrackerStore, which would answer a failed read with no
    conversation at all: the failure must get past it."""
    config = read_endpoint_config(str(PROJECT_ROOT / "deploy" / "endpoints.postgres.yml"), "tracker_store")
    store = FailSafeTrackerStore(TrackerStore.create(config, Domain.empty()))
    assert said(store, "resident-1", "привет") == "привет"
    admin_execute(f'ALTER DATABASE "{tracker_env}" ALLOW_CONNECTIONS false')
    try:
        restart(tracker_env)
        with pytest.raises(TrackerStoreUnavailable):
            asyncio.run(store.retrieve("resident-1"))
        with pytest.raises(TrackerStoreUnavailable):
            asyncio.run(store.save(DialogueStateTracker("resident-1", [])))
    finally:
        admin_execute(f'ALTER DATABASE "{tracker_env}" ALLOW_CONNECTIONS true')
    assert said(store, "resident-1", "снова я") == "снова я"
    assert [
        e.text for e in asyncio.run(store.retrieve("resident-1")).events if isinstance(e, UserUttered)
    ] == [
        "привет",
        "снова я",
    ]
