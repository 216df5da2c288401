"""Conversations as residents have them, written apart from the stories: loading them and judging one run.

A conversation is a list of resident turns with a goal: responses (by name) of which any one, said at any turn,
means the resident got what they came for. Each turn may expect one of some responses or forbid some. At every
turn the bot must not say it did not understand which task a message belongs to, nor fail, and it must not say
the same thing three turns in a row.

Every conversation starts as a brand-new resident against the demo store. One that needs a resident who has
already confirmed a phone with a one-time code (linking a utilities account needs the phone on the account's
contract) names it: `verified_phone: "+79123454321"` (as the core stores a phone: +7 and ten digits, quoted in the
YAML). Before the first turn the harness writes into the assistant's store what confirming the code leaves there
(tests/conversations/conftest.py: Assistant.confirm_phone): a resident with that phone and the conversation's
REST identity linked to it. The code itself cannot be typed in a conversation: it is random.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence

import yaml

from engine.settings import PROJECT_ROOT

# What the bot must never answer in these conversations: the meaning was always plain from what it last said.
ALWAYS_FORBIDDEN = ("utter_inform_without_task", "utter_skill_error")
LOOP_TURNS = 3
TWISTS = (
    "offer_accepted",
    "out_of_order",
    "correction",
    "bare_value",
    "problem_not_category",
    "typo",
    "change_of_mind",
    "cancel",
)
FOLDERS = (PROJECT_ROOT / "tests" / "conversations" / "residents",)
KNOWN_GAPS = PROJECT_ROOT / "tests" / "conversations" / "known_gaps.yml"
# A phone as the core stores a confirmed one (engine.sdk.parse_phone gives this form).
PHONE = re.compile(r"\+7\d{10}")


@dataclass(frozen=True)
class Turn:
    user: str
    expect: Sequence[str] = ()
    forbid: Sequence[str] = ()


@dataclass(frozen=True)
class Conversation:
    name: str
    twist: str
    description: str
    turns: Sequence[Turn]
    goal: Sequence[str]
    source: str = ""
    # The phone the resident confirmed with a one-time code before the first turn; "" for a resident without one.
    verified_phone: str = ""

    def responses_named(self) -> List[str]:
        names = list(self.goal)
        for turn in self.turns:
            names += [*turn.expect, *turn.forbid]
        return names


@dataclass
class Said:
    """What the bot answered one turn: the response names (None for a text an action built itself) and texts."""

    responses: List[Optional[str]] = field(default_factory=list)
    texts: List[str] = field(default_factory=list)


@dataclass
class Outcome:
    reached: bool
    failure: str = ""
    transcript: List[str] = field(default_factory=list)


def _conversation(raw: Dict[str, Any], source: str) -> Conversation:
    turns = [
        Turn(user=str(t["user"]), expect=tuple(t.get("expect") or ()), forbid=tuple(t.get("forbid") or ()))
        for t in raw["turns"]
    ]
    return Conversation(
        name=raw["name"],
        twist=raw["twist"],
        description=raw.get("description", ""),
        turns=turns,
        goal=tuple(raw["goal"]),
        source=source,
        verified_phone=str(raw.get("verified_phone") or ""),
    )


def conversation_files() -> List[Path]:
    """The shared folder, and each skill's own `tests/conversations/` as skills add theirs."""
    skill_folders = sorted((PROJECT_ROOT / "skills").glob("*/tests/conversations"))
    return sorted(p for folder in (*FOLDERS, *skill_folders) for p in folder.glob("*.yml"))


def load_conversations(files: Optional[Iterable[Path]] = None) -> List[Conversation]:
    found: List[Conversation] = []
    for path in conversation_files() if files is None else files:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        source = str(path.relative_to(PROJECT_ROOT)) if path.is_relative_to(PROJECT_ROOT) else str(path)
        found += [_conversation(raw, source) for raw in data.get("conversations") or []]
    return found


def environment(files: Optional[Iterable[Path]] = None) -> Dict[str, str]:
    """The settings the assistant runs with for these conversations: each file's `environment:` (the skill's own
    settings, such as a reading window open today), merged; two files that set one name differently are an error."""
    merged: Dict[str, str] = {}
    for path in conversation_files() if files is None else files:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, value in (data.get("environment") or {}).items():
            if merged.setdefault(str(name), str(value)) != str(value):
                raise ValueError(f"{path}: environment {name} is set differently by another file")
    return merged


def known_gaps() -> Dict[str, str]:
    """Conversations the bot is known to fail today, each with why: they run as strict expected failures."""
    if not KNOWN_GAPS.exists():
        return {}
    return dict(yaml.safe_load(KNOWN_GAPS.read_text(encoding="utf-8")) or {})


def _turn_failure(turn: Turn, said: Said) -> str:
    """Why one answer fails, or "" when it does not."""
    names = [n for n in said.responses if n]
    if not said.texts:
        return "no answer"
    bad = [n for n in names if n in ALWAYS_FORBIDDEN or n in turn.forbid]
    if bad:
        return f"said {', '.join(bad)}"
    if turn.expect and not set(turn.expect) & set(names):
        return f"expected one of {', '.join(turn.expect)}, got {', '.join(names) or 'texts only'}"
    return ""


def judge(conversation: Conversation, answers: Sequence[Said]) -> Outcome:
    """Whether the run reached the goal with no forbidden answer and no loop; the first failure otherwise."""
    transcript: List[str] = []
    reached = False
    recent: List[tuple] = []
    for number, (turn, said) in enumerate(zip(conversation.turns, answers, strict=True), start=1):
        transcript += [f"> {turn.user}"]
        transcript += [f"< [{n or '-'}] {t}" for n, t in zip(said.responses, said.texts, strict=True)]
        recent = [*recent[-(LOOP_TURNS - 1) :], (*said.responses, *said.texts)]
        failure = _turn_failure(turn, said)
        if not failure and len(recent) == LOOP_TURNS and len(set(recent)) == 1:
            failure = f"the same answer {LOOP_TURNS} turns in a row"
        if failure:
            return Outcome(False, f"turn {number} «{turn.user}»: {failure}", transcript)
        reached = reached or bool(set(conversation.goal) & set(said.responses))
    if not reached:
        return Outcome(False, f"goal not reached: none of {', '.join(conversation.goal)}", transcript)
    return Outcome(True, "", transcript)
