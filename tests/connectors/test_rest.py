"""The REST channel (connectors/rest.py) through a real Sanic app on a loopback port, a fake Rasa recording what
it is handed."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional, Tuple

import aiohttp
import pytest
from rasa.core.channels.channel import UserMessage

from connectors.rest import MAX_SENDER, MAX_TEXT, TOKEN_ENV, RestInput
from engine.settings import DEV_MODE_ENV, settings
from engine.testing import channel_app, serving

WEBHOOK = "/webhooks/rest/webhook"
HEALTH = "/webhooks/rest/"
TOKEN = "rest-token_for-the-tests"

Reply = Tuple[int, Any]


class FakeRasa:
    """Stands in for Rasa: records each message and answers it through the channel's collector."""

    def __init__(self) -> None:
        self.messages: List[UserMessage] = []

    async def __call__(self, message: UserMessage) -> None:
        self.messages.append(message)
        await message.output_channel.send_text_message(message.sender_id, f"Ответ на «{message.text}».")


def post(
    body: Any = None, headers: Optional[Dict[str, str]] = None, raw: Optional[bytes] = None
) -> Dict[str, Any]:
    """A POST to the webhook: `body` as JSON, or `raw` bytes said to be JSON."""
    if raw is not None:
        return {"data": raw, "headers": {"Content-Type": "application/json", **(headers or {})}}
    return {"json": body, "headers": headers}


def health(headers: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
    return {"method": "GET", "path": HEALTH, "headers": headers}


def bearer(token: str) -> Dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def exchange(*calls: Dict[str, Any]) -> Tuple[List[Reply], FakeRasa]:
    """Builds the channel from the environment as it is now, serves it, and makes the calls (keyword arguments of
    aiohttp's `request`, with `method` POST and `path` the webhook unless given) one after another: the status and
    JSON body of each, and the fake Rasa."""
    rasa = FakeRasa()
    channel = RestInput()

    async def scenario() -> List[Reply]:
        replies = []
        async with serving(channel_app(channel, rasa)) as base, aiohttp.ClientSession() as client:
            for call in calls:
                options = dict(call)
                method, path = options.pop("method", "POST"), options.pop("path", WEBHOOK)
                async with client.request(method, base + path, **options) as reply:
                    replies.append((reply.status, await reply.json(content_type=None)))
        return replies

    return asyncio.run(asyncio.wait_for(scenario(), timeout=30)), rasa


@pytest.fixture
def development(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DEV_MODE_ENV, "1")
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    settings.cache_clear()


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch) -> None:
    """Outside development mode, no token configured."""
    monkeypatch.setenv(DEV_MODE_ENV, "0")
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    settings.cache_clear()


@pytest.fixture(params=["0", "1"], ids=["production", "development"])
def with_token(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The token configured, in and outside development mode."""
    monkeypatch.setenv(DEV_MODE_ENV, request.param)
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    settings.cache_clear()


def test_a_sender_talks_in_its_own_rest_conversation(development):
    [(status, body)], rasa = exchange(post({"sender": "me", "message": "привет"}))
    assert status == 200
    assert body == [{"recipient_id": "rest:me", "text": "Ответ на «привет»."}]
    [message] = rasa.messages
    assert (message.text, message.sender_id, message.input_channel) == ("привет", "rest:me", "rest")


def test_a_client_cannot_pose_as_another_channel(development):
    replies, rasa = exchange(
        post({"sender": "me", "message": "привет", "input_channel": "telegram"}),
        post({"sender": "telegram:555", "message": "мой профиль", "input_channel": "telegram"}),
    )
    assert [status for status, _ in replies] == [200, 200]
    assert [(m.sender_id, m.input_channel) for m in rasa.messages] == [
        ("rest:me", "rest"),
        ("rest:telegram:555", "rest"),
    ]


def test_outside_development_mode_without_a_token_everything_is_refused(production):
    replies, rasa = exchange(
        post({"sender": "me", "message": "привет"}),
        post({"sender": "me", "message": "привет"}, headers=bearer(TOKEN)),
        health(),
    )
    (refused, body), (refused_with_header, _), (health_status, health_body) = replies
    assert (refused, refused_with_header) == (403, 403)
    assert TOKEN_ENV in body["error"]
    assert rasa.messages == []
    assert (health_status, health_body) == (200, {"status": "ok"})


def test_with_a_token_every_message_needs_it(with_token):
    replies, rasa = exchange(
        post({"sender": "me", "message": "без токена"}),
        post({"sender": "me", "message": "чужой токен"}, headers=bearer("wrong-token")),
        post({"sender": "me", "message": "не bearer"}, headers={"Authorization": f"Basic {TOKEN}"}),
        post({"sender": "me", "message": "с токеном"}, headers=bearer(TOKEN)),
        {**post({"sender": "me", "message": "токен в адресе"}), "params": {"token": TOKEN}},
        health(),
    )
    assert [status for status, _ in replies] == [401, 401, 401, 200, 200, 200]
    assert replies[0][1] == {"error": "a valid bearer token is required"}
    assert [m.text for m in rasa.messages] == ["с токеном", "токен в адресе"]
    assert {m.sender_id for m in rasa.messages} == {"rest:me"}


@pytest.mark.parametrize(
    "call",
    [
        post(raw=b"{not json"),
        post(raw=b"\xff\xfe"),
        post(raw=b""),
        post(["me", "привет"]),
        post({"message": "привет"}),
        post({"sender": None, "message": "привет"}),
        post({"sender": 555, "message": "привет"}),
        post({"sender": "   ", "message": "привет"}),
        post({"sender": "x" * 129, "message": "привет"}),
        post({"sender": "me"}),
        post({"sender": "me", "message": 42}),
        post({"sender": "me", "message": ["привет"]}),
    ],
    ids=[
        "invalid-json",
        "not-utf8",
        "empty-body",
        "json-array",
        "no-sender",
        "null-sender",
        "number-sender",
        "blank-sender",
        "long-sender",
        "no-message",
        "number-message",
        "list-message",
    ],
)
def test_a_body_it_cannot_read_is_refused_with_400(development, call):
    [(status, body)], rasa = exchange(call)
    assert status == 400 and body["error"]
    assert rasa.messages == []


def test_the_longest_sender_and_message_are_accepted(development):
    assert (MAX_SENDER, MAX_TEXT) == (128, 4096)
    sender, text = "x" * MAX_SENDER, "я" * MAX_TEXT
    [(status, _)], rasa = exchange(post({"sender": sender, "message": text}))
    assert status == 200
    [message] = rasa.messages
    assert (message.sender_id, message.text) == (f"rest:{sender}", text)


def test_apps_are_served_one_after_another_and_sanic_is_left_as_it_was(development):
    """engine.testing.serving starts any number of apps in one process without changing Sanic's classes."""
    from sanic import Sanic
    from sanic.touchup import TouchUp

    def sanic_code() -> Dict[Any, Any]:
        return {(target, name): target.__dict__[name] for target, name in TouchUp._registry}

    code, touch_up, apps = sanic_code(), TouchUp.__dict__["run"], dict(Sanic._app_registry)
    for text in ["первое", "второе", "третье"]:
        [(status, _)], rasa = exchange(post({"sender": "me", "message": text}))
        assert status == 200 and [m.text for m in rasa.messages] == [text]
    assert sanic_code() == code and TouchUp.__dict__["run"] is touch_up
    assert Sanic._app_registry == apps
