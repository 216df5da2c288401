"""Scheduled notifications for every skill: kept in the shared store, so they survive restarts.

A skill schedules a notification for the conversation it is in (engine.sdk.notifications); the notifier
(engine/notifier.py) claims what has come due and triggers the notification's intent in that conversation through
Rasa's HTTP API, with the notification's id as the entity `notification_id`. Delivery happens once:

- a claim is one conditional UPDATE, so two workers never claim the same notification;
- a claim lasts a lease: a worker that dies mid-delivery leaves the notification to be claimed again later;
- the skill's action that answers the triggered intent calls `take_delivery` first, which marks the notification
  delivered in one conditional UPDATE and says whether this is the first delivery: a repeat after a lost lease,
  or a trigger after a cancellation, is answered by silence.

A notification for a resident goes to the resident's delivery channel (engine/delivery.py: the channel they chose,
else the one they wrote from last), wherever it was scheduled: the claim re-addresses it, writing the target
conversation and channel into the row in the same conditional UPDATE, so `take_delivery` accepts it in the target
conversation (and no longer in the one it was scheduled in) and the claimed `Due` carries the target. Not
re-addressed: a skill's job (`JOB_CHANNEL`) and a notification without a resident (a notice meant for the very
conversation it names). The skill's action answering a re-addressed notification runs in another conversation of
the same resident: it reads the notification's entities and the store, never the slots of the conversation the
notification was scheduled in. `cancel`, which goes by conversation, finds a notification in the conversation it
was scheduled in only until its first claim (a failed delivery leaves it pending in the target conversation).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Dict, List, Mapping, Optional, Tuple

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from engine.delivery import delivery_conversation
from engine.store import utcnow
from engine.store.models import ScheduledNotification

PENDING, SENDING, DELIVERED = "pending", "sending", "delivered"
CANCELLED, EXPIRED, FAILED = "cancelled", "expired", "failed"
ID_ENTITY = "notification_id"
# The channel of a skill's own scheduled work (engine.sdk.notifications.schedule_job): nobody to re-address it to.
JOB_CHANNEL = "jobs"
LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class Due:
    """A claimed notification, as the notifier delivers it."""

    id: int
    conversation_id: str
    channel: str
    intent: str
    entities: Mapping[str, Any]
    attempts: int


def schedule(
    session: Session,
    *,
    skill: str,
    name: str,
    conversation_id: str,
    channel: str,
    resident_id: Optional[int],
    intent: str,
    due_at: datetime,
    entities: Optional[Mapping[str, Any]] = None,
    expires_at: Optional[datetime] = None,
) -> ScheduledNotification:
    """The conversation's pending notification of this skill and name, moved to `due_at` (new if none).

    Times are naive UTC, as the store keeps them.
    """
    found = (
        session.execute(
            select(ScheduledNotification)
            .where(
                ScheduledNotification.skill == skill,
                ScheduledNotification.name == name,
                ScheduledNotification.conversation_id == conversation_id,
                ScheduledNotification.status == PENDING,
            )
            .order_by(ScheduledNotification.id)
            .with_for_update()
        )
        .scalars()
        .first()
    )
    if found is None:
        found = ScheduledNotification(
            skill=skill, name=name, conversation_id=conversation_id, status=PENDING, attempts=0
        )
        session.add(found)
    found.channel, found.resident_id, found.intent = channel, resident_id, intent
    found.entities, found.due_at, found.expires_at = dict(entities or {}), due_at, expires_at
    session.flush()
    return found


def cancel(session: Session, *, skill: str, conversation_id: str, name: Optional[str] = None) -> int:
    """Cancels the conversation's pending notifications of the skill (of one name when given); how many."""
    conditions = [
        ScheduledNotification.skill == skill,
        ScheduledNotification.conversation_id == conversation_id,
        ScheduledNotification.status.in_((PENDING, SENDING)),
    ]
    if name is not None:
        conditions.append(ScheduledNotification.name == name)
    result = session.execute(
        update(ScheduledNotification)
        .where(*conditions)
        .values(status=CANCELLED)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def claim_due(session: Session, worker: str, now: Optional[datetime] = None, limit: int = 50) -> List[Due]:
    """Claims the notifications that have come due (and those whose claim lapsed) for `worker`, a resident's
    re-addressed to the resident's delivery conversation in the same claim."""
    now = now or utcnow()
    claimable = or_(
        ScheduledNotification.status == PENDING,
        and_(ScheduledNotification.status == SENDING, ScheduledNotification.claimed_until < now),
    )
    _expire(session, now)
    candidates = session.execute(
        select(ScheduledNotification.id, ScheduledNotification.resident_id, ScheduledNotification.channel)
        .where(claimable, ScheduledNotification.due_at <= now)
        .order_by(ScheduledNotification.due_at, ScheduledNotification.id)
        .limit(limit)
    ).all()
    targets: Dict[int, Optional[Tuple[str, str]]] = {}
    claimed: List[Due] = []
    for notification_id, resident_id, channel in candidates:
        values: Dict[str, Any] = {
            "status": SENDING,
            "claimed_by": worker,
            "claimed_until": now + LEASE,
            "attempts": ScheduledNotification.attempts + 1,
        }
        if resident_id is not None and channel != JOB_CHANNEL:
            if resident_id not in targets:
                targets[resident_id] = delivery_conversation(session, resident_id)
            if targets[resident_id] is not None:
                values["channel"], values["conversation_id"] = targets[resident_id]
        result = session.execute(
            update(ScheduledNotification)
            .where(ScheduledNotification.id == notification_id, claimable)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            row = session.get(ScheduledNotification, notification_id, populate_existing=True)
            claimed.append(
                Due(row.id, row.conversation_id, row.channel, row.intent, dict(row.entities), row.attempts)
            )
    return claimed


def _expire(session: Session, now: datetime) -> None:
    session.execute(
        update(ScheduledNotification)
        .where(
            ScheduledNotification.status.in_((PENDING, SENDING)),
            ScheduledNotification.expires_at.is_not(None),
            ScheduledNotification.expires_at < now,
        )
        .values(status=EXPIRED)
        .execution_options(synchronize_session=False)
    )


def take_delivery(session: Session, notification_id: Any, conversation_id: str) -> bool:
    """Marks the conversation's notification delivered; True only the first time, and never for a cancelled
    one or another conversation's (an id typed by hand silences nobody else's reminder)."""
    try:
        key = int(notification_id)
    except (TypeError, ValueError):
        return False
    result = session.execute(
        update(ScheduledNotification)
        .where(
            ScheduledNotification.id == key,
            ScheduledNotification.conversation_id == conversation_id,
            ScheduledNotification.status.in_((PENDING, SENDING)),
        )
        .values(status=DELIVERED, delivered_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def release(session: Session, notification_id: int, worker: str, now: Optional[datetime] = None) -> None:
    """A delivery that failed (Rasa down): due again after a back-off, failed after MAX_ATTEMPTS."""
    now = now or utcnow()
    row = session.get(ScheduledNotification, notification_id, with_for_update=True)
    if row is None or row.status != SENDING or row.claimed_by != worker:
        return
    if row.attempts >= MAX_ATTEMPTS:
        row.status = FAILED
    else:
        row.status, row.due_at = PENDING, now + timedelta(seconds=30 * 2**row.attempts)
    row.claimed_by = row.claimed_until = None
