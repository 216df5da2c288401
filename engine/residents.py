"""One account per resident across channels, linked by phone number with a one-time code; the address the
resident last gave any skill."""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import List, Optional, Tuple

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine import audit
from engine.otp import CodeSender
from engine.store.base import utcnow
from engine.store.models import ChannelIdentity, OneTimeCode, Resident, ResidentAddress

CODE_LENGTH = 6
CODE_LIFETIME = timedelta(minutes=10)
MAX_CODE_ATTEMPTS = 3
MAX_CODES_PER_HOUR = 5
MAX_ADDRESS = 255
_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def identity_for(session: Session, channel: str, external_id: str) -> ChannelIdentity:
    """The identity of a channel user, created with a new resident the first time they write."""
    identity = session.execute(
        select(ChannelIdentity).where(
            ChannelIdentity.channel == channel, ChannelIdentity.external_id == external_id
        )
    ).scalar_one_or_none()
    if identity is None:
        identity = ChannelIdentity(channel=channel, external_id=external_id, resident=Resident())
        session.add(identity)
        session.flush()
    return identity


def _hash(code: str, salt: str) -> str:
    return hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()


class CodeRequest(enum.Enum):
    SENT = "sent"
    TOO_MANY = "too_many"  # too many codes asked for within an hour


def request_code(
    session: Session,
    identity: ChannelIdentity,
    phone: str,
    sender: CodeSender,
    now: Optional[datetime] = None,
) -> CodeRequest:
    """Sends a new code to `phone`; earlier unused codes of this identity stop working."""
    now = now or utcnow()
    recent = (
        session.execute(
            select(OneTimeCode).where(
                OneTimeCode.identity_id == identity.id, OneTimeCode.created_at > now - timedelta(hours=1)
            )
        )
        .scalars()
        .all()
    )
    if len(recent) >= MAX_CODES_PER_HOUR:
        return CodeRequest.TOO_MANY
    for earlier in recent:
        if earlier.used_at is None:
            earlier.used_at = now
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_LENGTH))
    salt = secrets.token_hex(8)
    session.add(
        OneTimeCode(
            identity_id=identity.id,
            phone=phone,
            code_hash=_hash(code, salt),
            salt=salt,
            attempts=0,
            created_at=now,
            expires_at=now + CODE_LIFETIME,
        )
    )
    session.flush()
    sender.send(phone, code)
    return CodeRequest.SENT


class CodeCheck(enum.Enum):
    LINKED = "linked"
    WRONG = "wrong"  # attempts remain
    EXHAUSTED = "exhausted"  # the last attempt failed, or the code was already used up
    EXPIRED = "expired"
    NO_CODE = "no_code"


@dataclass(frozen=True)
class CodeResult:
    outcome: CodeCheck
    attempts_left: int = 0
    phone: Optional[str] = None
    merged: bool = False  # the identity joined the account that already had this phone


def _pending_code(session: Session, identity: ChannelIdentity) -> Optional[OneTimeCode]:
    return session.execute(
        select(OneTimeCode)
        .where(OneTimeCode.identity_id == identity.id, OneTimeCode.used_at.is_(None))
        .order_by(OneTimeCode.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def confirm_code(
    session: Session, identity: ChannelIdentity, code: str, now: Optional[datetime] = None
) -> CodeResult:
    """Checks a code; on success the phone is linked and the identity joins the phone's account."""
    now = now or utcnow()
    pending = _pending_code(session, identity)
    if pending is None:
        return CodeResult(CodeCheck.NO_CODE)
    if pending.expires_at <= now:
        pending.used_at = now
        return CodeResult(CodeCheck.EXPIRED)
    if not hmac.compare_digest(pending.code_hash, _hash(code.strip(), pending.salt)):
        pending.attempts += 1
        left = MAX_CODE_ATTEMPTS - pending.attempts
        if left <= 0:
            pending.used_at = now
            return CodeResult(CodeCheck.EXHAUSTED)
        return CodeResult(CodeCheck.WRONG, attempts_left=left)
    pending.used_at = now
    merged = _link_phone(session, identity, pending.phone, now)
    return CodeResult(CodeCheck.LINKED, phone=pending.phone, merged=merged)


def _link_phone(session: Session, identity: ChannelIdentity, phone: str, now: datetime) -> bool:
    owner = session.execute(select(Resident).where(Resident.phone == phone)).scalar_one_or_none()
    merged = owner is not None and owner.id != identity.resident_id
    if owner is None:
        owner = identity.resident
        owner.phone = phone
    elif merged:
        identity.resident = owner
    identity.linked_at = now
    session.flush()
    audit.record(
        session,
        skill="core",
        action="phone_linked",
        resident_id=owner.id,
        details={"channel": identity.channel, "phone": mask_phone(phone), "joined_existing_account": merged},
    )
    return merged


def mask_phone(phone: str) -> str:
    """+79123456789 -> +7 912 ***-**-89: enough to recognise, not enough to leak."""
    if len(phone) != 12:
        return phone[:3] + "***"
    return f"{phone[:2]} {phone[2:5]} ***-**-{phone[-2:]}"


@dataclass(frozen=True)
class Profile:
    resident_id: int
    phone: Optional[str]
    member_since: datetime
    channels: List[Tuple[str, bool]]  # (channel, linked by phone)


def profile_of(session: Session, identity: ChannelIdentity) -> Profile:
    resident = identity.resident
    return Profile(
        resident_id=resident.id,
        phone=resident.phone,
        member_since=resident.created_at,
        channels=[(i.channel, i.linked_at is not None) for i in resident.identities],
    )


def remember_address(session: Session, resident_id: int, address: str, *, skill: str) -> None:
    """Keeps `address` as the resident's current one, learnt by `skill`; an empty address is ignored.

    INSERT ... ON CONFLICT DO UPDATE (PostgreSQL and SQLite alike): two concurrent calls for one resident never
    collide on the unique resident; the later one's address stays.
    """
    text = " ".join((address or "").split())[:MAX_ADDRESS].strip()
    if not text:
        return
    insert = _INSERT[session.get_bind().dialect.name]
    statement = insert(ResidentAddress.__table__).values(
        resident_id=resident_id, address=text, skill=skill, updated_at=utcnow()
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[ResidentAddress.resident_id],
            set_={
                "address": statement.excluded.address,
                "skill": statement.excluded.skill,
                "updated_at": statement.excluded.updated_at,
            },
        )
    )


def known_address(session: Session, resident_id: int) -> Optional[str]:
    """The address the resident last gave any skill, or None."""
    return session.execute(
        select(ResidentAddress.address).where(ResidentAddress.resident_id == resident_id)
    ).scalar_one_or_none()
