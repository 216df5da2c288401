"""Faults survived through the real servers: the action server killed in the middle of a form, the database
dropping every connection as a restart does, the lock store's Redis gone. The resident always reads an answer,
never loses the conversation, and goes on once the server is back; no message is recorded twice or out of order."""

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Iterator, List

import pytest
from sqlalchemy.engine import make_url

from connectors import incoming
from engine.testing import POSTGRES_ADMIN_URL, RestClient, free_port, running_assistant
from engine.testing import _admin_execute as admin_execute

pytestmark = pytest.mark.slow

APOLOGY = incoming.say("unavailable")
HELP = "позови оператора"  # in the answer to «что ты умеешь»


def user_texts(client: RestClient, sender: str) -> List[str]:
    return [e["text"] for e in client.events(sender) if e.get("event") == "user"]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as reply:
            return reply.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def wait_until(check, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.5)


def action_server_pid(port: int) -> int:
    """The process group leader of the action server listening on `port` (started by the launcher)."""
    wanted = ["run", "actions"]
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            args = (entry / "cmdline").read_bytes().decode().split("\0")
        except OSError:
            continue
        if all(word in args for word in wanted) and str(port) in args:
            return int(entry.name)
    raise AssertionError(f"no action server on port {port}")


@pytest.fixture
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("faults")


def test_a_killed_action_server_is_apologised_for_and_the_form_goes_on_once_it_is_back(trained_model, folder):
    port, action_port = free_port(), free_port()
    codes = folder / "codes.txt"
    env = {
        "DATABASE_URL": f"sqlite:///{folder / 'assistant.db'}",
        "ASSISTANT_CODE_SENDER": "tests.e2e.code_sender.FileCodeSender",
        "E2E_CODES_FILE": str(codes),
    }
    with running_assistant(port, action_port, env):
        client, sender = RestClient(port), "fault-actions"
        asked = client.say(sender, "привяжи мой номер +7 912 345-67-89")
        assert "+7 912 ***-**-89" in asked
        code = codes.read_text(encoding="utf-8").split()[-1]

        leader = action_server_pid(action_port)
        os.killpg(leader, signal.SIGKILL)
        assert client.say(sender, code) == APOLOGY

        health = f"http://127.0.0.1:{action_port}/health"
        wait_until(lambda: healthy(health))
        assert action_server_pid(action_port) != leader
        assert client.say(sender, code).startswith("Готово: телефон")
        assert HELP in client.say(sender, "что ты умеешь")
        assert user_texts(client, sender) == [
            "привяжи мой номер +7 912 345-67-89",
            code,
            code,
            "что ты умеешь",
        ]


@pytest.fixture
def postgres_url() -> Iterator[str]:
    name = f"test_faults_{uuid.uuid4().hex[:10]}"
    admin_execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        admin_execute(
            f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true',
            f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
        )


def drop_connections(database: str, allow: bool) -> None:
    """What a PostgreSQL restart does to one database: every connection to it is cut, and while it is down
    (`allow` false) no new one is accepted."""
    admin_execute(
        f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS {str(allow).lower()}',
        f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'",
    )


def test_a_database_restart_fails_the_turns_in_flight_cleanly_and_the_next_ones_work(
    trained_model, postgres_url
):
    database = make_url(postgres_url).database
    port, action_port = free_port(), free_port()
    with running_assistant(port, action_port, {"DATABASE_URL": postgres_url}):
        client, sender = RestClient(port), "fault-postgres"
        assert HELP in client.say(sender, "что ты умеешь")

        drop_connections(database, allow=False)
        try:
            assert client.say(sender, "привет") == APOLOGY
        finally:
            drop_connections(database, allow=True)
        assert HELP in client.say(sender, "что ты умеешь")

        # A restart nobody noticed: the pooled connections are dead when the next resident writes.
        drop_connections(database, allow=True)
        assert HELP in client.say(sender, "что ты умеешь")
        assert user_texts(client, sender) == ["что ты умеешь", "что ты умеешь", "что ты умеешь"]


@pytest.fixture
def redis_port() -> Iterator[int]:
    port = free_port()
    yield port
    subprocess.run(["redis-cli", "-p", str(port), "shutdown", "nosave"], capture_output=True, check=False)


def start_redis(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    wait_until(
        lambda: (
            subprocess.run(
                ["redis-cli", "-p", str(port), "ping"], check=False, capture_output=True
            ).returncode
            == 0
        ),
        30,
    )
    return server


def test_without_redis_every_message_is_refused_clearly_and_nothing_is_half_recorded(
    trained_model, folder, redis_port
):
    endpoints = folder / "endpoints.yml"
    # Plain YAML: Rasa expands ${VARIABLES} only in unquoted values.
    endpoints.write_text(
        "action_endpoint:\n  url: ${ACTION_ENDPOINT_URL}\n"
        "tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: ${TRACKER_SQLITE_FILE}\n"
        f"lock_store:\n  type: engine.lock_store.AtomicRedisLockStore\n  url: 127.0.0.1\n  port: {redis_port}\n",
        encoding="utf-8",
    )
    redis = start_redis(redis_port)
    port, action_port = free_port(), free_port()
    env = {"DATABASE_URL": f"sqlite:///{folder / 'assistant.db'}", "ASSISTANT_ENDPOINTS": str(endpoints)}
    with running_assistant(port, action_port, env):
        client, sender = RestClient(port), "fault-redis"
        assert HELP in client.say(sender, "что ты умеешь")

        redis.kill()
        redis.wait()
        assert client.say(sender, "привет") == APOLOGY
        assert user_texts(client, sender) == ["что ты умеешь"]

        redis = start_redis(redis_port)
        assert HELP in client.say(sender, "что ты умеешь")
        assert user_texts(client, sender) == ["что ты умеешь", "что ты умеешь"]
