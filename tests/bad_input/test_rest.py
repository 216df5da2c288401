"""Bad input to the REST channel (connectors/rest.py), served by a real Sanic app with a fake Rasa."""

from __future__ import annotations

import asyncio
import json
from typing import Any, Dict, Optional, Tuple

import aiohttp
import pytest

from connectors.rest import TOKEN_ENV, RestInput
from engine.settings import DEV_MODE_ENV, settings
from engine.testing import channel_app, serving
from tests.bad_input.inputs import (
    ANSWERED_EMPTY,
    ANSWERED_TOO_LONG,
    EMPTY,
    INVALID_UTF8,
    NOT_TEXT,
    REACHES_BOT,
    TEXTS,
    TOO_DEEP,
    TOO_LONG,
    RecordingBot,
    as_json,
    assert_clear_error,
)

WEBHOOK = "/webhooks/rest/webhook"


def exchange(body: bytes, query: str = "") -> Tuple[int, bytes, RecordingBot]:
    rasa = RecordingBot()
    channel = RestInput()

    async def scenario() -> Tuple[int, bytes]:
        async with serving(channel_app(channel, rasa)) as base, aiohttp.ClientSession() as client:
            headers = {"Content-Type": "application/json"}
            async with client.post(base + WEBHOOK + query, data=body, headers=headers) as reply:
                return reply.status, await reply.read()

    status, content = asyncio.run(asyncio.wait_for(scenario(), timeout=60))
    return status, content, rasa


@pytest.fixture(autouse=True)
def development(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DEV_MODE_ENV, "1")
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    settings.cache_clear()


def said(sender: Any = "me", message: Any = None, **extra: Any) -> bytes:
    return as_json({"sender": sender, "message": message, **extra})


@pytest.mark.parametrize("kind", sorted(REACHES_BOT))
def test_odd_text_reaches_the_bot_verbatim_less_control_characters(kind):
    status, content, rasa = exchange(said(message=TEXTS[kind]))
    assert status == 200 and json.loads(content) == [{"recipient_id": "rest:me", "text": "Ответ."}]
    [message] = rasa.messages
    assert message.text == REACHES_BOT[kind]


@pytest.mark.parametrize(
    ("kind", "answer"),
    [(kind, EMPTY) for kind in ANSWERED_EMPTY] + [(kind, TOO_LONG) for kind in ANSWERED_TOO_LONG],
)
def test_no_text_or_too_much_is_answered_politely_and_never_reaches_the_bot(kind, answer):
    status, content, rasa = exchange(said(message=TEXTS[kind]))
    assert status == 200 and json.loads(content) == [{"recipient_id": "rest:me", "text": answer}]
    assert rasa.messages == []


def test_the_polite_answer_streams_as_rasa_streams_its_messages():
    status, content, rasa = exchange(said(message=TEXTS["10k"]), query="?stream=true")
    assert status == 200 and rasa.messages == []
    assert [json.loads(line) for line in content.decode().splitlines()] == [
        {"recipient_id": "rest:me", "text": TOO_LONG}
    ]


@pytest.mark.parametrize(
    "body",
    [
        INVALID_UTF8,
        TOO_DEEP,
        b"",
        b"null",
        b'"me"',
        b"{not json",
        as_json([{"sender": "me", "message": "привет"}]),
        as_json({}),
        as_json({"sender": "me"}),
        as_json({"message": "привет"}),
        *(said(message=value) for value in NOT_TEXT.values()),
        *(said(sender=value, message="привет") for value in NOT_TEXT.values()),
        said(sender={"id": "telegram:1"}, message="привет"),
        said(sender="", message="привет"),
        said(sender="me\x00", message="привет"),
        said(sender="me\u202e", message="привет"),
        said(sender="\ud800", message="привет"),
        said(sender="x" * 10_000, message="привет"),
    ],
    ids=[
        "invalid-utf8",
        "too-deep",
        "empty-body",
        "json-null",
        "json-string",
        "broken-json",
        "json-list",
        "no-fields",
        "no-message",
        "no-sender",
        *(f"message-{kind}" for kind in NOT_TEXT),
        *(f"sender-{kind}" for kind in NOT_TEXT),
        "sender-object",
        "sender-empty",
        "sender-nul",
        "sender-rtl-override",
        "sender-lone-surrogate",
        "sender-10k",
    ],
)
def test_a_body_it_cannot_read_gets_a_short_400(body):
    status, content, rasa = exchange(body)
    assert_clear_error(status, content, [400])
    assert json.loads(content)["error"]
    assert rasa.messages == []


def test_extra_fields_of_any_type_are_ignored():
    body = said(message="привет", input_channel={"x": 1}, metadata=[1, 2], stream={"a": None})
    status, _, rasa = exchange(body)
    assert status == 200
    [message] = rasa.messages
    assert (message.text, message.sender_id, message.input_channel) == ("привет", "rest:me", "rest")


def post_raw(body: bytes, headers: Optional[Dict[str, str]] = None) -> Tuple[int, bytes]:
    async def scenario() -> Tuple[int, bytes]:
        async with (
            serving(channel_app(RestInput(), RecordingBot())) as base,
            aiohttp.ClientSession() as client,
            client.post(base + WEBHOOK, data=body, headers=headers or {}) as reply,
        ):
            return reply.status, await reply.read()

    return asyncio.run(asyncio.wait_for(scenario(), timeout=60))


def test_a_body_said_to_be_anything_but_json_is_still_read_as_json_or_refused():
    assert post_raw(said(message="привет"), {"Content-Type": "text/plain"})[0] == 200
    status, content = post_raw(b"sender=me&message=hi", {"Content-Type": "application/x-www-form-urlencoded"})
    assert_clear_error(status, content, [400])
