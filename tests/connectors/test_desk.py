"""The operator desk (connectors/desk.py) through a real Sanic app on a loopback port: a stub agent with Rasa's
in-memory tracker and lock stores, a web-chat channel that records what it sends, the store on SQLite."""

from __future__ import annotations

import asyncio
import json
from contextlib import AsyncExitStack
from typing import Any, Dict, List, Optional, Tuple

import aiohttp
import pytest
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import BotUttered, ConversationPaused, ConversationResumed, UserUttered
from sqlalchemy import select

from actions.core.handoff import ActionHumanHandoff
from connectors.desk import MAX_TEXT, OperatorDesk
from engine import handoff
from engine.store import session_scope
from engine.store.models import AuditRecord, HandoffRequest, Resident
from engine.testing import at_once, channel_app, make_tracker, run_action, serving
from tests.connectors.desk_stubs import RecordingOutput, StubAgent, WebChatStub

TOKEN = "s3cret-operator-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
CONVERSATION = "webchat:3f2a"
HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)> & \"quotes\" </textarea>"
TAKEN_TEXT = "Оператор Анна подключился к разговору."
CLOSED_TEXT = "Оператор завершил разговор. Я снова на связи — чем помочь?"


class Desk:
    """The desk's blueprint in a Sanic app served on a free loopback port while the desk is entered."""

    def __init__(self, token: Optional[str] = TOKEN) -> None:
        self.agent = StubAgent()
        self.output = RecordingOutput()
        channel = OperatorDesk.from_credentials(None) if token is None else OperatorDesk(token)
        self.app = channel_app(channel, self._ignored, agent=self.agent)
        self.app.ctx.input_channels.append(WebChatStub(self.output))
        self._stack = AsyncExitStack()
        self._base = ""
        self._client: Optional[aiohttp.ClientSession] = None

    async def _ignored(self, _message: Any) -> None:
        raise AssertionError("the desk takes no messages from residents")

    async def __aenter__(self) -> Desk:
        self._base = await self._stack.enter_async_context(serving(self.app))
        self._client = await self._stack.enter_async_context(aiohttp.ClientSession())
        return self

    async def __aexit__(self, *_: Any) -> None:
        await self._stack.aclose()

    async def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: Optional[Dict[str, str]] = None,
        raw: bytes = b"",
    ) -> Tuple[int, Dict[str, str], Any]:
        assert self._client is not None, "enter the desk first"
        data = raw or (json.dumps(body).encode() if body is not None else b"")
        all_headers = dict(headers or {})
        if data:
            all_headers["Content-Type"] = "application/json"
        async with self._client.request(
            method, self._base + path, data=data or None, headers=all_headers, allow_redirects=False
        ) as reply:
            reply_headers = {k.lower(): v for k, v in reply.headers.items()}
            content = await reply.read()
        if reply_headers.get("content-type", "").startswith("application/json"):
            return reply.status, reply_headers, json.loads(content)
        return reply.status, reply_headers, content

    async def api(self, method: str, path: str, body: Any = None, **kwargs: Any) -> Tuple[int, Any]:
        status, _, content = await self.call(method, f"/webhooks/desk/api/{path}", body, AUTH, **kwargs)
        return status, content

    async def tracker(self) -> Any:
        return await self.agent.tracker_store.retrieve(CONVERSATION)


def run(scenario: Any) -> Any:
    return asyncio.run(scenario)


async def resident_conversation(desk: Desk, *lines: Tuple[str, str], at: float = 1_700_000_000) -> None:
    """The resident's conversation in the tracker store: ("user" | "bot", text) lines, a second apart."""
    tracker = await desk.agent.tracker_store.get_or_create_tracker(CONVERSATION, append_action_listen=False)
    for n, (speaker, text) in enumerate(lines):
        if speaker == "user":
            tracker.update(UserUttered(text, {"name": "chitchat"}, input_channel="webchat", timestamp=at + n))
        else:
            tracker.update(BotUttered(text, timestamp=at + n))
    await desk.agent.tracker_store.save(tracker)


def open_request(transcript_text: str = "мне нужен человек", phone: Optional[str] = None) -> int:
    with session_scope() as session:
        resident = Resident(phone=phone)
        session.add(resident)
        session.flush()
        request = handoff.open_request(
            session,
            channel="webchat",
            external_id="3f2a",
            conversation_id=CONVERSATION,
            resident_id=resident.id,
            transcript=[
                {"speaker": "resident", "text": transcript_text, "time": "2023-11-14T22:13:20+00:00"}
            ],
            reason="resident_asked",
        )
        return request.id


def audit_actions() -> List[str]:
    with session_scope() as session:
        return list(session.execute(select(AuditRecord.action).order_by(AuditRecord.id)).scalars())


def request_row(number: int) -> HandoffRequest:
    with session_scope() as session:
        row = session.get(HandoffRequest, number)
        assert row is not None
        return row


def test_without_operator_token_the_desk_is_off(sqlite_store, monkeypatch):
    monkeypatch.delenv("OPERATOR_TOKEN", raising=False)

    async def scenario() -> None:
        async with Desk(token=None) as desk:
            status, body = await desk.api("GET", "requests")
            assert status == 503 and body["code"] == "desk_disabled" and "OPERATOR_TOKEN" in body["error"]
            page_status, _, page = await desk.call("GET", "/webhooks/desk/")
            assert page_status == 503 and page["code"] == "desk_disabled"

    run(scenario())


def test_the_token_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("OPERATOR_TOKEN", " from-env ")
    assert OperatorDesk.from_credentials(None).token == "from-env"


@pytest.mark.parametrize(
    "headers",
    [None, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}, {"Authorization": f"Basic {TOKEN}"}],
)
def test_the_api_needs_the_bearer_token(sqlite_store, headers):
    async def scenario() -> None:
        async with Desk() as desk:
            for method, path in [("GET", "requests"), ("POST", "requests/1/take")]:
                status, reply_headers, body = await desk.call(
                    method, f"/webhooks/desk/api/{path}", {"operator": "Анна"}, headers
                )
                assert status == 401 and body["code"] == "unauthorized"
                assert reply_headers["www-authenticate"] == "Bearer"

    run(scenario())


def test_the_page_loads_without_a_token_and_forbids_inline_scripts(sqlite_store):
    async def scenario() -> None:
        async with Desk() as desk:
            status, headers, page = await desk.call("GET", "/webhooks/desk/")
            assert status == 200 and headers["content-type"].startswith("text/html")
            assert b'id="token-input"' in page and b"desk.js" in page
            assert "script-src 'self'" in headers["content-security-policy"]
            status, headers, script = await desk.call("GET", "/webhooks/desk/desk.js")
            assert status == 200 and b"innerHTML" not in script and b"textContent" in script
            status, headers, _ = await desk.call("GET", "/webhooks/desk")
            assert status == 302 and headers["location"] == "/webhooks/desk/"

    run(scenario())


def test_the_queue_lists_open_requests_with_transcript_and_what_the_resident_wrote_since(sqlite_store):
    number = open_request(phone="+79123456789")

    async def scenario() -> Dict[str, Any]:
        async with Desk() as desk:
            await resident_conversation(desk, ("user", "привет"), ("bot", "Здравствуйте!"))
            await resident_conversation(desk, ("user", "вы тут?"), at=4_000_000_000)  # after the request
            status, body = await desk.api("GET", "requests")
            assert status == 200
            return body

    body = run(scenario())
    [listed] = body["requests"]
    assert listed["id"] == number and listed["status"] == "open" and listed["operator"] is None
    assert (listed["channel"], listed["external_id"], listed["conversation_id"]) == (
        "webchat",
        "3f2a",
        CONVERSATION,
    )
    assert listed["phone"] == "+7 912 ***-**-89"
    assert [line["text"] for line in listed["transcript"]] == ["мне нужен человек"]
    assert [(m["speaker"], m["text"], m["after_request"]) for m in listed["messages"]] == [
        ("resident", "привет", False),
        ("bot", "Здравствуйте!", False),
        ("resident", "вы тут?", True),
    ]


def test_taking_pauses_the_bot_tells_the_resident_and_a_second_take_is_refused(sqlite_store):
    number = open_request()

    async def scenario() -> None:
        async with Desk() as desk:
            await resident_conversation(desk, ("user", "оператора"))
            status, body = await desk.api("POST", f"requests/{number}/take", {"operator": "Анна"})
            assert (status, body["status"], body["operator"]) == (200, "taken", "Анна")
            tracker = await desk.tracker()
            assert tracker.is_paused() and any(isinstance(e, ConversationPaused) for e in tracker.events)
            assert not MessageProcessor._should_handle_message(tracker)  # Rasa predicts nothing now
            assert desk.output.sent == [(CONVERSATION, TAKEN_TEXT)]

            status, body = await desk.api("POST", f"requests/{number}/take", {"operator": "Борис"})
            assert status == 409 and body["code"] == "taken" and body["operator"] == "Анна"
            status, _ = await desk.api("POST", f"requests/{number}/take", {"operator": "Анна"})
            assert status == 200 and desk.output.sent == [(CONVERSATION, TAKEN_TEXT)]  # not told twice

    run(scenario())
    row = request_row(number)
    assert (row.status, row.operator) == ("taken", "Анна") and row.taken_at is not None
    assert audit_actions() == ["handoff_requested", "handoff_taken"]


def test_two_operators_taking_at_once_one_wins(sqlite_store):
    number = open_request()

    async def scenario() -> List[int]:
        async with Desk() as desk:
            await resident_conversation(desk, ("user", "оператора"))
            replies = await asyncio.gather(
                *(
                    desk.api("POST", f"requests/{number}/take", {"operator": name})
                    for name in ("Анна", "Борис")
                )
            )
            assert len(desk.output.sent) == 1
            return sorted(status for status, _ in replies)

    assert run(scenario()) == [200, 409]


def test_taking_is_atomic_in_the_store(store):
    number = open_request()

    def take(name: str) -> bool:
        with session_scope() as session:
            return handoff.take(session, number, name)

    names = ["Анна", "Борис", "Вера", "Глеб"]
    won = at_once(take, names)
    assert sum(won) == 1
    assert request_row(number).operator == names[won.index(True)]
    assert audit_actions().count("handoff_taken") == 1


def test_a_reply_reaches_the_resident_and_lands_in_the_tracker(sqlite_store):
    number = open_request()

    async def scenario() -> None:
        async with Desk() as desk:
            await resident_conversation(desk, ("user", "оператора"))
            await desk.api("POST", f"requests/{number}/take", {"operator": "Анна"})
            status, body = await desk.api(
                "POST",
                f"requests/{number}/reply",
                {"operator": "Анна", "text": "  Здравствуйте, чем помочь?\n"},
            )
            assert (status, body["delivered"]) == (200, True)
            assert desk.output.sent[-1] == (CONVERSATION, "Здравствуйте, чем помочь?")
            said = (await desk.tracker()).events[-1]
            assert isinstance(said, BotUttered) and said.text == "Здравствуйте, чем помочь?"
            assert said.metadata == {"operator": "Анна"}
            _, queue = await desk.api("GET", "requests")
            assert queue["requests"][0]["messages"][-1]["speaker"] == "operator"

    run(scenario())
    assert audit_actions()[-1] == "handoff_replied"


def test_only_the_operator_who_took_a_request_answers_it(sqlite_store):
    number = open_request()

    async def scenario() -> None:
        async with Desk() as desk:
            await resident_conversation(desk, ("user", "оператора"))
            status, body = await desk.api(
                "POST", f"requests/{number}/reply", {"operator": "Анна", "text": "Да?"}
            )
            assert status == 409 and body["code"] == "open"
            await desk.api("POST", f"requests/{number}/take", {"operator": "Анна"})
            status, body = await desk.api(
                "POST", f"requests/{number}/reply", {"operator": "Борис", "text": "Да?"}
            )
            assert status == 403 and body["code"] == "not_yours"
            status, body = await desk.api("POST", f"requests/{number}/close", {"operator": "Борис"})
            assert status == 403 and body["code"] == "not_yours"
            assert desk.output.sent == [(CONVERSATION, TAKEN_TEXT)]

    run(scenario())
    assert "handoff_replied" not in audit_actions()


def test_closing_resumes_the_bot_and_tells_the_resident(sqlite_store):
    number = open_request()

    async def scenario() -> None:
        async with Desk() as desk:
            await resident_conversation(desk, ("user", "оператора"))
            await desk.api("POST", f"requests/{number}/take", {"operator": "Анна"})
            status, body = await desk.api("POST", f"requests/{number}/close", {"operator": "Анна"})
            assert (status, body["status"]) == (200, "closed")
            tracker = await desk.tracker()
            assert not tracker.is_paused() and any(isinstance(e, ConversationResumed) for e in tracker.events)
            assert MessageProcessor._should_handle_message(tracker)
            assert desk.output.sent == [(CONVERSATION, TAKEN_TEXT), (CONVERSATION, CLOSED_TEXT)]
            assert (await desk.api("GET", "requests"))[1]["requests"] == []
            status, body = await desk.api("POST", f"requests/{number}/close", {"operator": "Анна"})
            assert status == 409 and body["code"] == "closed"
            status, body = await desk.api(
                "POST", f"requests/{number}/reply", {"operator": "Анна", "text": "ещё"}
            )
            assert status == 409 and body["code"] == "closed"

    run(scenario())
    row = request_row(number)
    assert row.status == "closed" and row.closed_at is not None
    assert audit_actions() == ["handoff_requested", "handoff_taken", "handoff_closed"]


@pytest.mark.parametrize(
    ("path", "body", "raw", "status", "code"),
    [
        ("requests/999/take", {"operator": "Анна"}, b"", 404, "not_found"),
        ("requests/abc/take", {"operator": "Анна"}, b"", 404, "not_found"),
        ("requests/{n}/take", None, b"{not json", 400, "bad_json"),
        ("requests/{n}/take", None, b"\xff\xfe", 400, "bad_json"),
        ("requests/{n}/take", ["Анна"], b"", 400, "bad_json"),
        ("requests/{n}/take", None, b"", 400, "bad_json"),
        ("requests/{n}/take", {}, b"", 400, "operator_required"),
        ("requests/{n}/take", {"operator": 7}, b"", 400, "operator_required"),
        ("requests/{n}/take", {"operator": "x" * 65}, b"", 400, "bad_operator"),
        ("requests/{n}/take", {"operator": "Анна\u0000"}, b"", 400, "bad_operator"),
        ("requests/{n}/reply", {"operator": "Анна", "text": "   "}, b"", 400, "text_required"),
        ("requests/{n}/reply", {"operator": "Анна", "text": None}, b"", 400, "text_required"),
        ("requests/{n}/reply", {"operator": "Анна", "text": "я" * (MAX_TEXT + 1)}, b"", 400, "text_too_long"),
        ("requests/{n}/reply", None, b" " * (70 * 1024), 413, "body_too_large"),
    ],
)
def test_bad_input_is_refused_with_a_clear_json_error(sqlite_store, path, body, raw, status, code):
    number = open_request()

    async def scenario() -> Tuple[int, Any]:
        async with Desk() as desk:
            return await desk.api("POST", path.format(n=number), body, raw=raw)

    got_status, got = run(scenario())
    assert (got_status, got["code"]) == (status, code) and got["error"]
    assert request_row(number).status == "open"


def test_hostile_text_is_kept_and_returned_verbatim(sqlite_store):
    number = open_request(transcript_text=HOSTILE)

    async def scenario() -> Dict[str, Any]:
        async with Desk() as desk:
            await resident_conversation(desk, ("user", HOSTILE))
            await desk.api("POST", f"requests/{number}/take", {"operator": "Анна"})
            status, _ = await desk.api(
                "POST", f"requests/{number}/reply", {"operator": "Анна", "text": HOSTILE}
            )
            assert status == 200 and desk.output.sent[-1] == (CONVERSATION, HOSTILE)
            assert (await desk.tracker()).events[-1].text == HOSTILE
            return (await desk.api("GET", "requests"))[1]

    [listed] = run(scenario())["requests"]
    assert listed["transcript"][0]["text"] == HOSTILE
    assert [m["text"] for m in listed["messages"] if m["speaker"] != "bot"] == [HOSTILE, HOSTILE]


def test_a_reply_to_a_channel_that_cannot_push_stays_in_the_conversation(sqlite_store):
    number = open_request()

    async def scenario() -> None:
        async with Desk() as desk:
            desk.app.ctx.input_channels = desk.app.ctx.input_channels[:1]  # no web chat to push through
            await resident_conversation(desk, ("user", "оператора"))
            await desk.api("POST", f"requests/{number}/take", {"operator": "Анна"})
            status, body = await desk.api(
                "POST", f"requests/{number}/reply", {"operator": "Анна", "text": "Да?"}
            )
            assert (status, body["delivered"]) == (200, False)
            assert (await desk.tracker()).events[-1].text == "Да?"

    run(scenario())


def test_the_handoff_action_records_the_conversation_and_keeps_one_open_request_per_conversation(
    sqlite_store,
):
    tracker = make_tracker("оператора", "human_handoff", sender_id=CONVERSATION, channel="webchat")
    run_action(ActionHumanHandoff(), tracker)
    run_action(ActionHumanHandoff(), tracker)
    with session_scope() as session:
        [request] = session.execute(select(HandoffRequest)).scalars().all()
    assert (request.channel, request.external_id, request.conversation_id) == (
        "webchat",
        "3f2a",
        CONVERSATION,
    )
    assert request.status == "open"
