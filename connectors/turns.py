"""One resident's turn handed to Rasa, with an answer even when a server behind it fails.

Rasa swallows a failed custom action (the action server killed, restarting, unreachable): it logs the error and
goes on without the action's events, so the resident hears nothing. A turn that fails outright (the lock store's
Redis gone, the conversations' database down: engine/tracker_store.py) raises out of `on_new_message`, and the
channels answer nothing either. `answered` wraps a channel's `on_new_message` so that in both cases the resident
reads `unavailable` from `incoming.yml`: nothing was done, the conversation is kept, send it again in a minute.

A failed action is told from a quiet turn (a conversation held by an operator answers nothing) by asking the
action server's /health when the bot said nothing.
"""

from __future__ import annotations

import logging
import os
from typing import Any, Awaitable, Callable, Optional, Text
from urllib.parse import urlsplit, urlunsplit

import aiohttp
from rasa.core.channels.channel import OutputChannel, UserMessage

from connectors import incoming
from engine.tracker_store import TrackerStoreUnavailable

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
ACTION_ENDPOINT_ENV = "ACTION_ENDPOINT_URL"
HEALTH_TIMEOUT_SECONDS = 2.0


class CountingOutput:
    """The channel's own output for one turn, counting what is sent through any of its `send_*` methods.

    A stand-in rather than a subclass: the channel's output object may be shared by all conversations (Telegram's
    is), so it is never changed, and every attribute but the `send_*` methods is the channel's own."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.sent = 0

    def __getattr__(self, attribute: str) -> Any:
        value = getattr(self.inner, attribute)
        if not attribute.startswith("send_") or not callable(value):
            return value

        async def counted(*args: Any, **kwargs: Any) -> Any:
            self.sent += 1
            return await value(*args, **kwargs)

        return counted


def health_url(action_endpoint: Optional[str]) -> Optional[str]:
    """The action server's /health beside its webhook URL, or None when no action server is configured."""
    if not action_endpoint:
        return None
    parts = urlsplit(action_endpoint)
    return urlunsplit((parts.scheme, parts.netloc, "/health", "", ""))


async def actions_available(url: Optional[str]) -> bool:
    if url is None:
        return True
    try:
        timeout = aiohttp.ClientTimeout(total=HEALTH_TIMEOUT_SECONDS)
        async with aiohttp.ClientSession(timeout=timeout) as session, session.get(url) as reply:
            return reply.status == 200
    except (aiohttp.ClientError, OSError, TimeoutError):
        return False


def answered(on_new_message: OnNewMessage, action_endpoint: Optional[str] = None) -> OnNewMessage:
    """`on_new_message` that never leaves the resident without an answer (see the module docstring)."""
    health = health_url(
        action_endpoint if action_endpoint is not None else os.environ.get(ACTION_ENDPOINT_ENV)
    )

    async def handle(message: UserMessage) -> None:
        output = CountingOutput(message.output_channel)
        message.output_channel = output  # type: ignore[assignment]
        try:
            await on_new_message(message)
        except (Exception, TrackerStoreUnavailable):
            logger.exception(
                "The turn of %s failed; the resident is asked to send it again", message.sender_id
            )
            await apologise(output.inner, message.sender_id)
            return
        if output.sent == 0 and not await actions_available(health):
            logger.error("No answer to %s: the action server is not answering", message.sender_id)
            await apologise(output.inner, message.sender_id)

    return handle


async def apologise(output: OutputChannel, recipient_id: Text) -> None:
    try:
        await output.send_text_message(recipient_id, incoming.say("unavailable"))
    except Exception:  # the channel itself is down: nothing more to do than say so in the log
        logger.exception("Could not tell %s that the turn failed", recipient_id)
