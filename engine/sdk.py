"""What skill actions use from the engine: who is writing, the shared store, and payments.

Skills import from here (and from `engine.store`, `engine.audit`) and never from each other.
"""

from __future__ import annotations

from typing import Tuple

from rasa_sdk import Tracker

from engine.audit import record as audit_record
from engine.payments import PaymentRefused, pay, receipt_line
from engine.store import Base, session_scope, utcnow

UNKNOWN_CHANNEL = "unknown"

__all__ = ["Base", "PaymentRefused", "audit_record", "channel_identity", "pay", "receipt_line", "session_scope", "utcnow"]


def channel_identity(tracker: Tracker) -> Tuple[str, str]:
    """(channel, user id in that channel) of the resident in this conversation."""
    return tracker.get_latest_input_channel() or UNKNOWN_CHANNEL, tracker.sender_id
