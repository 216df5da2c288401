"""Who is writing, and what their latest message holds."""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, List, Optional, Tuple

from rasa_sdk import Tracker
from sqlalchemy.orm import Session

from engine import residents
from engine.channels import split_conversation_id

UNKNOWN_CHANNEL = "unknown"
# A form slot value meaning "nothing more to ask: the reason was already said". Set only by validators,
# never taken from typed text: a validator that sees it typed must refuse it.
STOP = "__stop__"


def channel_identity(tracker: Tracker) -> Tuple[str, str]:
    """(channel, user id in that channel) of the resident in this conversation: what the channel's connector
    verified and wrote into the conversation id (engine/channels.py). A conversation no connector named (Rasa's
    token-protected HTTP API, `rasa shell`, test stories) keeps its sender id under its latest channel."""
    return split_conversation_id(tracker.sender_id) or (
        tracker.get_latest_input_channel() or UNKNOWN_CHANNEL,
        tracker.sender_id,
    )


def resident_id(session: Session, tracker: Tracker) -> int:
    """The resident writing in this conversation (created on their first message)."""
    channel, external_id = channel_identity(tracker)
    return residents.identity_for(session, channel, external_id).resident_id


def entity_values(tracker: Tracker, entity: str) -> List[Any]:
    """Every value of `entity` in the latest message, in the order found."""
    return list(tracker.get_latest_entity_values(entity))


def entity_value(tracker: Tracker, entity: str) -> Optional[Any]:
    """The first value of `entity` in the latest message, or None."""
    return next(iter(entity_values(tracker, entity)), None)


def corrected_value(
    tracker: Tracker, entity: str, current: Any, typed: Optional[Callable[[str], List[Any]]] = None
) -> Optional[Any]:
    """A new value of `entity` said at a confirmation ("no, not 2000 but 2500"): the last value of the latest
    message that differs from the current one, or None when the message corrects nothing. `typed` reads the
    values from the text when the model tagged none (two bare sums)."""
    said = entity_values(tracker, entity) or (
        typed(tracker.latest_message.get("text") or "") if typed else []
    )
    changed = [v for v in said if not _same(v, current)]
    return changed[-1] if changed else None


def _same(value: Any, current: Any) -> bool:
    try:
        return float(value) == float(current)
    except (TypeError, ValueError):
        return str(value) == str(current)


def value_before(tracker: Tracker, slot: str) -> Optional[Any]:
    """The slot's value before the latest message: what a validator keeps when the message brought a value of the
    wrong type for a slot it was not asked for, so that a good value is never erased by a bad one."""
    users = [i for i, e in enumerate(tracker.events) if e.get("event") == "user"]
    for event in reversed(tracker.events[: users[-1]] if users else []):
        if event.get("event") == "slot" and event.get("name") == slot:
            return event.get("value")
    return None


def corrects_other_slots(tracker: Tracker, asked: str) -> bool:
    """Whether the latest message, given while the form asks `asked` (a confirmation), brought a new value for
    another of the form's slots: "no, not at 12 but at 14" corrects the hour and declines nothing, so the
    validator of `asked` clears it and the form confirms again with what was corrected."""
    if tracker.get_slot("requested_slot") != asked:
        return False
    return any(
        value is not None and not _same(value, value_before(tracker, slot))
        for slot, value in tracker.slots_to_validate().items()
        if slot not in (asked, "requested_slot")
    )


def intent_payload(intent: str, **entities: Any) -> str:
    """A button payload that sends `intent` with entities, JSON-quoted so any value is safe."""
    if not entities:
        return f"/{intent}"
    return f"/{intent}" + json.dumps({k: str(v) for k, v in entities.items()}, ensure_ascii=False)


def button(title: str, intent: str, **entities: Any) -> Dict[str, str]:
    """One button: its title as the resident reads it and the intent (with entities) it sends."""
    return {"title": title, "payload": intent_payload(intent, **entities)}
