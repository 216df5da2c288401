"""The cluster profile through its real servers (`python -m engine cluster`, what `make cluster` starts): two Rasa
instances and two action servers behind HAProxy on the machine's PostgreSQL, Redis and RabbitMQ.

The consistency test talks to both Rasa instances directly, each sender alternately and in bursts to both at
once: every tracker must end with each message exactly once, rounds in order, and no turn started before the
previous one ended (the lock store's job, engine/lock_store.py)."""

import asyncio
import json
import signal
import socket
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace
from typing import List

import aio_pika
import pytest
from sqlalchemy.engine import make_url

from engine.testing import POSTGRES_ADMIN_URL, RestClient, free_port, running_assistant
from engine.testing import _admin_execute as admin_execute
from engine.testing_servers import API_TOKEN

pytestmark = pytest.mark.slow

SENDERS = 10
ROUNDS = 4
PHRASES = ["привет", "что ты умеешь", "покажи остаток по счёту", "спасибо", "какая погода", "отмена"]


@pytest.fixture(scope="module")
def cluster(trained_model):
    name = f"test_cluster_{uuid.uuid4().hex[:10]}"
    url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    port, action_port = free_port(), free_port()
    rasa_ports, action_ports = [free_port(), free_port()], [free_port(), free_port()]
    # One Sanic worker per Rasa instance here (each worker loads the model: two cores, a test budget); two per
    # action server, as `make cluster` runs them.
    env = {"DATABASE_URL": url, "CLUSTER_RASA_WORKERS": "1", "CLUSTER_ACTION_WORKERS": "2"}
    command = ["cluster", "--rasa-ports", *map(str, rasa_ports), "--action-ports", *map(str, action_ports)]
    try:
        with running_assistant(port, action_port, env, command) as process:
            yield SimpleNamespace(
                process=process,
                front=RestClient(port),
                instances=[RestClient(p) for p in rasa_ports],
                ports=[port, action_port, *rasa_ports, *action_ports],
            )
    finally:
        admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def status(port: int, token: str = "") -> int:
    url = f"http://127.0.0.1:{port}/status" + (f"?token={token}" if token else "")
    try:
        with urllib.request.urlopen(url, timeout=10) as reply:
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_balancer_answers_residents_and_the_api_needs_the_token(cluster):
    port = cluster.ports[0]
    assert status(port) == 401 and status(port, "wrong") == 401
    assert status(port, API_TOKEN) == 200
    greeting = cluster.front.say(f"front-{uuid.uuid4().hex[:6]}", "привет")
    assert "Городской помощник" in greeting


def turn_segments(events: List[dict]) -> List[List[dict]]:
    """The tracker cut at each user message: a segment is one user message and what followed it."""
    segments: List[List[dict]] = []
    for event in events:
        if event.get("event") == "user":
            segments.append([event])
        elif segments:
            segments[-1].append(event)
    return segments


def test_every_message_once_in_order_and_one_turn_at_a_time_across_two_instances(cluster):
    first, second = cluster.instances
    senders = [f"cluster-{uuid.uuid4().hex[:8]}-{n}" for n in range(SENDERS)]

    def text(sender_no: int, round_no: int, which: int) -> str:
        return f"{PHRASES[(sender_no + round_no + which) % len(PHRASES)]} {round_no}{'ab'[which]}"

    def converse(sender_no: int) -> None:
        sender = senders[sender_no]
        with ThreadPoolExecutor(2) as burst:
            for round_no in range(ROUNDS):
                # a burst: two messages of one sender at once, one to each instance (which goes first varies)
                pair = (first, second) if round_no % 2 == 0 else (second, first)
                replies = [
                    burst.submit(instance.replies, sender, text(sender_no, round_no, which))
                    for which, instance in enumerate(pair)
                ]
                for reply in replies:
                    assert isinstance(reply.result(), list)

    with ThreadPoolExecutor(SENDERS) as pool:
        list(pool.map(converse, range(SENDERS)))

    for sender_no, sender in enumerate(senders):
        events = cluster.front.events(sender)
        said = [e["text"] for e in events if e.get("event") == "user"]
        expected_rounds = [
            sorted(text(sender_no, round_no, which) for which in (0, 1)) for round_no in range(ROUNDS)
        ]
        assert [sorted(said[2 * r : 2 * r + 2]) for r in range(ROUNDS)] == expected_rounds, sender
        for segment in turn_segments(events):
            actions = [e.get("name") for e in segment if e.get("event") == "action"]
            assert actions and actions[-1] == "action_listen", (sender, segment[0]["text"], actions)


async def drain_events() -> List[dict]:
    """Every event waiting in the broker's queue (nobody else consumes it on a test machine)."""
    connection = await aio_pika.connect("amqp://guest:guest@127.0.0.1:5672/")
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue("gorodskoy_events", passive=True)
        seen = []
        while (message := await queue.get(no_ack=True, fail=False)) is not None:
            seen.append(json.loads(message.body))
        return seen


def test_the_events_reach_rabbitmq(cluster):
    sender = f"broker-{uuid.uuid4().hex[:8]}"
    cluster.front.say(sender, "привет")
    mine: List[dict] = []
    deadline = time.monotonic() + 30  # Rasa publishes in the background
    while time.monotonic() < deadline and not any(e.get("event") == "user" for e in mine):
        mine += [e for e in asyncio.run(drain_events()) if e.get("sender_id") == f"rest:{sender}"]
        time.sleep(0.5)
    assert any(e.get("event") == "user" and e.get("text") == "привет" for e in mine)


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_ctrl_c_stops_every_server_it_started(cluster):
    cluster.process.send_signal(signal.SIGINT)
    assert cluster.process.wait(timeout=60) == 0
    assert [port for port in cluster.ports if port_open(port)] == []
