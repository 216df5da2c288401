"""Rasa's REST channel as `make run` offers it to developers, with its identity and access fixed.

POST /webhooks/rest/webhook {"sender": "me", "message": "<text>"} → the bot's messages.

- The conversation is `rest:<sender>` and the input channel is always "rest": a client that sends
  `"input_channel": "telegram"` or `"sender": "telegram:123"` stays in its own REST conversation and never acts
  as a Telegram user (engine/channels.py).
- In development mode the channel is open on the loopback interface. Outside it (and whenever
  $ASSISTANT_REST_TOKEN is set) every request needs `Authorization: Bearer <token>`; without a configured
  token the channel refuses everything.
- A body it cannot read (not a JSON object, no string `sender` or `message`, a sender with control characters)
  gets 400 with {"error": ...}. A message over 4096 characters, or with no text once control characters are
  dropped (connectors/incoming.py), never reaches Rasa: the reply is the channel's polite Russian answer, in
  the shape of the bot's messages (one JSON line with `?stream=true`, as Rasa streams them).
"""

from __future__ import annotations

import json
import logging
from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from rasa.utils.endpoints import bool_arg
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from connectors import incoming
from connectors.turns import answered
from engine.channels import conversation_id, required_secret, secret_matches
from engine.settings import settings

logger = logging.getLogger(__name__)

TOKEN_ENV = "ASSISTANT_REST_TOKEN"
MAX_SENDER = 128
MAX_TEXT = incoming.MAX_MESSAGE_CHARS


def bearer_token(request: Request, query: bool = True) -> Optional[str]:
    """The token of an `Authorization: Bearer …` header, else (when `query`) of a `?token=` parameter."""
    header = request.headers.get("Authorization") or ""
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.args.get("token") if query else None


def error(status: int, message: str) -> HTTPResponse:
    return response.json({"error": message}, status=status)


class RestInput(RasaRestInput):
    """The REST channel: a development door, closed by a token outside development mode."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def __init__(self) -> None:
        self.token = required_secret(TOKEN_ENV)
        self.open = settings().development_mode and self.token is None
        if self.token is None and not self.open:
            logger.warning("REST channel refuses every request: set %s or development mode", TOKEN_ENV)

    def refusal(self, request: Request) -> Optional[HTTPResponse]:
        """Why this request may not talk to the bot, or None when it may."""
        if self.open:
            return None
        if self.token is None:
            return error(403, f"the REST channel is for development; set {TOKEN_ENV} to use it")
        if not secret_matches(bearer_token(request), self.token):
            return error(401, "a valid bearer token is required")
        return None

    async def _extract_sender(self, req: Request) -> Optional[Text]:
        sender = req.json.get("sender")
        return conversation_id(self.name(), sender) if isinstance(sender, str) else None

    def _extract_message(self, req: Request) -> Optional[Text]:
        text = req.json.get("message")
        return incoming.clean(text) if isinstance(text, str) else None

    def _extract_input_channel(self, req: Request) -> Text:
        return self.name()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = super().blueprint(answered(on_new_message))

        @hook.middleware("request")
        async def guard(request: Request) -> Optional[HTTPResponse]:
            if request.method != "POST":
                return None
            refused = self.refusal(request)
            if refused is not None:
                return refused
            return invalid_message(request) or self.answered_here(request)

        return hook

    def answered_here(self, request: Request) -> Optional[HTTPResponse]:
        """The channel's own answer to a message the bot must not see (too long, no text), else None."""
        body = request.json
        refusal = incoming.check(body["message"]).refusal
        if refusal is None:
            return None
        reply = {"recipient_id": conversation_id(self.name(), body["sender"]), "text": refusal}
        if bool_arg(request, "stream", default=False):
            return response.text(json.dumps(reply) + "\n", content_type="text/event-stream")
        return response.json([reply])


def invalid_message(request: Request) -> Optional[HTTPResponse]:
    """A clear 400 for a body Rasa would choke on: no JSON object, no usable sender, no text."""
    try:
        body = request.json
    except Exception:  # sanic raises on a body that is not JSON (or nested too deep to parse)
        body = None
    if not isinstance(body, dict):
        return error(400, "expected a JSON object with 'sender' and 'message'")
    sender, text = body.get("sender"), body.get("message")
    if (
        not isinstance(sender, str)
        or not sender.strip()
        or len(sender) > MAX_SENDER
        or not incoming.printable(sender)
    ):
        return error(400, f"'sender' must be a non-empty string of at most {MAX_SENDER} printable characters")
    if not isinstance(text, str):
        return error(400, "'message' must be a string")
    return None
