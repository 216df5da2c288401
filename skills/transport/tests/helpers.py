"""Running the transport skill's actions and forms as the action server would, in the demo store."""

from typing import Any, Dict, List, Optional, Tuple

from engine.testing import just_set, make_tracker, run_action

Run = Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]


def location(value: str, role: Optional[str] = None, text: str = "") -> Dict[str, Any]:
    """A location entity as the model tags it, at its place in `text`."""
    start = text.find(value) if text else 0
    entity = {"entity": "location", "value": value, "start": max(start, 0), "end": max(start, 0) + len(value)}
    return {**entity, **({"role": role} if role else {})}


def form(
    action,
    name,
    text="",
    intent="inform",
    slots=None,
    new=None,
    entities=None,
    sender="resident-1",
    requested=None,
    events=None,
) -> Run:
    """Runs a form's validation action: `slots` were set before, `new` were set by this very message."""
    new = new or {}
    slots = {**(slots or {}), **new, "requested_slot": requested}
    tracker = make_tracker(
        text, intent, entities=entities, slots=slots, sender_id=sender, active_loop=name, events=events
    )
    for slot, value in new.items():
        just_set(tracker, slot, value)
    return run_action(action, tracker)


def act(action, text="", intent="inform", slots=None, entities=None, sender="resident-1", events=None) -> Run:
    return run_action(
        action, make_tracker(text, intent, entities=entities, slots=slots, sender_id=sender, events=events)
    )


def said(messages: List[Dict[str, Any]]) -> List[str]:
    """The responses the bot sent, by name."""
    return [m.get("response") for m in messages]
