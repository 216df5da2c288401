"""Residents' conversations (tests/conversations/residents/*.yml) through the real servers, each from the demo
store as `make run` starts it, as a new resident (one who has confirmed the phone the conversation names as its
`verified_phone`, if it names one: tests/conversations/residents.py). The share that reached its goal is written to
results/conversations_report.json; the known gaps (known_gaps.yml) are strict expected failures, so a fixed
one must leave the list."""

from __future__ import annotations

import json
import uuid
from typing import Dict, Iterator, List

import pytest

from engine.settings import PROJECT_ROOT
from engine.testing import assembled_domain
from tests.conversations.conftest import Assistant
from tests.conversations.residents import (
    PHONE,
    TWISTS,
    Conversation,
    Outcome,
    judge,
    known_gaps,
    load_conversations,
)

CONVERSATIONS = load_conversations()
GAPS = known_gaps()
REPORT = PROJECT_ROOT / "results" / "conversations_report.json"
OUTCOMES: Dict[str, Outcome] = {}


@pytest.fixture(scope="module", autouse=True)
def report() -> Iterator[None]:
    yield
    _write_report()


def _write_report() -> None:
    if not OUTCOMES:
        return
    reached = sorted(name for name, outcome in OUTCOMES.items() if outcome.reached)
    report = {
        "conversations": len(OUTCOMES),
        "reached_goal": len(reached),
        "share": round(len(reached) / len(OUTCOMES), 3),
        "by_twist": {
            twist: f"{sum(OUTCOMES[c.name].reached for c in group)}/{len(group)}"
            for twist in TWISTS
            if (group := [c for c in CONVERSATIONS if c.twist == twist and c.name in OUTCOMES])
        },
        "failures": {name: o.failure for name, o in sorted(OUTCOMES.items()) if not o.reached},
    }
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nresidents' conversations: {len(reached)} of {len(OUTCOMES)} reached their goal ({REPORT})")


def test_the_conversations_are_well_formed():
    names = [c.name for c in CONVERSATIONS]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
    assert all(c.twist in TWISTS for c in CONVERSATIONS), [
        c.name for c in CONVERSATIONS if c.twist not in TWISTS
    ]
    assert all(c.turns and c.goal for c in CONVERSATIONS)
    phones = {c.name: c.verified_phone for c in CONVERSATIONS if c.verified_phone}
    assert {name: phone for name, phone in phones.items() if not PHONE.fullmatch(phone)} == {}
    responses = assembled_domain()["responses"]
    unknown = {c.name: n for c in CONVERSATIONS for n in c.responses_named() if n not in responses}
    assert unknown == {}
    assert sorted(set(GAPS) - set(names)) == []


def _marks(conversation: Conversation) -> List[pytest.MarkDecorator]:
    marks = [pytest.mark.slow]
    if conversation.name in GAPS:
        marks.append(pytest.mark.xfail(reason=GAPS[conversation.name], strict=True))
    return marks


@pytest.mark.parametrize("conversation", [pytest.param(c, id=c.name, marks=_marks(c)) for c in CONVERSATIONS])
def test_a_resident_reaches_the_goal(assistant: Assistant, conversation: Conversation):
    assistant.restore()
    sender = f"resident-{uuid.uuid4().hex[:10]}"
    if conversation.verified_phone:
        assistant.confirm_phone(sender, conversation.verified_phone)
    answers = [assistant.turn(sender, turn.user) for turn in conversation.turns]
    outcome = judge(conversation, answers)
    OUTCOMES[conversation.name] = outcome
    confirmed = f"(confirmed phone {conversation.verified_phone})\n" if conversation.verified_phone else ""
    assert outcome.reached, f"{outcome.failure}\n{confirmed}" + "\n".join(outcome.transcript)
