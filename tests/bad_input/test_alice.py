"""Bad input to the Alice webhook (connectors/alice.py), served by a real Sanic app with a fake bot."""

from __future__ import annotations

import asyncio
import json
from typing import Any, Dict, Optional, Tuple

import aiohttp
import pytest

from connectors.alice import AliceInput, say
from engine.settings import settings
from engine.testing import channel_app, serving
from tests.bad_input.inputs import (
    ANSWERED_EMPTY,
    ANSWERED_TOO_LONG,
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

SKILL_ID = "3ad36498-f5rd-4079-a14b-788652932056"
APPLICATION_ID = "47C73714B580ED2469056E71081159529FFC676A4E5B059D629A819E857DC2F8"


def alice_request(
    command: Any = "",
    original: Any = None,
    session: Optional[Dict[str, Any]] = None,
    request: Optional[Dict[str, Any]] = None,
    meta: Any = None,
) -> Dict[str, Any]:
    return {
        "meta": {"locale": "ru-RU", "timezone": "Europe/Moscow", "interfaces": {"screen": {}}}
        if meta is None
        else meta,
        "request": {
            "command": command,
            "original_utterance": command if original is None else original,
            "type": "SimpleUtterance",
        }
        if request is None
        else request,
        "session": {
            "message_id": 1,
            "session_id": "2eac4854-fce721f3-b845abba-20d60",
            "skill_id": SKILL_ID,
            "application": {"application_id": APPLICATION_ID},
            "new": False,
        }
        if session is None
        else session,
        "version": "1.0",
    }


def exchange(body: bytes) -> Tuple[int, bytes, RecordingBot]:
    bot = RecordingBot()

    async def scenario() -> Tuple[int, bytes]:
        async with (
            serving(channel_app(AliceInput(), bot)) as base,
            aiohttp.ClientSession() as client,
            client.post(
                f"{base}/webhooks/alice/webhook", data=body, headers={"Content-Type": "application/json"}
            ) as reply,
        ):
            return reply.status, await reply.read()

    status, content = asyncio.run(asyncio.wait_for(scenario(), timeout=60))
    return status, content, bot


def answer(content: bytes) -> Dict[str, Any]:
    body = json.loads(content)
    assert body["version"] == "1.0" and body["response"]["end_session"] is False
    return body["response"]


@pytest.fixture(autouse=True)
def production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_DEV_MODE", "0")
    monkeypatch.setenv("ALICE_SKILL_ID", SKILL_ID)
    monkeypatch.delenv("ALICE_ANSWER_BUDGET_SECONDS", raising=False)
    settings.cache_clear()


@pytest.mark.parametrize("kind", sorted(set(REACHES_BOT) - {"emoji"}))
def test_odd_text_reaches_the_bot_less_control_characters(kind):
    status, content, bot = exchange(as_json(alice_request(TEXTS[kind])))
    assert status == 200 and answer(content)["text"] == "Ответ."
    assert [m.text for m in bot.messages] == [REACHES_BOT[kind]]


@pytest.mark.parametrize("kind", ANSWERED_TOO_LONG)
def test_a_text_over_the_limit_is_answered_politely_and_never_reaches_the_bot(kind):
    status, content, bot = exchange(as_json(alice_request(TEXTS[kind])))
    reply = answer(content)
    assert status == 200 and reply["text"] == TOO_LONG and reply["tts"]
    assert bot.messages == []


@pytest.mark.parametrize(
    "request_",
    [
        *(alice_request(TEXTS[kind]) for kind in ANSWERED_EMPTY),
        alice_request(TEXTS["emoji"]),  # a voice channel cannot say emoji: nothing was said
        *(alice_request(value, original=value) for value in NOT_TEXT.values()),
        alice_request(request={"type": "SimpleUtterance"}),
        alice_request(request={"type": ["x"], "command": "", "payload": "x"}),
        alice_request(request={"type": "ButtonPressed", "payload": {"rasa": "/affirm" * 1000}}),
        alice_request(request={"type": "ButtonPressed", "payload": {"rasa": "/affirm\x00"}}),
        alice_request(request={"type": "ButtonPressed", "payload": {"rasa": {"x": 1}}}),
        alice_request(request={"type": "ButtonPressed", "payload": ["x"]}),
    ],
    ids=[
        *ANSWERED_EMPTY,
        "emoji",
        *(f"command-{kind}" for kind in NOT_TEXT),
        "no-command",
        "odd-type",
        "long-payload",
        "payload-with-nul",
        "payload-object",
        "payload-list",
    ],
)
def test_a_request_without_readable_text_only_hears_that_alice_listens(request_):
    status, content, bot = exchange(as_json(request_))
    assert status == 200 and answer(content)["text"] == say("utter_alice_listening")
    assert bot.messages == []


@pytest.mark.parametrize(
    ("session", "meta"),
    [
        ({"skill_id": SKILL_ID, "user": ["x"], "application": {"application_id": "a"}}, None),
        ({"skill_id": SKILL_ID, "application": {"application_id": "a"}, "new": "yes"}, ["x"]),
        ({"skill_id": SKILL_ID, "application": {"application_id": "a"}}, {"timezone": "x" * 10_000}),
        ({"skill_id": SKILL_ID, "application": {"application_id": "a"}}, {"timezone": "Europe/\x00"}),
        ({"skill_id": SKILL_ID, "application": {"application_id": "a"}}, {"interfaces": ["screen"]}),
    ],
    ids=[
        "user-list",
        "odd-new-and-meta",
        "long-timezone",
        "timezone-nul",
        "odd-interfaces",
    ],
)
def test_odd_fields_around_a_good_request_are_ignored(session, meta):
    status, content, bot = exchange(as_json(alice_request("привет", session=session, meta=meta)))
    assert status == 200 and answer(content)["text"] == "Ответ."
    [message] = bot.messages
    assert message.sender_id == "alice:a"
    assert "timezone" not in message.metadata or message.metadata["timezone"] == "Europe/Moscow"


@pytest.mark.parametrize(
    "body",
    [
        INVALID_UTF8,
        TOO_DEEP,
        b"",
        b"{not json",
        b"[]",
        b"null",
        as_json(alice_request("привет", session={"skill_id": SKILL_ID})),
        as_json(
            alice_request("привет", session={"skill_id": SKILL_ID, "application": {"application_id": 7}})
        ),
        as_json(alice_request("привет", session={"skill_id": SKILL_ID, "user": {"user_id": {"x": 1}}})),
        as_json(alice_request("привет", session={"skill_id": SKILL_ID, "user": {"user_id": "x\x00"}})),
        as_json(alice_request("привет", session={"skill_id": SKILL_ID, "user": {"user_id": "\u202ex"}})),
        as_json(alice_request("привет", session={"skill_id": SKILL_ID, "user": {"user_id": "x" * 300}})),
        as_json({**alice_request("привет"), "request": None}),
        as_json({**alice_request("привет"), "request": "привет"}),
    ],
    ids=[
        "invalid-utf8",
        "too-deep",
        "empty",
        "broken",
        "list",
        "null",
        "no-resident",
        "application-id-number",
        "user-id-object",
        "user-id-nul",
        "user-id-rtl-override",
        "user-id-too-long",
        "request-null",
        "request-string",
    ],
)
def test_a_body_that_is_no_alice_request_gets_a_short_400(body):
    status, content, bot = exchange(body)
    assert_clear_error(status, content, [400])
    assert bot.messages == []


@pytest.mark.parametrize("skill_id", [None, 42, ["x"], {"a": 1}, "\ud800", SKILL_ID + "\x00"])
def test_a_request_of_an_odd_skill_id_gets_403(skill_id):
    request = alice_request("привет")
    request["session"]["skill_id"] = skill_id
    status, content, bot = exchange(as_json(request))
    assert_clear_error(status, content, [403])
    assert bot.messages == []
