"""The web chat: a page at /webhooks/webchat/ and Rasa's socket.io channel behind it, with a signed session.

GET /webhooks/webchat/                    → the page (connectors/webchat_page/index.html)
GET /webhooks/webchat/static/<file>       → chat.js, chat.css and socket.io.min.js (from the page's node_modules)
socket.io at `socketio_path` (/socket.io) → events `session_request`, `session_confirm`, user and bot messages

Identity: the server issues every session id. On `session_request {session_id: <token>}` a token that
`engine.channels.unsign` accepts keeps its session; anything else (no token, a forged one, someone's raw id) gets
a new one. The server answers `session_confirm` with the signed token, which the page keeps in localStorage.
A user message always goes into the conversation `webchat:<session>` of the socket's verified session; the
`session_id` a client puts into a message is ignored (Rasa's stock handler would trust it). The socket joins the
room named after that conversation, so Rasa's output channel (room = recipient id = conversation id) reaches
every open page of the session, notifications sent with `output_channel=latest` included.

A user message without text the bot can read (no text, only white space or control characters, not a string)
or longer than 4096 characters (connectors/incoming.py) never reaches Rasa: the socket that sent it gets the
channel's polite Russian answer as a bot message. Below socket.io (`engineio_handler`): a polling POST over 1 MB
(python-engineio's `max_http_buffer_size`) gets 413 and one that is not UTF-8 400; Sanic closes a websocket on a
frame over 1 MiB, and the page reconnects.

Compared with Rasa's `socketio` channel: JWT authentication is not offered (the signed session replaces it);
`session_persistence: false` gives every connection a new session; client metadata is dropped except a
`timezone` string; socket.io accepts only same-origin pages unless `cors_allowed_origins` is configured.
"""

from __future__ import annotations

import html
import inspect
import logging
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Tuple, Union

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from connectors import incoming
from connectors.turns import answered
from engine.channels import conversation_id, new_session_id, secret_key, sign, unsign

logger = logging.getLogger(__name__)

CHANNEL = "webchat"
SESSION_CONFIRM_EVENT = "session_confirm"
MAX_TEXT = incoming.MAX_MESSAGE_CHARS
MAX_TIMEZONE = 64

PAGE_DIR = Path(__file__).resolve().parent / "webchat_page"
SOCKET_CLIENT = PAGE_DIR / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"
INSTALL_HINT = "npm ci --prefix connectors/webchat_page"
STATIC_FILES: Dict[str, Tuple[Path, str]] = {
    "chat.js": (PAGE_DIR / "chat.js", "application/javascript; charset=utf-8"),
    "chat.css": (PAGE_DIR / "chat.css", "text/css; charset=utf-8"),
    "socket.io.min.js": (SOCKET_CLIENT, "application/javascript; charset=utf-8"),
}
# The page runs only its own scripts: an injected inline script or event handler would not run even if some
# text ever reached the DOM as markup (the widget itself writes text with textContent only).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

Origins = Union[None, str, List[str]]


async def _settled(result: Any) -> None:
    """Awaits `result` if it is awaitable: `enter_room` / `leave_room` became coroutines in python-socketio 5.10."""
    if inspect.isawaitable(result):
        await result


def client_metadata(data: Dict[str, Any], key: Optional[str]) -> Optional[Dict[str, Any]]:
    """What is kept of a message's metadata: a short `timezone` string, nothing that could claim an identity."""
    metadata = data.get(key or "metadata")
    timezone = metadata.get("timezone") if isinstance(metadata, dict) else None
    if incoming.identifier(timezone, MAX_TIMEZONE):
        return {"timezone": timezone}
    return None


def engineio_handler(handle: Callable[..., Awaitable[Any]], max_bytes: int) -> Callable[..., Awaitable[Any]]:
    """python-engineio 4.7's request handler as Sanic should serve it:
    - a polling POST over `max_bytes` gets 413 at once (engine.io would close the session and wait, for Sanic's
      60-second response timeout, for a poll to take the close packet: then 503), one that is not UTF-8 gets 400
      (engine.io logged a traceback and answered 200);
    - a poll for a session engine.io has just closed (a ping timeout) raises KeyError there, which Sanic answered
      with a 500: it gets engine.io's own 400 instead;
    - a websocket ends without an HTTP response, which Sanic logged as an error at every disconnect unless the
      handler is marked as a websocket one."""

    async def handle_request(request: Request, *args: Any, **kwargs: Any) -> Any:
        if request.method == "POST":
            if len(request.body or b"") > max_bytes:
                return response.text("Payload too large", status=413)
            try:
                (request.body or b"").decode("utf-8")
            except UnicodeDecodeError:
                return response.text("Payload is not UTF-8", status=400)
        try:
            return await handle(request, *args, **kwargs)
        except KeyError:
            return response.text("Invalid session", status=400)

    handle_request.is_websocket = True  # type: ignore[attr-defined]
    return handle_request


def render_page(template: str, values: Dict[str, str]) -> str:
    """index.html with its `{{name}}` placeholders replaced by HTML-escaped values."""
    for name, value in values.items():
        template = template.replace("{{" + name + "}}", html.escape(value, quote=True))
    return template


class WebChatInput(SocketIOInput):
    """Rasa's socket.io channel with server-issued, signed sessions, and the page that talks to it."""

    @classmethod
    def name(cls) -> Text:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        return cls(
            credentials.get("user_message_evt", "user_uttered"),
            credentials.get("bot_message_evt", "bot_uttered"),
            credentials.get("namespace"),
            credentials.get("session_persistence", False),
            credentials.get("socketio_path", "/socket.io"),
            metadata_key=credentials.get("metadata_key", "metadata"),
            cors_allowed_origins=credentials.get("cors_allowed_origins"),
        )

    def __init__(
        self,
        user_message_evt: Text = "user_uttered",
        bot_message_evt: Text = "bot_uttered",
        namespace: Optional[Text] = None,
        session_persistence: bool = False,
        socketio_path: Optional[Text] = "/socket.io",
        metadata_key: Optional[Text] = "metadata",
        cors_allowed_origins: Origins = None,
        key: Optional[bytes] = None,
    ) -> None:
        super().__init__(
            user_message_evt,
            bot_message_evt,
            namespace,
            session_persistence,
            socketio_path,
            metadata_key=metadata_key,
        )
        self.cors_allowed_origins = cors_allowed_origins
        self.key = key
        self.conversations: Dict[str, str] = {}  # socket id → conversation id of its verified session

    def signing_key(self) -> bytes:
        if self.key is None:
            self.key = secret_key()
        return self.key

    def conversation_of(self, sid: str) -> Optional[str]:
        return self.conversations.get(sid)

    async def start_session(self, sio: AsyncServer, sid: str, data: Any) -> str:
        """Handles `session_request`: keeps the session of a token that verifies, else issues a new one; joins the
        socket to the conversation's room and confirms the signed token. Returns the conversation id."""
        token = data.get("session_id") if isinstance(data, dict) else None
        session = unsign(token, self.signing_key()) if self.session_persistence else None
        if session is None:
            session = new_session_id()
        conversation = conversation_id(CHANNEL, session)
        previous = self.conversations.get(sid)
        # Set before the first await: a message handled concurrently already finds the session.
        self.conversations[sid] = conversation
        if previous and previous != conversation:
            await _settled(sio.leave_room(sid, previous, namespace=self.namespace))
        await _settled(sio.enter_room(sid, conversation, namespace=self.namespace))
        await sio.emit(
            SESSION_CONFIRM_EVENT, sign(session, self.signing_key()), room=sid, namespace=self.namespace
        )
        return conversation

    def end_session(self, sid: str) -> None:
        """Handles `disconnect` (socket.io itself takes the socket out of its rooms)."""
        self.conversations.pop(sid, None)

    async def receive(
        self,
        sio: AsyncServer,
        sid: str,
        data: Any,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        """Handles a user message: into the conversation of the socket's own session, whatever the payload says.
        A message the bot must not see is answered here, to the socket that sent it."""
        text = data.get("message") if isinstance(data, dict) else None
        checked = (
            incoming.check(text) if isinstance(text, str) else incoming.Checked("", incoming.say("empty"))
        )
        if checked.refusal is not None:
            logger.debug(f"Answered a web chat message without acceptable text from socket {sid} itself.")
            await SocketIOOutput(sio, self.bot_message_evt).send_text_message(sid, checked.refusal)
            return
        conversation = self.conversation_of(sid) or await self.start_session(sio, sid, None)
        message = UserMessage(
            checked.text,
            SocketIOOutput(sio, self.bot_message_evt),
            conversation,
            input_channel=self.name(),
            metadata=client_metadata(data, self.metadata_key),
        )
        await on_new_message(message)

    def page(self) -> str:
        template = (PAGE_DIR / "index.html").read_text(encoding="utf-8")
        return render_page(
            template,
            {
                "socketio_path": self.socketio_path or "/socket.io",
                "user_event": self.user_message_evt,
                "bot_event": self.bot_message_evt,
            },
        )

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        self.signing_key()  # outside development mode, no ASSISTANT_SECRET_KEY fails the start, not each visit
        on_new_message = answered(on_new_message)
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=self.cors_allowed_origins)
        # Before the blueprint attaches the handler to the app.
        sio.eio.handle_request = engineio_handler(sio.eio.handle_request, sio.eio.max_http_buffer_size)
        hook = SocketBlueprint(sio, self.socketio_path, "webchat_webhook", __name__)
        self.sio = sio  # what get_output_channel() sends notifications through
        namespace = self.namespace

        @hook.route("/", methods=["GET"])
        async def page(request: Request) -> HTTPResponse:
            if not request.path.endswith("/"):  # the page's asset links are relative to the folder
                return response.redirect(request.path + "/")
            return response.html(self.page(), headers=SECURITY_HEADERS)

        @hook.route("/static/<name>", methods=["GET"])
        async def static(_: Request, name: str) -> HTTPResponse:
            found = STATIC_FILES.get(name)
            if found is None:
                return response.text("not found", status=404)
            path, mime_type = found
            if not path.is_file():
                logger.error(f"{path} is missing: run `{INSTALL_HINT}`.")
                return response.text(f"{name} is not installed ({INSTALL_HINT})", status=503)
            return await response.file(path, mime_type=mime_type, headers=SECURITY_HEADERS)

        @sio.on("connect", namespace=namespace)
        async def connect(sid: Text, _environ: Dict, _auth: Optional[Dict] = None) -> bool:
            logger.debug(f"Socket {sid} connected to the web chat.")
            return True

        @sio.on("disconnect", namespace=namespace)
        async def disconnect(sid: Text) -> None:
            self.end_session(sid)

        @sio.on("session_request", namespace=namespace)
        async def session_request(sid: Text, data: Any = None) -> None:
            await self.start_session(sio, sid, data)

        @sio.on(self.user_message_evt, namespace=namespace)
        async def user_message(sid: Text, data: Any = None) -> None:
            await self.receive(sio, sid, data, on_new_message)

        return hook
