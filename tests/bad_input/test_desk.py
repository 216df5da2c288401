"""Bad input to the operator desk's API (connectors/desk.py): a real Sanic app, Rasa's in-memory tracker and lock
stores, a web chat that records what reaches the resident, the store on SQLite."""

from __future__ import annotations

import asyncio
import json
from typing import Any, List, Tuple

import aiohttp
import pytest
from rasa.shared.core.events import UserUttered

from connectors.desk import MAX_BODY, MAX_TEXT, OperatorDesk
from engine import handoff
from engine.store import session_scope
from engine.store.models import Resident
from engine.testing import channel_app, serving
from tests.bad_input.inputs import (
    ANSWERED_EMPTY,
    INVALID_UTF8,
    NOT_TEXT,
    REACHES_BOT,
    TEXTS,
    as_json,
    assert_clear_error,
)
from tests.connectors.desk_stubs import RecordingOutput, StubAgent, WebChatStub

TOKEN = "s3cret-operator-token"
AUTH = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
CONVERSATION = "webchat:3f2a"
OPERATOR = "Анна"
TOO_DEEP = b"[" * 30_000 + b"]" * 30_000  # under the desk's body limit, deeper than Python parses


def open_request() -> int:
    with session_scope() as session:
        resident = Resident()
        session.add(resident)
        session.flush()
        return handoff.open_request(
            session,
            channel="webchat",
            external_id="3f2a",
            conversation_id=CONVERSATION,
            resident_id=resident.id,
            transcript=[{"speaker": "resident", "text": "оператора", "time": "2023-11-14T22:13:20+00:00"}],
            reason="resident_asked",
        ).id


def calls(*requests: Tuple[str, str, bytes]) -> Tuple[List[Tuple[int, bytes]], List[str]]:
    """Takes a request as Анна, then makes the calls (method, path under /api/, body): their statuses and bodies,
    and what reached the resident after the operator's greeting."""
    number = open_request()
    output, agent = RecordingOutput(), StubAgent()
    app = channel_app(OperatorDesk(TOKEN), lambda _: None, agent=agent)
    app.ctx.input_channels.append(WebChatStub(output))

    async def scenario() -> List[Tuple[int, bytes]]:
        tracker = await agent.tracker_store.get_or_create_tracker(CONVERSATION, append_action_listen=False)
        tracker.update(UserUttered("оператора", {"name": "human_handoff"}, input_channel="webchat"))
        await agent.tracker_store.save(tracker)
        replies = []
        async with serving(app) as base, aiohttp.ClientSession() as client:
            api = f"{base}/webhooks/desk/api/"
            async with client.post(
                f"{api}requests/{number}/take", data=as_json({"operator": OPERATOR}), headers=AUTH
            ) as r:
                assert r.status == 200, await r.text()
            for method, path, body in requests:
                async with client.request(
                    method, api + path.format(n=number), data=body, headers=AUTH
                ) as reply:
                    replies.append((reply.status, await reply.read()))
        return replies

    replies = asyncio.run(asyncio.wait_for(scenario(), timeout=60))
    return replies, [text for _, text in output.sent[1:]]


def reply(body: bytes) -> Tuple[str, str, bytes]:
    return ("POST", "requests/{n}/reply", body)


def answer(text: Any = None, operator: Any = OPERATOR) -> bytes:
    return as_json({"operator": operator, "text": text})


@pytest.mark.parametrize("kind", sorted(REACHES_BOT))
def test_odd_text_reaches_the_resident_less_control_characters(sqlite_store, kind):
    [(status, content)], sent = calls(reply(answer(TEXTS[kind])))
    assert (status, json.loads(content)["delivered"]) == (200, True)
    assert sent == [REACHES_BOT[kind]]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        *((answer(TEXTS[kind]), 400, "text_required") for kind in ANSWERED_EMPTY),
        (answer(TEXTS["10k"]), 400, "text_too_long"),
        (answer(TEXTS["1M"]), 413, "body_too_large"),
        *((answer(value), 400, "text_required") for value in NOT_TEXT.values()),
        (answer("Здравствуйте", operator={"name": OPERATOR}), 400, "operator_required"),
        (answer("Здравствуйте", operator=["x"]), 400, "operator_required"),
        (answer("Здравствуйте", operator="Анна\u202e"), 400, "bad_operator"),
        (answer("Здравствуйте", operator="\ud800"), 400, "bad_operator"),
        (as_json({"text": "Здравствуйте"}), 400, "operator_required"),
        (INVALID_UTF8, 400, "bad_json"),
        (TOO_DEEP, 400, "bad_json"),
        (b"{not json", 400, "bad_json"),
        (b"[]", 400, "bad_json"),
        (b"", 400, "bad_json"),
    ],
    ids=[
        *ANSWERED_EMPTY,
        "10k",
        "1M",
        *(f"text-{kind}" for kind in NOT_TEXT),
        "operator-object",
        "operator-list",
        "operator-rtl-override",
        "operator-lone-surrogate",
        "no-operator",
        "invalid-utf8",
        "too-deep",
        "broken",
        "list",
        "empty",
    ],
)
def test_a_reply_it_cannot_take_gets_a_short_json_error(sqlite_store, body, status, code):
    [(got, content)], sent = calls(reply(body))
    assert_clear_error(got, content, [status])
    error = json.loads(content)
    assert error["code"] == code and error["error"]
    assert sent == []


def test_a_too_long_reply_says_the_limit(sqlite_store):
    assert len(answer(TEXTS["10k"])) < MAX_BODY  # refused for its length, not for the body's size
    [(status, content)], sent = calls(reply(answer("я" * (MAX_TEXT + 1))))
    assert status == 400 and json.loads(content)["limit"] == MAX_TEXT == 4096 and sent == []
    [(status, _)], sent = calls(reply(answer("я" * MAX_TEXT)))
    assert status == 200 and sent == ["я" * MAX_TEXT]


@pytest.mark.parametrize(
    "path", ["requests/abc/reply", "requests/-1/reply", "requests/١/reply", "requests/" + "9" * 40 + "/reply"]
)
def test_a_request_number_that_is_no_number_is_not_found(sqlite_store, path):
    [(status, content)], sent = calls(("POST", path, answer("Здравствуйте")))
    assert_clear_error(status, content, [404])
    assert json.loads(content)["code"] == "not_found" and sent == []


def test_the_queue_lists_hostile_text_as_it_was_written(sqlite_store):
    (_, (status, content)), _ = calls(reply(answer(TEXTS["html"])), ("GET", "requests", b""))
    assert status == 200
    [listed] = json.loads(content)["requests"]
    assert listed["messages"][-1]["text"] == TEXTS["html"]
