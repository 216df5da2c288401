"""One account per resident across channels, linked by phone number with a one-time code; the address the
resident last gave any skill."""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, List, Optional, Tuple

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine import audit, notifications
from engine.channels import identity_conversation
from engine.otp import CodeSender, mask_phone
from engine.store.base import utcnow
from engine.store.merge import move_belongings
from engine.store.models import ChannelIdentity, OneTimeCode, Resident, ResidentAddress

CODE_LENGTH = 6
CODE_LIFETIME = timedelta(minutes=10)
MAX_CODE_ATTEMPTS = 3
# Limits on one-time codes. Per identity alone is not enough: whoever rotates sender ids would flood one phone
# with codes and guess without end. So codes are also counted per phone and over all phones, and wrong guesses
# per phone, whichever identity made them.
MAX_CODES_PER_HOUR = 5  # per channel identity
MAX_CODES_PER_PHONE_PER_HOUR = 3
MAX_CODES_OVERALL_PER_HOUR = 300  # every phone together: what an SMS flood may cost at most
MAX_FAILURES_PER_PHONE = 10  # wrong codes for one phone within FAILURE_WINDOW
FAILURE_WINDOW = timedelta(hours=24)
MAX_ADDRESS = 255
SEEN_RESOLUTION = timedelta(minutes=1)  # how precisely "the channel the resident wrote from last" is kept
LINK_NOTICE = "utter_profile_channel_linked_notice"  # said in the resident's other conversations
_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def _identity(session: Session, channel: str, external_id: str) -> Optional[ChannelIdentity]:
    return session.execute(
        select(ChannelIdentity).where(
            ChannelIdentity.channel == channel, ChannelIdentity.external_id == external_id
        )
    ).scalar_one_or_none()


def identity_for(session: Session, channel: str, external_id: str) -> ChannelIdentity:
    """The identity of a channel user, created with a new resident the first time they write; stamped as seen now
    (the resident's notifications go to the channel seen last unless they chose one: engine/delivery.py).

    The stamp is written only when the last one is older than SEEN_RESOLUTION: most lookups stay reads, so a
    conversation's actions do not all queue for the write lock (SQLite) just to say "still here".

    Two first messages of one new user at once (two channels' servers, two action workers) both try to create
    the identity: on PostgreSQL the second insert waits for the first and then violates the unique key; its
    savepoint is undone and the first one's identity is returned."""
    now = utcnow()
    identity = _identity(session, channel, external_id)
    if identity is None:
        try:
            with session.begin_nested():
                identity = ChannelIdentity(
                    channel=channel,
                    external_id=external_id,
                    resident=Resident(),
                    created_at=now,
                    last_seen_at=now,
                )
                session.add(identity)
        except IntegrityError:
            identity = _identity(session, channel, external_id)
            if identity is None:
                raise
    elif identity.last_seen_at is None or abs(now - identity.last_seen_at) > SEEN_RESOLUTION:
        identity.last_seen_at = now
    return identity


def _hash(code: str, salt: str) -> str:
    return hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()


class CodeRequest(enum.Enum):
    SENT = "sent"
    TOO_MANY = "too_many"  # this identity or this phone asked for too many codes within an hour
    BUSY = "busy"  # too many codes went out to all phones within an hour
    LOCKED = "locked"  # too many wrong codes for this phone within a day


def _codes_since(session: Session, since: datetime, *conditions: Any) -> int:
    return int(
        session.execute(
            select(func.count(OneTimeCode.id)).where(OneTimeCode.created_at > since, *conditions)
        ).scalar_one()
    )


def _failures_for(session: Session, phone: str, now: datetime) -> int:
    return int(
        session.execute(
            select(func.coalesce(func.sum(OneTimeCode.attempts), 0)).where(
                OneTimeCode.phone == phone, OneTimeCode.created_at > now - FAILURE_WINDOW
            )
        ).scalar_one()
    )


def request_code(
    session: Session,
    identity: ChannelIdentity,
    phone: str,
    sender: CodeSender,
    now: Optional[datetime] = None,
) -> CodeRequest:
    """Sends a new code to `phone`; earlier unused codes of this identity stop working."""
    now = now or utcnow()
    hour_ago = now - timedelta(hours=1)
    if _failures_for(session, phone, now) >= MAX_FAILURES_PER_PHONE:
        return CodeRequest.LOCKED
    if (
        _codes_since(session, hour_ago, OneTimeCode.identity_id == identity.id) >= MAX_CODES_PER_HOUR
        or _codes_since(session, hour_ago, OneTimeCode.phone == phone) >= MAX_CODES_PER_PHONE_PER_HOUR
    ):
        return CodeRequest.TOO_MANY
    if _codes_since(session, hour_ago) >= MAX_CODES_OVERALL_PER_HOUR:
        return CodeRequest.BUSY
    session.execute(
        update(OneTimeCode)
        .where(OneTimeCode.identity_id == identity.id, OneTimeCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
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
    LOCKED = "locked"  # too many wrong codes for this phone within a day, from any channel
    # The phone's account and this channel's both hold something only one may (engine/store/merge.py): the code
    # is used up and nothing is linked; an operator sorts it out.
    CONFLICT = "conflict"


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


def _use_up(session: Session, code_id: int, now: datetime) -> bool:
    """Marks the code used; False when another request used it first (one code links once)."""
    result = session.execute(
        update(OneTimeCode)
        .where(OneTimeCode.id == code_id, OneTimeCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _count_failure(session: Session, code_id: int) -> int:
    """Adds a wrong attempt in one UPDATE (two guesses at once both count) and returns the attempts made."""
    session.execute(
        update(OneTimeCode)
        .where(OneTimeCode.id == code_id)
        .values(attempts=OneTimeCode.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    return int(session.execute(select(OneTimeCode.attempts).where(OneTimeCode.id == code_id)).scalar_one())


def confirm_code(
    session: Session, identity: ChannelIdentity, code: str, now: Optional[datetime] = None
) -> CodeResult:
    """Checks a code; on success the phone is linked and the identity joins the phone's account."""
    now = now or utcnow()
    pending = _pending_code(session, identity)
    if pending is None:
        return CodeResult(CodeCheck.NO_CODE)
    if pending.expires_at <= now:
        _use_up(session, pending.id, now)
        return CodeResult(CodeCheck.EXPIRED)
    if _failures_for(session, pending.phone, now) >= MAX_FAILURES_PER_PHONE:
        _use_up(session, pending.id, now)
        return CodeResult(CodeCheck.LOCKED)
    if not hmac.compare_digest(pending.code_hash, _hash(code.strip(), pending.salt)):
        left = MAX_CODE_ATTEMPTS - _count_failure(session, pending.id)
        if left <= 0:
            _use_up(session, pending.id, now)
            return CodeResult(CodeCheck.EXHAUSTED)
        return CodeResult(CodeCheck.WRONG, attempts_left=left)
    if not _use_up(session, pending.id, now):
        return CodeResult(CodeCheck.NO_CODE)
    merged = _link_phone(session, identity, pending.phone, now)
    if merged is None:
        return CodeResult(CodeCheck.CONFLICT, phone=pending.phone)
    return CodeResult(CodeCheck.LINKED, phone=pending.phone, merged=merged)


def _link_phone(session: Session, identity: ChannelIdentity, phone: str, now: datetime) -> Optional[bool]:
    """Links `phone` to the identity; whether it joined the account that had the phone already, None when it
    could not (see CodeCheck.CONFLICT).

    A resident known only by this channel (no phone yet) brings everything it has along: accounts, orders,
    memberships. One that had another phone leaves it with that phone's account, which the other phone still
    reaches."""
    owner = session.execute(select(Resident).where(Resident.phone == phone)).scalar_one_or_none()
    merged = owner is not None and owner.id != identity.resident_id
    if owner is None:
        owner = identity.resident
        owner.phone = phone
    elif merged:
        source = identity.resident
        if source.phone is None:
            if not move_belongings(session, source.id, owner.id):
                audit.record(
                    session,
                    skill="core",
                    action="phone_link_refused",
                    resident_id=source.id,
                    details={"channel": identity.channel, "phone": mask_phone(phone), "owner": owner.id},
                )
                return None
            session.refresh(identity)
        else:
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
    if merged:
        _tell_other_channels(session, owner, identity, now)
    return merged


def _tell_other_channels(session: Session, owner: Resident, linked: ChannelIdentity, now: datetime) -> None:
    """A channel joined an existing account: each of the account's other conversations hears of it at once,
    so an owner who did not do it can say so (engine/notifier.py delivers, with retries)."""
    for other in owner.identities:
        if other.id == linked.id:
            continue
        notifications.schedule(
            session,
            skill="core",
            name=f"channel_linked_{linked.id}",
            conversation_id=identity_conversation(other.channel, other.external_id),
            channel=other.channel,
            resident_id=None,  # meant for this very conversation: never re-addressed (engine/notifications.py)
            intent=LINK_NOTICE,
            due_at=now,
        )


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


def verified_phone(session: Session, resident_id: int) -> Optional[str]:
    """The phone the resident confirmed with a one-time code (the only way a resident gets one), or None."""
    return session.execute(select(Resident.phone).where(Resident.id == resident_id)).scalar_one_or_none()
