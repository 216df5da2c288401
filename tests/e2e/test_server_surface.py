"""What a stranger who reaches the servers' ports can do: read nothing, act as nobody else, and from another
machine not even connect. Through the real servers, as `make run` starts them."""

import json
import socket
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from typing import Optional

import pytest

from engine import residents
from engine.store import session_scope
from engine.testing import running_assistant
from engine.testing_servers import API_TOKEN, RestClient, free_port

VICTIM_PHONE = "+79123450001"


@pytest.fixture(scope="module")
def assistant(trained_model, tmp_path_factory):
    folder = tmp_path_factory.mktemp("surface")
    database_url = f"sqlite:///{folder / 'assistant.db'}"
    port, action_port = free_port(), free_port()
    with running_assistant(port, action_port, {"DATABASE_URL": database_url}):
        yield RestClient(port, database_url), port, action_port


def status_of(url: str, data: Optional[bytes] = None, method: Optional[str] = None) -> int:
    request = urllib.request.Request(url, data, {"Content-Type": "application/json"}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.slow
def test_the_http_api_needs_the_token(assistant):
    client, port, _ = assistant
    client.say("stranger-test", "привет")
    tracker = f"http://127.0.0.1:{port}/conversations/{client.conversation('stranger-test')}/tracker"
    assert status_of(tracker) == 401
    assert status_of(tracker + "?token=wrong") == 401
    assert status_of(tracker + "?" + urllib.parse.urlencode({"token": API_TOKEN})) == 200
    events = f"http://127.0.0.1:{port}/conversations/x/tracker/events"
    assert status_of(events, json.dumps({"event": "slot", "name": "phone", "value": "1"}).encode()) == 401
    assert status_of(f"http://127.0.0.1:{port}/model", b"{}", method="PUT") == 401  # replacing the model


@pytest.mark.slow
def test_no_cross_origin_reads(assistant):
    _, port, _ = assistant
    request = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"Origin": "https://evil.example"})
    with urllib.request.urlopen(request, timeout=10) as reply:
        assert reply.headers.get("Access-Control-Allow-Origin") is None


@pytest.mark.slow
def test_a_rest_client_cannot_act_as_a_telegram_user(assistant):
    """The victim linked their phone on Telegram. A REST client names the victim's chat id and channel in the
    body: it talks in a conversation of its own, as a resident of its own, and sees no phone."""
    client, _, _ = assistant
    with session_scope(client.database_url) as session:
        victim = residents.identity_for(session, "telegram", "555000")
        victim.resident.phone, victim.linked_at = VICTIM_PHONE, victim.created_at
    for sender in ("555000", "telegram:555000"):
        replies = client.request(
            "POST",
            "/webhooks/rest/webhook",
            {"sender": sender, "message": "покажи мой профиль", "input_channel": "telegram"},
        )
        said = " ".join(r.get("text") or "" for r in replies)
        assert "не привязан" in said and "**-01" not in said, said
    victim_tracker = client.request("GET", "/conversations/telegram:555000/tracker")
    assert [e for e in victim_tracker["events"] if e.get("event") == "user"] == []
    with session_scope(client.database_url) as session:
        assert residents.identity_for(session, "telegram", "555000").resident.phone == VICTIM_PHONE


@pytest.mark.slow
def test_rest_refuses_bodies_it_cannot_read(assistant):
    _, port, _ = assistant
    webhook = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
    assert status_of(webhook, b"not json") == 400
    assert status_of(webhook, json.dumps({"message": "привет"}).encode()) == 400
    assert status_of(webhook, json.dumps({"sender": "x", "message": 42}).encode()) == 400
    # too long to read: answered politely in Russian before the bot sees it (tests/bad_input/test_rest.py)
    assert status_of(webhook, json.dumps({"sender": "x", "message": "я" * 5000}).encode()) == 200


def other_addresses() -> list:
    """This machine's addresses other than loopback."""
    found = subprocess.run(["hostname", "-I"], capture_output=True, text=True, check=False).stdout.split()
    return [a for a in found if not a.startswith("127.") and a != "::1"]


@pytest.mark.slow
def test_both_servers_listen_on_loopback_only(assistant):
    _, port, action_port = assistant
    addresses = other_addresses()
    if not addresses:
        pytest.fail("this machine has no address but loopback: the test cannot tell")
    for address in addresses:
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        for server_port in (port, action_port):
            with socket.socket(family) as probe:
                probe.settimeout(2)
                assert probe.connect_ex((address, server_port)) != 0, (address, server_port)
