"""Who is writing, and what their latest message holds."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Tracker
from sqlalchemy.orm import Session

from engine import residents

UNKNOWN_CHANNEL = "unknown"
# A form slot value meaning "nothing more to ask: the reason was already said". Set only by validators,
# never taken from typed text: a validator that sees it typed must refuse it.
STOP = "__stop__"


def channel_identity(tracker: Tracker) -> Tuple[str, str]:
    """(channel, user id in that channel) of the resident in this conversation."""
    return tracker.get_latest_input_channel() or UNKNOWN_CHANNEL, tracker.sender_id


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


def intent_payload(intent: str, **entities: Any) -> str:
    """A button payload that sends `intent` with entities, JSON-quoted so any value is safe."""
    if not entities:
        return f"/{intent}"
    return f"/{intent}" + json.dumps({k: str(v) for k, v in entities.items()}, ensure_ascii=False)


def button(title: str, intent: str, **entities: Any) -> Dict[str, str]:
    """One button: its title as the resident reads it and the intent (with entities) it sends."""
    return {"title": title, "payload": intent_payload(intent, **entities)}
