"""Residents' conversations (tests/conversations/residents/*.yml) through the real servers, each from the demo
store as `make run` starts it, as a new resident. The share that reached its goal is written to
results/conversations_report.json; the known gaps (known_gaps.yml) are strict expected failures, so a fixed
one must leave the list."""

from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path
from typing import Dict, Iterator, List

import pytest
from sqlalchemy.engine import make_url

from engine.settings import PROJECT_ROOT
from engine.testing import RestClient, assembled_domain, free_port, running_assistant
from tests.conversations.residents import (
    TWISTS,
    Conversation,
    Outcome,
    Said,
    judge,
    known_gaps,
    load_conversations,
)

CONVERSATIONS = load_conversations()
GAPS = known_gaps()
REPORT = PROJECT_ROOT / "results" / "conversations_report.json"
OUTCOMES: Dict[str, Outcome] = {}


class Assistant:
    """The running assistant, and its store as it was when it became ready (restored before each conversation)."""

    def __init__(self, client: RestClient, store: Path, snapshot: Path):
        self.client, self.store, self.snapshot = client, store, snapshot

    @staticmethod
    def _copy(source: Path, target: Path) -> None:
        with sqlite3.connect(source) as origin, sqlite3.connect(target) as destination:
            origin.backup(destination)

    def save(self) -> None:
        self._copy(self.store, self.snapshot)

    def restore(self) -> None:
        self._copy(self.snapshot, self.store)

    def turn(self, sender: str, message: str) -> Said:
        self.client.replies(sender, message)
        events = self.client.events(sender)
        last_user = max(i for i, e in enumerate(events) if e.get("event") == "user")
        said = Said()
        for event in events[last_user + 1 :]:
            if event.get("event") == "bot":
                said.responses.append((event.get("metadata") or {}).get("utter_action"))
                said.texts.append(event.get("text") or "")
        return said


@pytest.fixture(scope="module")
def assistant(trained_model, tmp_path_factory) -> Iterator[Assistant]:
    folder = tmp_path_factory.mktemp("residents")
    database_url = f"sqlite:///{folder / 'assistant.db'}"
    port, action_port = free_port(), free_port()
    with running_assistant(port, action_port, {"DATABASE_URL": database_url}):
        running = Assistant(
            RestClient(port, database_url), Path(make_url(database_url).database), folder / "demo.db"
        )
        running.save()
        yield running
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
    answers = [assistant.turn(sender, turn.user) for turn in conversation.turns]
    outcome = judge(conversation, answers)
    OUTCOMES[conversation.name] = outcome
    assert outcome.reached, f"{outcome.failure}\n" + "\n".join(outcome.transcript)
