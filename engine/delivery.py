"""Where a resident's notifications are delivered: the channel they chose, else the channel they wrote from last,
of the channels that can deliver a message unasked (`PUSH_CHANNELS`: Telegram, the web chat; Alice only answers).

A resident who linked their phone has several channel identities (engine/residents.py); each is stamped when the
resident writes from it (`last_seen_at`). A notification for the resident goes into the conversation of the
chosen channel's most recently seen identity, or, with no choice made (or no identity left in the chosen channel),
of the most recently seen identity of any channel. engine/notifications.py re-addresses a resident's notification
to it when the notification is claimed, so a reminder set in the web chat reaches the resident in Telegram.
"""

from __future__ import annotations

from typing import Optional, Tuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import audit
from engine.channels import PUSH_CHANNELS, identity_conversation
from engine.store.models import ChannelIdentity, Resident


def choose_notify_channel(session: Session, identity: ChannelIdentity, channel: str) -> bool:
    """Makes `channel` the one the resident of `identity` gets notifications in; False (nothing changes) when the
    resident has no identity in that channel."""
    resident = identity.resident
    if channel not in PUSH_CHANNELS or not any(other.channel == channel for other in resident.identities):
        return False
    if resident.notify_channel != channel:
        resident.notify_channel = channel
        audit.record(
            session,
            skill="core",
            action="notify_channel_chosen",
            resident_id=resident.id,
            details={"channel": channel},
        )
    session.flush()
    return True


def delivery_conversation(session: Session, resident_id: int) -> Optional[Tuple[str, str]]:
    """(channel, conversation id) a notification for the resident goes to: the chosen channel's most recently seen
    identity, else the most recently seen identity of any channel that can push (of two seen at once, the newer
    identity). None when the resident has no such identity: the notification stays where it was scheduled."""
    chosen = session.execute(
        select(Resident.notify_channel).where(Resident.id == resident_id)
    ).scalar_one_or_none()
    seen = func.coalesce(ChannelIdentity.last_seen_at, ChannelIdentity.created_at)
    rows = session.execute(
        select(ChannelIdentity.channel, ChannelIdentity.external_id)
        .where(ChannelIdentity.resident_id == resident_id, ChannelIdentity.channel.in_(PUSH_CHANNELS))
        .order_by(seen.desc(), ChannelIdentity.id.desc())
    ).all()
    if not rows:
        return None
    channel, external = next((row for row in rows if row.channel == chosen), rows[0])
    return channel, identity_conversation(channel, external)
