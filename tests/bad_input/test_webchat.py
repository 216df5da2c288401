"""Bad input to the web chat's socket.io endpoint (connectors/webchat.py): a real Sanic app serving socket.io on a
loopback port, python-socketio's client (websocket and polling), raw engine.io requests, a fake Rasa."""

from __future__ import annotations

import asyncio
import json
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, ClassVar, List, Tuple

import aiohttp
import pytest
import socketio

from connectors.webchat import WebChatInput
from engine.testing import channel_app, serving
from tests.bad_input.inputs import (
    ANSWERED_EMPTY,
    ANSWERED_TOO_LONG,
    EMPTY,
    NOT_TEXT,
    REACHES_BOT,
    TEXTS,
    TOO_LONG,
    RecordingBot,
    assert_clear_error,
)

KEY = b"test-key-of-the-web-chat-bad-input"
ENGINE_IO = "/socket.io/?EIO=4&transport=polling"


class Visitor:
    """A socket.io client of the web chat, with what the bot said to it (closed when `web_chat` ends)."""

    opened: ClassVar[List[Visitor]] = []

    def __init__(self, base: str) -> None:
        Visitor.opened.append(self)
        self.base = base
        self.client = socketio.AsyncClient(reconnection=False)
        self.said: asyncio.Queue = asyncio.Queue()
        self.sessions: asyncio.Queue = asyncio.Queue()
        self.gone = asyncio.Event()
        self.client.on("bot_uttered", self.said.put_nowait)
        self.client.on("session_confirm", self.sessions.put_nowait)
        self.client.on("disconnect", self.gone.set)

    async def connect(self, transport: str = "websocket", session: Any = None) -> str:
        await self.client.connect(self.base, socketio_path="/socket.io", transports=[transport])
        await self.client.emit("session_request", session)
        return await asyncio.wait_for(self.sessions.get(), 10)

    async def say(self, data: Any) -> Any:
        await self.client.emit("user_uttered", data)
        return await asyncio.wait_for(self.said.get(), 10)

    async def close(self) -> None:
        if self.client.connected:
            await self.client.disconnect()
        loops = [getattr(self.client.eio, name, None) for name in ("write_loop_task", "read_loop_task")]
        running = {task for task in loops if task is not None and not task.done()}
        if running:  # a polling client's write loop may still be sending its close packet
            await asyncio.wait(running, timeout=5)
        http = getattr(self.client.eio, "http", None)
        if http is not None and not http.closed:
            await http.close()


@asynccontextmanager
async def web_chat() -> AsyncIterator[Tuple[str, RecordingBot]]:
    rasa = RecordingBot()
    async with serving(channel_app(WebChatInput(key=KEY, session_persistence=True), rasa)) as base:
        try:
            yield base, rasa
        finally:
            while Visitor.opened:
                await Visitor.opened.pop().close()


def run(scenario: Any) -> Any:
    return asyncio.run(asyncio.wait_for(scenario, timeout=60))


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_odd_texts_reach_the_bot_less_control_characters_and_the_rest_is_answered_politely(transport):
    async def scenario() -> Tuple[List[Any], RecordingBot]:
        async with web_chat() as (base, rasa):
            visitor = Visitor(base)
            await visitor.connect(transport)
            answers = [await visitor.say({"message": text}) for kind, text in TEXTS.items() if kind != "1M"]
            await visitor.client.disconnect()
            return answers, rasa

    answers, rasa = run(scenario())
    expected = {**dict.fromkeys(REACHES_BOT, "Ответ."), **dict.fromkeys(ANSWERED_EMPTY, EMPTY)}
    expected.update(dict.fromkeys(ANSWERED_TOO_LONG, TOO_LONG))
    assert answers == [{"text": expected[kind]} for kind in TEXTS if kind != "1M"]
    assert [m.text for m in rasa.messages] == [REACHES_BOT[kind] for kind in TEXTS if kind in REACHES_BOT]


def test_payloads_of_the_wrong_shape_are_answered_politely():
    payloads = [*({"message": value} for value in NOT_TEXT.values()), *NOT_TEXT.values(), "привет", {}]

    async def scenario() -> Tuple[List[Any], RecordingBot]:
        async with web_chat() as (base, rasa):
            visitor = Visitor(base)
            await visitor.connect()
            answers = [await visitor.say(payload) for payload in payloads]
            answers.append(await visitor.say({"message": "привет", "metadata": {"timezone": "\x00" * 10}}))
            return answers, rasa

    answers, rasa = run(scenario())
    assert answers == [{"text": EMPTY}] * len(payloads) + [{"text": "Ответ."}]
    [message] = rasa.messages
    assert message.metadata is None  # a time zone with control characters is dropped


@pytest.mark.parametrize(
    "session",
    [
        {"session_id": "abc.é"},
        {"session_id": "\ud800.x"},
        {"session_id": "x" * 10_000},
        {"session_id": 5},
        {"session_id": ["x"]},
        ["x"],
        "x",
        42,
    ],
    ids=["non-ascii-token", "lone-surrogate", "10k-token", "number", "list", "payload-list", "string", "int"],
)
def test_an_odd_session_request_gets_a_new_session(session):
    async def scenario() -> Tuple[str, Any]:
        async with web_chat() as (base, _):
            visitor = Visitor(base)
            token = await visitor.connect(session=session)
            return token, await visitor.say({"message": "привет"})

    token, answer = run(scenario())
    assert len(token.split(".")[0]) == 32 and answer == {"text": "Ответ."}


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_a_million_characters_never_reach_the_bot_and_the_chat_goes_on(transport):
    """Over a websocket Sanic closes the socket (a frame over 1 MiB); over polling the POST gets 413 (see
    test_engine_io_refuses_...) and python-socketio's client gives that session up. A new one works."""

    async def scenario() -> Tuple[Any, RecordingBot]:
        async with web_chat() as (base, rasa):
            visitor = Visitor(base)
            await visitor.connect(transport)
            await visitor.client.emit("user_uttered", {"message": TEXTS["1M"]})
            if transport == "websocket":
                await asyncio.wait_for(visitor.gone.wait(), 10)
            else:
                await asyncio.sleep(0.5)
            again = Visitor(base)
            await again.connect(transport)
            answer = await again.say({"message": "привет"})
            await again.client.disconnect()
            return answer, rasa

    answer, rasa = run(scenario())
    assert answer == {"text": "Ответ."}
    assert [m.text for m in rasa.messages] == ["привет"]


async def raw_calls(base: str, *posts: bytes) -> List[Tuple[int, bytes]]:
    """Opens an engine.io polling session with a socket.io connect, posts each body, and polls once."""
    replies = []
    async with aiohttp.ClientSession() as http:
        async with http.get(base + ENGINE_IO) as opened:
            sid = json.loads((await opened.text())[1:])["sid"]
        url = f"{base}{ENGINE_IO}&sid={sid}"
        async with http.post(url, data=b"40") as connected:
            assert connected.status == 200
        for body in posts:
            async with http.post(url, data=body) as reply:
                replies.append((reply.status, await reply.read()))
        async with http.get(url) as polled:
            replies.append((polled.status, await polled.read()))
    return replies


def packet(data: Any) -> bytes:
    return b"42" + json.dumps(["user_uttered", data]).encode()


def test_engine_io_refuses_bytes_that_are_no_utf8_or_too_many_with_a_short_4xx():
    async def scenario() -> Tuple[List[Tuple[int, bytes]], RecordingBot]:
        async with web_chat() as (base, rasa):
            return await raw_calls(
                base,
                b'42["user_uttered",{"message":"\xff\xfe"}]',
                packet({"message": "я" * 600_000}),
                b'42["user_uttered",{"message":',  # broken JSON: socket.io drops the packet
                packet({"message": "привет"}),
            ), rasa

    replies, rasa = run(scenario())
    (not_utf8, _), (too_big, _), (broken, _), (fine, _), (polled, body) = replies
    for status, content in replies[:2]:
        assert_clear_error(status, content, [400, 413])
    assert (not_utf8, too_big, broken, fine, polled) == (400, 413, 200, 200, 200)
    assert [m.text for m in rasa.messages] == ["привет"]
    events = [json.loads(p[2:]) for p in body.decode("utf-8").split("\x1e") if p.startswith("42")]
    assert ["bot_uttered", {"text": "Ответ."}] in events


@pytest.mark.parametrize(
    "path",
    [
        f"{ENGINE_IO}&sid=no-such-session",
        "/socket.io/?EIO=99&transport=polling",
        "/socket.io/?EIO=4&transport=carrier-pigeon",
        f"{ENGINE_IO}&j=not-a-number",
    ],
    ids=["unknown-session", "unknown-version", "unknown-transport", "bad-jsonp"],
)
def test_engine_io_requests_it_cannot_serve_get_a_short_400(path):
    async def scenario() -> List[Tuple[int, bytes]]:
        async with web_chat() as (base, _), aiohttp.ClientSession() as http:
            replies = []
            for method in ("GET", "POST"):
                async with http.request(method, base + path, data=b"40") as reply:
                    replies.append((reply.status, await reply.read()))
            return replies

    for status, content in run(scenario()):
        assert_clear_error(status, content, [400])
