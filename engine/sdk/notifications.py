"""Notifications a skill schedules for later in the resident's conversation: a reminder before a lesson, a
reading window that opens. They are kept in the shared store and delivered by the engine's notifier, once, also
across restarts and with several workers (engine/notifications.py).

The notification arrives as the intent the skill named (an `EXTERNAL_...` intent of its domain, with its rule),
carrying the skill's entities and `notification_id`. The skill's action for that intent calls `delivered_now`
first and says nothing when it returns False: the notification was cancelled, or already delivered.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Mapping, Optional, Tuple

from rasa_sdk import Tracker
from sqlalchemy.orm import Session

from engine import notifications
from engine.sdk.clock import to_store
from engine.sdk.conversation import channel_identity, entity_value, resident_id
from engine.sdk.store import channel_identities_of

NOTIFICATION_ENTITY = notifications.ID_ENTITY
JOB_CHANNEL = "jobs"


def _schedule(
    session: Session,
    where: Tuple[str, str, Optional[int]],
    skill: str,
    name: str,
    intent: str,
    at: datetime,
    entities: Optional[Mapping[str, Any]],
    expires_after: Optional[timedelta],
) -> int:
    """`where` is (conversation, channel, resident)."""
    conversation, channel, resident = where
    due = to_store(at)
    return notifications.schedule(
        session,
        skill=skill,
        name=name,
        conversation_id=conversation,
        channel=channel,
        resident_id=resident,
        intent=intent,
        due_at=due,
        entities=entities,
        expires_at=due + expires_after if expires_after else None,
    ).id


def notify_later(
    session: Session,
    tracker: Tracker,
    *,
    skill: str,
    name: str,
    intent: str,
    at: datetime,
    entities: Optional[Mapping[str, Any]] = None,
    expires_after: Optional[timedelta] = None,
) -> int:
    """Schedules `intent` in this conversation at `at` (aware, or naive UTC); the notification of the same skill
    and name pending here moves instead of doubling. Returns the notification's id."""
    channel, _ = channel_identity(tracker)
    where = (tracker.sender_id, channel, resident_id(session, tracker))
    return _schedule(session, where, skill, name, intent, at, entities, expires_after)


def notify_resident(
    session: Session,
    resident: int,
    *,
    skill: str,
    name: str,
    intent: str,
    at: datetime,
    entities: Optional[Mapping[str, Any]] = None,
    expires_after: Optional[timedelta] = None,
) -> Optional[int]:
    """Like `notify_later`, for another resident than the one writing (the first in a waiting list): in the
    conversation of the channel the resident wrote from last. None when the resident has no channel."""
    identities = channel_identities_of(session, resident)
    if not identities:
        return None
    channel, conversation = identities[-1]
    return _schedule(
        session, (conversation, channel, resident), skill, name, intent, at, entities, expires_after
    )


def job_conversation(skill: str) -> str:
    """The conversation a skill's jobs run in: no resident writes there, nothing said there reaches anyone."""
    return f"{skill}-jobs"


def schedule_job(
    session: Session,
    *,
    skill: str,
    name: str,
    intent: str,
    at: datetime,
    entities: Optional[Mapping[str, Any]] = None,
) -> int:
    """Schedules work of the skill itself at `at` (closing a vote at its deadline), not a message to a resident:
    `intent` arrives in the skill's job conversation, once, also across restarts and with several workers. The job
    of the same name pending moves instead of doubling; its action must be safe to run twice."""
    where = (job_conversation(skill), JOB_CHANNEL, None)
    return _schedule(session, where, skill, name, intent, at, entities, None)


def cancel_notifications(
    session: Session, tracker: Tracker, *, skill: str, name: Optional[str] = None
) -> int:
    """Cancels this conversation's pending notifications of the skill (only those of `name` when given)."""
    return notifications.cancel(session, skill=skill, conversation_id=tracker.sender_id, name=name)


def delivered_now(session: Session, tracker: Tracker) -> bool:
    """Whether the latest message is a notification of this conversation arriving for the first time."""
    return notifications.take_delivery(session, entity_value(tracker, NOTIFICATION_ENTITY), tracker.sender_id)
