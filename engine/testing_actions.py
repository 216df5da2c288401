"""Running a skill's actions and forms in tests as the action server would: one call per resident's message."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Action

from engine.testing import just_set, make_tracker, run_action

Run = Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]


def run_form(
    action: Action,
    name: str,
    text: str = "",
    intent: str = "inform",
    slots: Optional[Dict[str, Any]] = None,
    new: Optional[Dict[str, Any]] = None,
    entities: Optional[List[Dict[str, Any]]] = None,
    sender: str = "resident-1",
    requested: Optional[str] = None,
    events: Optional[List[Dict[str, Any]]] = None,
) -> Run:
    """Runs a form's validation action in form `name`: `slots` were set before, `new` were set by this very
    message, `requested` is the slot the form asked for."""
    new = new or {}
    slots = {**(slots or {}), **new, "requested_slot": requested}
    tracker = make_tracker(
        text, intent, entities=entities, slots=slots, sender_id=sender, active_loop=name, events=events
    )
    for slot, value in new.items():
        just_set(tracker, slot, value)
    return run_action(action, tracker)


def run_plain(
    action: Action,
    text: str = "",
    intent: str = "inform",
    slots: Optional[Dict[str, Any]] = None,
    entities: Optional[List[Dict[str, Any]]] = None,
    sender: str = "resident-1",
    events: Optional[List[Dict[str, Any]]] = None,
) -> Run:
    """Runs an action after the resident's message, outside any form."""
    return run_action(
        action, make_tracker(text, intent, entities=entities, slots=slots, sender_id=sender, events=events)
    )


def said(messages: List[Dict[str, Any]]) -> List[Optional[str]]:
    """The responses the bot sent, by name."""
    return [m.get("response") for m in messages]
