"""Residents for the store tests: one with given channel identities, and the phone link as a resident does it
(a code sent to the phone, typed back in the channel)."""

from datetime import timedelta
from typing import List, Optional, Tuple

from engine import residents
from engine.residents import CodeCheck
from engine.store import session_scope, utcnow
from engine.store.models import ChannelIdentity, Resident

PHONE = "+79123456789"


def resident_with(
    *identities: Tuple[str, str, int], phone: Optional[str] = None, chosen: Optional[str] = None
) -> int:
    """A resident with (channel, id in the channel, minutes since last seen) identities, in that order."""
    now = utcnow()
    with session_scope() as session:
        resident = Resident(phone=phone, notify_channel=chosen)
        for channel, external, minutes_ago in identities:
            session.add(
                ChannelIdentity(
                    channel=channel,
                    external_id=external,
                    resident=resident,
                    last_seen_at=now - timedelta(minutes=minutes_ago),
                )
            )
        session.flush()
        return resident.id


class RecordingSender:
    """A code sender that keeps (phone, code) instead of sending."""

    def __init__(self) -> None:
        self.sent: List[Tuple[str, str]] = []

    def send(self, phone: str, code: str) -> None:
        self.sent.append((phone, code))


def link_phone(channel: str, external_id: str, sender: RecordingSender, phone: str = PHONE) -> CodeCheck:
    with session_scope() as session:
        identity = residents.identity_for(session, channel, external_id)
        residents.request_code(session, identity, phone, sender)
    with session_scope() as session:
        identity = residents.identity_for(session, channel, external_id)
        return residents.confirm_code(session, identity, sender.sent[-1][1]).outcome


def resident_of(channel: str, external_id: str) -> int:
    with session_scope() as session:
        return residents.identity_for(session, channel, external_id).resident_id
