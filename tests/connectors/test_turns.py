"""A turn the bot cannot finish still gets an answer: a failed turn, or silence while the action server is down."""

import asyncio
import socket
from typing import List

import pytest
from aiohttp import web
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from connectors import incoming
from connectors.turns import answered, health_url
from engine.tracker_store import TrackerStoreUnavailable

APOLOGY = incoming.say("unavailable")


def run(coroutine):
    return asyncio.new_event_loop().run_until_complete(coroutine)


def message(output) -> UserMessage:
    return UserMessage("покажи остаток", output, "rest:ivan", input_channel="rest")


async def replying(msg: UserMessage) -> None:
    await msg.output_channel.send_response(msg.sender_id, {"text": "Остаток 120 ₽"})


async def silent(_msg: UserMessage) -> None:
    return None


async def failing(_msg: UserMessage) -> None:
    raise ConnectionError("redis is gone")


def texts(output: CollectingOutputChannel) -> List[str]:
    return [m.get("text") for m in output.messages]


@pytest.fixture
def unused_url():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/webhook"


def test_the_health_url_sits_beside_the_webhook():
    assert health_url("http://actions:5055/webhook") == "http://actions:5055/health"
    assert health_url("") is None and health_url(None) is None


def test_an_answered_turn_is_left_alone_even_with_the_action_server_down(unused_url):
    output = CollectingOutputChannel()
    run(answered(replying, unused_url)(message(output)))
    assert texts(output) == ["Остаток 120 ₽"]


def test_a_turn_that_raises_is_answered_with_the_apology_and_not_raised(unused_url):
    output = CollectingOutputChannel()
    run(answered(failing, unused_url)(message(output)))
    assert texts(output) == [APOLOGY]


def test_silence_while_the_action_server_is_down_is_answered_with_the_apology(unused_url):
    output = CollectingOutputChannel()
    run(answered(silent, unused_url)(message(output)))
    assert texts(output) == [APOLOGY]


def test_silence_with_the_action_server_up_stays_silent():
    """A conversation held by an operator answers nothing, and must not be told the service is down."""

    async def scenario() -> List[str]:
        app = web.Application()
        app.router.add_get("/health", lambda _request: web.json_response({"status": "ok"}))
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        try:
            output = CollectingOutputChannel()
            await answered(silent, f"http://127.0.0.1:{port}/webhook")(message(output))
            return texts(output)
        finally:
            await runner.cleanup()

    assert run(scenario()) == []


def test_the_channel_output_keeps_its_own_attributes(unused_url):
    output = CollectingOutputChannel()
    seen = []

    async def peek(msg: UserMessage) -> None:
        seen.append((msg.output_channel.name(), msg.output_channel.messages is output.messages))
        await replying(msg)

    run(answered(peek, unused_url)(message(output)))
    assert seen == [("collector", True)]


def test_a_turn_without_the_conversations_database_is_answered_with_the_apology(unused_url):
    async def database_down(_msg: UserMessage) -> None:
        raise TrackerStoreUnavailable("connection refused")

    output = CollectingOutputChannel()
    run(answered(database_down, unused_url)(message(output)))
    assert texts(output) == [APOLOGY]
