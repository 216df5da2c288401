"""The web chat's session logic, through the socket.io handlers its blueprint registers (no model, no server)."""

import asyncio
from types import SimpleNamespace
from typing import Any, Dict, List, Optional, Tuple

import pytest
from rasa.core.channels.channel import UserMessage

from connectors.webchat import (
    MAX_TEXT,
    SOCKET_CLIENT,
    STATIC_FILES,
    WebChatInput,
    client_metadata,
    render_page,
)
from engine.channels import conversation_id, sign, unsign

KEY = b"test-key-of-the-web-chat"
OTHER_KEY = b"somebody-else's-key"


class Chat:
    """A WebChatInput with its blueprint built, sockets connected by hand, and what it emitted and received."""

    def __init__(self, **options: Any) -> None:
        options.setdefault("session_persistence", True)
        self.channel = WebChatInput(key=KEY, **options)
        self.received: List[UserMessage] = []
        self.emitted: List[Tuple[str, Any, Optional[str]]] = []
        self.blueprint = self.channel.blueprint(self._collect)
        self.sio = self.channel.sio
        self.sio.emit = self._emit  # nothing is really connected: record instead of sending

    async def _collect(self, message: UserMessage) -> None:
        self.received.append(message)

    async def _emit(self, event: str, data: Any = None, room: Optional[str] = None, **_: Any) -> None:
        self.emitted.append((event, data, room))

    def connect(self, eio_sid: str) -> str:
        return self.sio.manager.connect(eio_sid, "/")

    def handle(self, event: str, sid: str, data: Any = None) -> None:
        asyncio.run(self.sio.handlers["/"][event](sid, data))

    def disconnect(self, sid: str) -> None:
        """What python-socketio does when a socket goes: the handler, then the socket leaves all its rooms."""
        asyncio.run(self.sio.handlers["/"]["disconnect"](sid))
        asyncio.run(self.sio.manager.disconnect(sid, "/"))

    def confirmed(self, sid: str) -> str:
        """The last token confirmed to `sid`."""
        tokens = [data for event, data, room in self.emitted if event == "session_confirm" and room == sid]
        assert tokens, f"no session_confirm for {sid}: {self.emitted}"
        return tokens[-1]

    def session_of(self, sid: str) -> str:
        session = unsign(self.confirmed(sid), KEY)
        assert session is not None
        return session

    def members(self, room: str) -> List[str]:
        return [sid for sid, _ in self.sio.manager.get_participants("/", room)]


@pytest.fixture
def chat() -> Chat:
    return Chat()


def test_a_first_visit_gets_a_new_signed_session_and_joins_its_room(chat):
    sid = chat.connect("eio-1")
    chat.handle("session_request", sid, {"session_id": None})
    session = chat.session_of(sid)
    assert len(session) == 32
    assert chat.channel.conversation_of(sid) == conversation_id("webchat", session) == f"webchat:{session}"
    assert chat.members(f"webchat:{session}") == [sid]


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        "not a dict",
        {"session_id": 12345},
        {"session_id": "0123456789abcdef0123456789abcdef"},  # someone's raw session id
        {"session_id": "0123456789abcdef0123456789abcdef.forged-signature"},
        {"session_id": sign("0123456789abcdef0123456789abcdef", OTHER_KEY)},  # signed with another key
        {"session_id": sign("0123456789abcdef0123456789abcdef", KEY)[:-1]},  # altered
    ],
)
def test_anything_but_a_token_of_ours_gets_a_new_session(chat, data):
    sid = chat.connect("eio-1")
    chat.handle("session_request", sid, data)
    session = chat.session_of(sid)
    assert session != "0123456789abcdef0123456789abcdef"
    assert chat.channel.conversation_of(sid) == f"webchat:{session}"
    assert chat.members("webchat:0123456789abcdef0123456789abcdef") == []


def test_a_valid_token_keeps_the_conversation_across_reloads_and_tabs(chat):
    first = chat.connect("eio-1")
    chat.handle("session_request", first, {})
    token = chat.confirmed(first)
    chat.disconnect(first)
    assert chat.channel.conversation_of(first) is None

    again = chat.connect("eio-2")  # the page reloaded
    chat.handle("session_request", again, {"session_id": token})
    other_tab = chat.connect("eio-3")
    chat.handle("session_request", other_tab, {"session_id": token})

    conversation = f"webchat:{unsign(token, KEY)}"
    assert chat.confirmed(again) == chat.confirmed(other_tab) == token
    assert chat.channel.conversation_of(again) == chat.channel.conversation_of(other_tab) == conversation
    assert sorted(chat.members(conversation)) == sorted([again, other_tab])


def test_a_message_naming_another_session_lands_in_the_sockets_own_conversation(chat):
    victim = chat.connect("eio-victim")
    chat.handle("session_request", victim, {})
    victim_session = chat.session_of(victim)

    attacker = chat.connect("eio-attacker")
    chat.handle("session_request", attacker, {"session_id": victim_session})  # the raw id, unsigned
    chat.handle(
        "user_uttered",
        attacker,
        {
            "message": "покажи мой профиль",
            "session_id": victim_session,
            "metadata": {"sender": f"webchat:{victim_session}", "session_id": victim_session},
        },
    )

    [message] = chat.received
    attacker_conversation = f"webchat:{chat.session_of(attacker)}"
    assert message.sender_id == attacker_conversation != f"webchat:{victim_session}"
    assert message.text == "покажи мой профиль"
    assert message.input_channel == "webchat"
    assert message.metadata is None  # nothing but a timezone is taken from the client
    assert attacker not in chat.members(f"webchat:{victim_session}")


def test_the_bot_answers_into_the_conversations_room(chat):
    sid = chat.connect("eio-1")
    chat.handle("session_request", sid, {})
    chat.handle("user_uttered", sid, {"message": "привет", "metadata": {"timezone": "Asia/Yekaterinburg"}})
    [message] = chat.received
    assert message.metadata == {"timezone": "Asia/Yekaterinburg"}

    asyncio.run(message.output_channel.send_text_message(message.sender_id, "Здравствуйте! 👋"))
    # What trigger_intent?output_channel=latest uses: the channel's own output, addressed by conversation id.
    notifier = chat.channel.get_output_channel()
    asyncio.run(notifier.send_text_message(message.sender_id, "Напоминание"))

    bot = [(data, room) for event, data, room in chat.emitted if event == "bot_uttered"]
    assert bot == [
        ({"text": "Здравствуйте! 👋"}, message.sender_id),
        ({"text": "Напоминание"}, message.sender_id),
    ]
    assert chat.members(message.sender_id) == [sid]


def test_a_message_before_any_session_request_gets_a_session_of_its_own(chat):
    sid = chat.connect("eio-1")
    chat.handle("user_uttered", sid, {"message": "привет", "session_id": "someone"})
    [message] = chat.received
    assert message.sender_id == f"webchat:{chat.session_of(sid)}"


def test_asking_again_with_another_valid_token_moves_the_socket(chat):
    sid = chat.connect("eio-1")
    chat.handle("session_request", sid, {})
    first = chat.channel.conversation_of(sid)
    chat.handle("session_request", sid, {"session_id": sign("feedfacefeedfacefeedfacefeedface", KEY)})
    assert chat.channel.conversation_of(sid) == "webchat:feedfacefeedfacefeedfacefeedface"
    assert chat.members(first) == []
    assert chat.members("webchat:feedfacefeedfacefeedfacefeedface") == [sid]


@pytest.mark.parametrize(
    "data",
    [
        None,
        "привет",
        {},
        {"message": ""},
        {"message": "   "},
        {"message": 42},
        {"message": "я" * (MAX_TEXT + 1)},
    ],
)
def test_messages_without_acceptable_text_never_reach_rasa_and_are_answered(chat, data):
    sid = chat.connect("eio-1")
    chat.handle("session_request", sid, {})
    chat.handle("user_uttered", sid, data)
    assert chat.received == []
    [(_, answer, room)] = [(e, d, r) for e, d, r in chat.emitted if e == "bot_uttered"]
    assert room == sid and answer["text"]


def test_without_session_persistence_every_connection_is_a_new_conversation():
    chat = Chat(session_persistence=False)
    sid = chat.connect("eio-1")
    token = sign("feedfacefeedfacefeedfacefeedface", KEY)
    chat.handle("session_request", sid, {"session_id": token})
    assert chat.channel.conversation_of(sid) != "webchat:feedfacefeedfacefeedfacefeedface"
    assert chat.confirmed(sid) != token


def test_credentials_configure_the_events_and_persistence():
    channel = WebChatInput.from_credentials(
        {"user_message_evt": "say", "bot_message_evt": "hear", "session_persistence": True}
    )
    assert isinstance(channel, WebChatInput)
    assert (channel.name(), channel.url_prefix()) == ("webchat", "webchat")
    assert (channel.user_message_evt, channel.bot_message_evt, channel.session_persistence) == (
        "say",
        "hear",
        True,
    )
    assert channel.cors_allowed_origins is None  # socket.io takes same-origin pages only


@pytest.mark.parametrize(
    ("metadata", "kept"),
    [
        ({"timezone": "Europe/Moscow"}, {"timezone": "Europe/Moscow"}),
        ({"timezone": "x" * 65}, None),
        ({"timezone": 3}, None),
        ({"user_id": "telegram:1"}, None),
        ('{"timezone": "Europe/Moscow"}', None),
        (None, None),
    ],
)
def test_client_metadata_keeps_a_timezone_only(metadata, kept):
    assert client_metadata({"metadata": metadata}, "metadata") == kept


def test_the_page_template_escapes_its_settings():
    page = render_page('<main data-path="{{socketio_path}}">', {"socketio_path": '/x"><script>'})
    assert page == '<main data-path="/x&quot;&gt;&lt;script&gt;">'


def routes(chat: Chat) -> Dict[str, Any]:
    return {route.uri: route.handler for route in chat.blueprint._future_routes}


def test_the_blueprint_serves_the_page_with_a_strict_content_security_policy(chat):
    page = asyncio.run(routes(chat)["/"](SimpleNamespace(path="/webhooks/webchat/")))
    body = page.body.decode("utf-8")
    assert page.status == 200
    assert '<meta charset="utf-8">' in body
    assert 'data-socketio-path="/socket.io"' in body and 'data-bot-event="bot_uttered"' in body
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert 'aria-live="polite"' in body

    moved = asyncio.run(routes(chat)["/"](SimpleNamespace(path="/webhooks/webchat")))
    assert (moved.status, moved.headers["Location"]) == (302, "/webhooks/webchat/")


def test_the_blueprint_serves_only_the_pages_own_files(chat):
    static = routes(chat)["/static/<name>"]
    script = asyncio.run(static(SimpleNamespace(), "chat.js"))
    assert script.status == 200 and script.content_type.startswith("application/javascript")
    assert b"textContent" in script.body and b"innerHTML" not in script.body
    for name in ("..", "index.html", "package.json", "webchat.py"):
        assert asyncio.run(static(SimpleNamespace(), name)).status == 404
    assert set(STATIC_FILES) == {"chat.js", "chat.css", "socket.io.min.js"}


@pytest.mark.skipif(not SOCKET_CLIENT.is_file(), reason="npm ci --prefix connectors/webchat_page not run")
def test_the_socket_io_client_is_the_pinned_one(chat):
    served = asyncio.run(routes(chat)["/static/<name>"](SimpleNamespace(), "socket.io.min.js"))
    assert served.status == 200
    assert b"Socket.IO v4.8.4" in served.body[:200]
