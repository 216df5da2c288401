"""Bad input to the Telegram webhook (connectors/telegram.py), a stand-in Bot API on loopback, a fake Rasa."""

from __future__ import annotations

import asyncio
import json
from typing import Any, Dict, List, Tuple

import aiohttp
import pytest

from connectors.telegram import SECRET_HEADER, TelegramInput
from engine.testing import channel_app, serving
from engine.testing_telegram import StandInBotApi
from tests.bad_input.inputs import (
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

TOKEN = "123456:TEST-token_for-the-stand-in"
SECRET = "webhook-secret_42"
CHAT = 4242


def update(message: Any = None, **fields: Any) -> Dict[str, Any]:
    return {"update_id": 1, "message": message, **fields}


def text_message(text: Any, chat: Any = None) -> Dict[str, Any]:
    return {
        "message_id": 10,
        "date": 1700000000,
        "chat": {"id": CHAT, "type": "private"} if chat is None else chat,
        "text": text,
    }


def exchange(body: bytes) -> Tuple[int, bytes, RecordingBot, List[str]]:
    """Posts one body with the secret: the status, the body, the fake Rasa and the texts sent to the chat."""
    rasa = RecordingBot()

    async def scenario() -> Tuple[int, bytes, List[str]]:
        async with StandInBotApi() as api:
            channel = TelegramInput(TOKEN, SECRET, api_url=api.url)
            async with serving(channel_app(channel, rasa)) as base, aiohttp.ClientSession() as client:
                headers = {SECRET_HEADER: SECRET, "Content-Type": "application/json"}
                async with client.post(
                    f"{base}/webhooks/telegram/webhook", data=body, headers=headers
                ) as reply:
                    status, content = reply.status, await reply.read()
            return status, content, [sent["text"] for sent in api.sent("sendMessage")]

    status, content, sent = asyncio.run(asyncio.wait_for(scenario(), timeout=60))
    return status, content, rasa, sent


@pytest.mark.parametrize("kind", sorted(REACHES_BOT))
def test_odd_text_reaches_the_bot_less_control_characters(kind):
    status, _, rasa, sent = exchange(as_json(update(text_message(TEXTS[kind]))))
    assert status == 200
    assert [m.text for m in rasa.messages] == [REACHES_BOT[kind]] and sent == ["Ответ."]


@pytest.mark.parametrize("kind", ANSWERED_TOO_LONG)
def test_a_text_over_the_limit_is_answered_politely_and_never_reaches_the_bot(kind):
    status, content, rasa, sent = exchange(as_json(update(text_message(TEXTS[kind]))))
    assert (status, json.loads(content)) == (200, {"status": "refused"})
    assert rasa.messages == [] and sent == [TOO_LONG]


def test_control_characters_alone_are_answered_politely():
    status, _, rasa, sent = exchange(as_json(update(text_message(TEXTS["controls-only"]))))
    assert status == 200 and rasa.messages == [] and sent == [EMPTY]


@pytest.mark.parametrize(
    "body",
    [
        update(text_message("")),
        update(text_message(" \t\n")),
        update(text_message("/")),
        *(update(text_message(value)) for value in NOT_TEXT.values()),
        update(text_message("привет", chat={"id": {"x": 1}, "type": "private"})),
        update(text_message("привет", chat={"id": True, "type": "private"})),
        update(text_message("привет", chat={"id": "4242", "type": "private"})),
        update(text_message("привет", chat=[CHAT])),
        update(text_message("привет", chat={"id": CHAT, "type": "group"})),
        update({"message_id": 1}),
        update("привет"),
        update([text_message("привет")]),
        {"update_id": 1},
        {},
        {"update_id": "x", "edited_message": 5},
        {"update_id": 1, "callback_query": {"id": {"a": 1}, "data": ["x"], "message": "x"}},
        {"update_id": 1, "callback_query": {"id": "1", "data": "/affirm", "message": text_message("x")}},
        update({**text_message(None), "location": {"latitude": [1], "longitude": {"a": None}}}),
    ],
    ids=[
        "empty-text",
        "whitespace-text",
        "slash-only",
        *(f"text-{kind}" for kind in NOT_TEXT),
        "chat-id-object",
        "chat-id-bool",
        "chat-id-string",
        "chat-list",
        "group-chat",
        "no-text",
        "message-string",
        "message-list",
        "no-message",
        "empty-update",
        "odd-update-id",
        "odd-callback",
        "forged-button",
        "odd-location",
    ],
)
def test_an_update_without_readable_text_is_ignored_with_200(body):
    status, content, rasa, sent = exchange(as_json(body))
    assert (status, json.loads(content)) == (200, {"status": "ignored"}), content[:200]
    assert rasa.messages == [] and sent == []


@pytest.mark.parametrize(
    "body",
    [
        INVALID_UTF8,
        TOO_DEEP,
        b"",
        b"{not json",
        b"[]",
        b"42",
        b'"update"',
        as_json([update(text_message("x"))]),
    ],
    ids=["invalid-utf8", "too-deep", "empty", "broken", "list", "number", "string", "list-of-updates"],
)
def test_a_body_that_is_no_update_gets_a_short_400(body):
    status, content, rasa, sent = exchange(body)
    assert_clear_error(status, content, [400])
    assert rasa.messages == [] and sent == []
