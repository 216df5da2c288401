"""The engine's own tables: residents, their channel identities and known address, one-time codes, the audit log,
handoffs, payments and their refunds, scheduled notifications; the cooperative's members and parameters."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Session, relationship

from engine.store.base import Base, utcnow


class Resident(Base):
    """One person, whichever channels they write from; the phone number ties the channels together."""

    __tablename__ = "residents"

    id = Column(Integer, primary_key=True)
    phone = Column(String(16), unique=True, nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    # The channel the resident chose for notifications (engine/delivery.py); None: the one they wrote from last.
    notify_channel = Column(String(32), nullable=True)

    identities = relationship("ChannelIdentity", back_populates="resident", order_by="ChannelIdentity.id")


class ChannelIdentity(Base):
    """A resident as one channel knows them: a Telegram id, a web session, a voice user id."""

    __tablename__ = "channel_identities"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id = Column(Integer, primary_key=True)
    resident_id = Column(Integer, ForeignKey("residents.id"), nullable=False, index=True)
    channel = Column(String(32), nullable=False)
    external_id = Column(String(255), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    linked_at = Column(DateTime, nullable=True)
    last_seen_at = Column(DateTime, nullable=True)  # the resident's latest message in this channel

    resident = relationship("Resident", back_populates="identities")


class OneTimeCode(Base):
    """A code sent to a phone to prove the resident owns it; only its salted hash is kept."""

    __tablename__ = "one_time_codes"

    id = Column(Integer, primary_key=True)
    identity_id = Column(Integer, ForeignKey("channel_identities.id"), nullable=False, index=True)
    phone = Column(String(16), nullable=False)
    code_hash = Column(String(64), nullable=False)
    salt = Column(String(32), nullable=False)
    attempts = Column(Integer, nullable=False, default=0)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    expires_at = Column(DateTime, nullable=False)
    used_at = Column(DateTime, nullable=True)


class AuditRecord(Base):
    """What the assistant did on a resident's behalf. Append-only: the ORM and database triggers refuse changes."""

    __tablename__ = "audit_log"

    id = Column(Integer, primary_key=True)
    resident_id = Column(Integer, ForeignKey("residents.id"), nullable=True, index=True)
    skill = Column(String(64), nullable=False)
    action = Column(String(128), nullable=False)
    details = Column(JSON, nullable=False, default=dict)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class HandoffRequest(Base):
    """A resident's request for a human operator, with the conversation so far.

    `status` goes open → taken (by `operator`, at `taken_at`; the bot is paused in the conversation) → closed (at
    `closed_at`; the bot takes over again). `conversation_id` is the Rasa sender id the operator desk
    (connectors/desk.py) reads and writes the conversation under.
    """

    __tablename__ = "handoff_requests"

    id = Column(Integer, primary_key=True)
    resident_id = Column(Integer, ForeignKey("residents.id"), nullable=True, index=True)
    channel = Column(String(32), nullable=False)
    external_id = Column(String(255), nullable=False)
    conversation_id = Column(String(255), nullable=False, index=True)
    reason = Column(String(64), nullable=False)
    transcript = Column(JSON, nullable=False)
    status = Column(String(16), nullable=False, default="open", index=True)
    operator = Column(String(64), nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    taken_at = Column(DateTime, nullable=True)
    closed_at = Column(DateTime, nullable=True)
    note = Column(Text, nullable=True)


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or delete an audit record."""


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, _context, _instances) -> None:  # type: ignore[no-untyped-def]
    for instance in list(session.dirty) + list(session.deleted):
        if isinstance(instance, AuditRecord) and (
            instance in session.deleted or session.is_modified(instance)
        ):
            raise AuditLogIsAppendOnly("the audit log is append-only")


class Payment(Base):
    """Money a resident paid through the assistant, for any skill. One row per idempotency key: never twice."""

    __tablename__ = "payments"

    id = Column(Integer, primary_key=True)
    idempotency_key = Column(String(128), nullable=False, unique=True)
    resident_id = Column(Integer, ForeignKey("residents.id"), nullable=False, index=True)
    skill = Column(String(64), nullable=False)
    purpose = Column(String(128), nullable=False)
    amount = Column(Numeric(12, 2), nullable=False)
    currency = Column(String(3), nullable=False, default="RUB")
    status = Column(String(16), nullable=False)
    provider = Column(String(128), nullable=False)
    provider_reference = Column(String(128), nullable=True)
    receipt_number = Column(String(64), nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class PaymentRefund(Base):
    """Money given back on a succeeded payment, in part or in full. One row per idempotency key: never twice."""

    __tablename__ = "payment_refunds"

    id = Column(Integer, primary_key=True)
    payment_id = Column(Integer, ForeignKey("payments.id"), nullable=False, index=True)
    idempotency_key = Column(String(128), nullable=False, unique=True)
    amount = Column(Numeric(12, 2), nullable=False)
    reason = Column(String(255), nullable=False)
    status = Column(String(16), nullable=False)
    provider_reference = Column(String(128), nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class ResidentAddress(Base):
    """The address a resident last gave any skill (a home to start a ride from); one current address each."""

    __tablename__ = "resident_addresses"

    id = Column(Integer, primary_key=True)
    resident_id = Column(Integer, ForeignKey("residents.id"), nullable=False, unique=True)
    address = Column(String(255), nullable=False)
    skill = Column(String(64), nullable=False)  # which skill learnt it
    updated_at = Column(DateTime, nullable=False, default=utcnow)


class ScheduledNotification(Base):
    """A message due in a resident's conversation at a set time, for any skill (engine/notifications.py).

    At most one pending notification per (skill, name, conversation): scheduling again moves it. `status` goes
    pending → sending (claimed by a worker until `claimed_until`) → delivered, or cancelled, expired, failed.
    A resident's notification is re-addressed when claimed: `conversation_id` and `channel` become those of the
    resident's delivery channel (engine/delivery.py).
    """

    __tablename__ = "scheduled_notifications"

    id = Column(Integer, primary_key=True)
    skill = Column(String(64), nullable=False)
    name = Column(String(64), nullable=False)
    conversation_id = Column(String(255), nullable=False, index=True)
    channel = Column(String(32), nullable=False)
    resident_id = Column(Integer, ForeignKey("residents.id"), nullable=True, index=True)
    intent = Column(String(128), nullable=False)
    entities = Column(JSON, nullable=False, default=dict)
    due_at = Column(DateTime, nullable=False, index=True)  # naive UTC
    expires_at = Column(DateTime, nullable=True)  # not delivered after this (the assistant was down too long)
    status = Column(String(16), nullable=False, default="pending")
    attempts = Column(Integer, nullable=False, default=0)
    claimed_by = Column(String(64), nullable=True)
    claimed_until = Column(DateTime, nullable=True)
    delivered_at = Column(DateTime, nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class CooperativeMember(Base):
    """A member of the city cooperative: admitted by a skill (the marketplace approves a provider) or by the demo;
    who may vote on the cooperative's rules (engine/cooperative.py)."""

    __tablename__ = "cooperative_members"

    id = Column(Integer, primary_key=True)
    resident_id = Column(Integer, ForeignKey("residents.id"), nullable=False, unique=True)
    since = Column(Date, nullable=False)
    source = Column(String(64), nullable=False)  # who admitted them: "marketplace", "demo"


class CooperativeParameter(Base):
    """A value of one of the cooperative's parameters (the commission percent) from a day on: the value in force on
    a day is the one with the latest `effective_from` not after it. `source` says what decided it."""

    __tablename__ = "cooperative_parameters"
    __table_args__ = (
        UniqueConstraint("name", "effective_from", name="uq_cooperative_parameters_name_effective_from"),
    )

    id = Column(Integer, primary_key=True)
    name = Column(String(64), nullable=False)
    value = Column(Numeric(12, 2), nullable=False)
    effective_from = Column(Date, nullable=False)
    source = Column(String(128), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
