"""The operator desk: residents' requests for a human (engine/handoff.py), picked up by operators on a web page
that the Rasa server itself serves (credentials.yml `connectors.desk.OperatorDesk:`).

GET  /webhooks/desk/                          the page (connectors/desk_page/); asks for the token
GET  /webhooks/desk/api/requests              open and taken requests, with the conversation's newest messages
POST /webhooks/desk/api/requests/<id>/take    {"operator": name}: the bot falls silent, the resident is told
POST /webhooks/desk/api/requests/<id>/reply   {"operator": name, "text": ...}: sent to the resident's channel
POST /webhooks/desk/api/requests/<id>/close   {"operator": name}: the bot takes over again

Every API call needs `Authorization: Bearer $OPERATOR_TOKEN`; without OPERATOR_TOKEN the desk is off (503).
A request it cannot read gets 4xx with {"error", "code"}; an answer over 4096 characters (the residents' limit,
connectors/incoming.py) is refused with `text_too_long`, and control characters are dropped from an answer.
Taking appends Rasa's `ConversationPaused` to the conversation (the processor predicts nothing for a paused
tracker, so the bot stays silent while the resident writes), closing appends `ConversationResumed`; operators'
answers are `BotUttered` events with {"operator": name} in their metadata.
"""

from __future__ import annotations

import json
import logging
import unicodedata
from datetime import datetime, timezone
from functools import lru_cache, wraps
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Tuple

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    Event,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from connectors import incoming
from connectors.rest import bearer_token
from engine import handoff
from engine.channels import required_secret, secret_matches
from engine.sdk import phrase
from engine.skills.discovery import core_package
from engine.store import session_scope

logger = logging.getLogger(__name__)

TOKEN_ENV = "OPERATOR_TOKEN"
PAGE_DIR = Path(__file__).resolve().parent / "desk_page"
PAGE_FILES = {
    "index.html": "text/html; charset=utf-8",
    "desk.js": "text/javascript; charset=utf-8",
    "desk.css": "text/css; charset=utf-8",
}
MAX_TEXT = incoming.MAX_MESSAGE_CHARS  # characters of one answer
MAX_BODY = 64 * 1024  # bytes of a request body
MESSAGES_LIMIT = 50  # newest messages of a conversation listed with its request
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
API_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}

Handler = Callable[..., Awaitable[HTTPResponse]]


class DeskError(Exception):
    """A request the desk refuses: answered as {"error": message, "code": code} with `status`."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra

    def response(self) -> HTTPResponse:
        headers = dict(API_HEADERS)
        if self.status == 401:
            headers["WWW-Authenticate"] = "Bearer"
        body = {"error": self.message, "code": self.code, **self.extra}
        return response.json(body, status=self.status, headers=headers)


@lru_cache(maxsize=1)
def core_domain() -> Dict[str, Any]:
    """The core's domain fragment (domain/domain.yml): what the resident reads when an operator comes and goes."""
    return core_package().domain


def answer(body: Dict[str, Any], status: int = 200) -> HTTPResponse:
    return response.json(body, status=status, headers=API_HEADERS)


# ---- reading requests -------------------------------------------------------------------------------------------


def json_body(request: Request) -> Dict[str, Any]:
    raw = request.body or b""
    if len(raw) > MAX_BODY:
        raise DeskError(413, "body_too_large", f"the body is larger than {MAX_BODY} bytes")
    try:
        body = json.loads(raw.decode("utf-8")) if raw.strip() else None
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested too deep to parse
        raise DeskError(400, "bad_json", "the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise DeskError(400, "bad_json", "expected a JSON object")
    return body


def operator_name(body: Dict[str, Any]) -> str:
    name = body.get("operator")
    if not isinstance(name, str) or not name.strip():
        raise DeskError(400, "operator_required", "'operator' (the operator's name) is required")
    name = name.strip()
    if len(name) > handoff.MAX_OPERATOR or any(unicodedata.category(c).startswith("C") for c in name):
        raise DeskError(
            400, "bad_operator", f"'operator' must be at most {handoff.MAX_OPERATOR} printable characters"
        )
    return name


def reply_text(body: Dict[str, Any]) -> str:
    text = body.get("text")
    text = incoming.clean(text).strip() if isinstance(text, str) else ""  # the body is at most MAX_BODY
    if not text:
        raise DeskError(400, "text_required", "'text' must be a non-empty string")
    if len(text) > MAX_TEXT:
        raise DeskError(400, "text_too_long", f"'text' is longer than {MAX_TEXT} characters", limit=MAX_TEXT)
    return text


def request_number(value: str) -> int:
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        raise DeskError(404, "not_found", "no such request")
    return int(value)


# ---- conversations ----------------------------------------------------------------------------------------------


def _agent(request: Request) -> Any:
    agent = getattr(request.app.ctx, "agent", None)
    if agent is None or getattr(agent, "tracker_store", None) is None:
        raise DeskError(503, "not_ready", "the assistant is not ready yet")
    return agent


def conversation_messages(tracker: Optional[DialogueStateTracker], since: datetime) -> List[Dict[str, Any]]:
    """The conversation's newest messages, oldest first; `after_request` marks those written since `since`."""
    if tracker is None:
        return []
    since_timestamp = since.replace(tzinfo=timezone.utc).timestamp()
    lines = []
    for event in tracker.events:
        if not isinstance(event, (UserUttered, BotUttered)) or not event.text:
            continue
        operator = (event.metadata or {}).get("operator") if isinstance(event, BotUttered) else None
        speaker = "resident" if isinstance(event, UserUttered) else "operator" if operator else "bot"
        moment = datetime.fromtimestamp(event.timestamp or 0, tz=timezone.utc)
        lines.append(
            {
                "speaker": speaker,
                "text": event.text,
                "operator": operator,
                "time": moment.isoformat(timespec="seconds"),
                "after_request": (event.timestamp or 0) >= since_timestamp,
            }
        )
    return lines[-MESSAGES_LIMIT:]


async def change_conversation(
    agent: Any, conversation: str, change: Callable[[DialogueStateTracker], List[Event]]
) -> Tuple[DialogueStateTracker, List[Event]]:
    """Applies the events `change` chooses for the tracker and saves it, holding the conversation's lock (the one
    Rasa holds while it handles a message)."""
    async with agent.lock_store.lock(conversation):
        store = agent.tracker_store
        tracker = await store.retrieve(conversation)
        if tracker is None:
            tracker = await store.create_tracker(conversation, append_action_listen=False)
        events = change(tracker)
        for event in events:
            tracker.update(event)
        if events:
            await store.save(tracker)
    return tracker, events


def output_channel(request: Request, tracker: DialogueStateTracker) -> Optional[OutputChannel]:
    """The output channel of the conversation's latest input channel, as Rasa's `output_channel=latest` picks it."""
    latest = tracker.get_latest_input_channel()
    for channel in getattr(request.app.ctx, "input_channels", None) or []:
        if channel.name() == latest:
            return channel.get_output_channel()
    return None


async def deliver(request: Request, tracker: DialogueStateTracker, text: str) -> bool:
    """Sends `text` to the resident through their channel; False when the channel cannot push or it failed."""
    channel = output_channel(request, tracker)
    if channel is None:
        return False
    try:
        await channel.send_text_message(tracker.sender_id, text)
    except Exception:  # a channel's failure must not lose what the operator did
        logger.warning("the desk could not deliver a message to %s", tracker.sender_id, exc_info=True)
        return False
    return True


def notice(name: str, tracker: DialogueStateTracker, **values: Any) -> BotUttered:
    text = phrase(core_domain(), name, channel=tracker.get_latest_input_channel(), **values)
    return BotUttered(text, metadata={"utter_action": name})


# ---- the channel ------------------------------------------------------------------------------------------------


class OperatorDesk(InputChannel):
    """Not a channel residents write in: the operators' page and API, mounted where Rasa mounts channels."""

    @classmethod
    def name(cls) -> Text:
        return "desk"

    def __init__(self, token: Optional[str] = None) -> None:
        self.token = token if token is not None else required_secret(TOKEN_ENV)

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> OperatorDesk:
        return cls()

    def check_token(self, request: Request) -> None:
        if not self.token:
            raise DeskError(503, "desk_disabled", f"the operator desk is off: {TOKEN_ENV} is not set")
        if not secret_matches(bearer_token(request, query=False), self.token):
            raise DeskError(401, "unauthorized", "a valid 'Authorization: Bearer <token>' header is required")

    def guarded(self, handler: Handler, authenticate: bool = True) -> Handler:
        """The handler behind the token check, answering refusals and failures as JSON (never a traceback)."""

        @wraps(handler)
        async def run(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
            try:
                if authenticate:
                    self.check_token(request)
                elif not self.token:
                    raise DeskError(503, "desk_disabled", f"the operator desk is off: {TOKEN_ENV} is not set")
                return await handler(request, *args, **kwargs)
            except DeskError as refusal:
                return refusal.response()
            except Exception:  # answered as JSON, logged with its traceback
                logger.exception("operator desk: %s %s failed", request.method, request.path)
                return DeskError(500, "internal", "the desk failed; see the server log").response()

        return run

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        desk = Blueprint("operator_desk", __name__)
        pages = {name: (PAGE_DIR / name).read_bytes() for name in PAGE_FILES}

        def page(name: str) -> Handler:
            async def serve(request: Request) -> HTTPResponse:
                if name == "index.html" and not request.path.endswith("/"):
                    # the page names its script and style relative to itself
                    return response.redirect(request.path + "/", headers=PAGE_HEADERS)
                return response.raw(pages[name], content_type=PAGE_FILES[name], headers=PAGE_HEADERS)

            return serve

        async def queue(request: Request) -> HTTPResponse:
            agent = _agent(request)
            with session_scope() as session:
                entries = handoff.active_requests(session)
            listed = []
            for entry in entries:
                tracker = await agent.tracker_store.retrieve_full_tracker(entry.conversation_id)
                item = entry.as_json()
                item["messages"] = conversation_messages(tracker, entry.created_at)
                item["paused"] = bool(tracker and tracker.is_paused())
                listed.append(item)
            return answer({"requests": listed})

        async def take(request: Request, request_id: str) -> HTTPResponse:
            number, body = request_number(request_id), json_body(request)
            operator, agent = operator_name(body), _agent(request)
            with session_scope() as session:
                if handoff.find(session, number) is None:
                    raise DeskError(404, "not_found", f"no request {number}")
                taken = handoff.take(session, number, operator)
                current = handoff.find(session, number)
                if current is None:
                    raise DeskError(404, "not_found", f"no request {number}")
                status, holder, conversation = current.status, current.operator, current.conversation_id
            if not taken:
                if status == handoff.CLOSED:
                    raise DeskError(409, "closed", f"request {number} is closed")
                raise DeskError(
                    409, "taken", f"request {number} is taken by another operator", operator=holder
                )

            def pause(tracker: DialogueStateTracker) -> List[Event]:
                if tracker.is_paused():
                    return []  # taken again after a failure: already paused, the resident already told
                return [ConversationPaused(), notice("utter_desk_taken", tracker, operator=operator)]

            tracker, events = await change_conversation(agent, conversation, pause)
            for event in events:
                if isinstance(event, BotUttered) and event.text:
                    await deliver(request, tracker, event.text)
            return answer({"id": number, "status": handoff.TAKEN, "operator": operator})

        def held(number: int, operator: str) -> Tuple[str, Optional[int]]:
            """(conversation, resident) of a request `operator` holds; refused otherwise."""
            with session_scope() as session:
                current = handoff.find(session, number)
                if current is None:
                    raise DeskError(404, "not_found", f"no request {number}")
                if current.status != handoff.TAKEN:
                    raise DeskError(409, current.status, f"request {number} is {current.status}, not taken")
                if current.operator != operator:
                    raise DeskError(403, "not_yours", f"request {number} is taken by another operator")
                return current.conversation_id, current.resident_id

        async def reply(request: Request, request_id: str) -> HTTPResponse:
            number, body = request_number(request_id), json_body(request)
            operator, text, agent = operator_name(body), reply_text(body), _agent(request)
            conversation, resident = held(number, operator)
            said = BotUttered(text, metadata={"operator": operator})
            tracker, _ = await change_conversation(agent, conversation, lambda _: [said])
            delivered = await deliver(request, tracker, text)
            with session_scope() as session:
                handoff.record_reply(session, number, resident, operator, text, delivered)
            return answer({"id": number, "delivered": delivered})

        async def close(request: Request, request_id: str) -> HTTPResponse:
            number, body = request_number(request_id), json_body(request)
            operator, agent = operator_name(body), _agent(request)
            conversation, _ = held(number, operator)

            def resume(tracker: DialogueStateTracker) -> List[Event]:
                if not tracker.is_paused():
                    return []
                farewell = notice("utter_desk_closed", tracker)
                return [ConversationResumed(), farewell, ActionExecuted(ACTION_LISTEN_NAME)]

            tracker, events = await change_conversation(agent, conversation, resume)
            for event in events:
                if isinstance(event, BotUttered) and event.text:
                    await deliver(request, tracker, event.text)
            with session_scope() as session:
                if not handoff.close(session, number, operator):
                    raise DeskError(409, "closed", f"request {number} is closed already")
            return answer({"id": number, "status": handoff.CLOSED})

        for name in PAGE_FILES:
            uri = "/" if name == "index.html" else f"/{name}"
            route_name = "page" if name == "index.html" else name.replace(".", "_")
            desk.add_route(
                self.guarded(page(name), authenticate=False), uri, methods=["GET"], name=route_name
            )
        desk.add_route(self.guarded(queue), "/api/requests", methods=["GET"], name="queue")
        desk.add_route(self.guarded(take), "/api/requests/<request_id>/take", methods=["POST"], name="take")
        desk.add_route(
            self.guarded(reply), "/api/requests/<request_id>/reply", methods=["POST"], name="reply"
        )
        desk.add_route(
            self.guarded(close), "/api/requests/<request_id>/close", methods=["POST"], name="close"
        )
        return desk
