"""Whose account is whose: linking with an ownership check, the 1-hour lock, and the only way actions reach an
account — through the resident it is linked to.

Ownership is proved by the last 4 digits of the phone the management company has on file for the account
(`holder_phone`). Three wrong answers in a row lock the account for linking for one hour.
"""

from __future__ import annotations

import enum
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import List, Optional, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.sdk import audit_record

from .models import UtilitiesAccount

SKILL = "utilities"
MAX_WRONG_ANSWERS = 3
LOCK_DURATION = timedelta(hours=1)


def linked_accounts(session: Session, resident_id: int) -> List[UtilitiesAccount]:
    """The resident's accounts, the most recently linked last."""
    return list(
        session.execute(
            select(UtilitiesAccount)
            .where(UtilitiesAccount.resident_id == resident_id)
            .order_by(UtilitiesAccount.linked_at, UtilitiesAccount.id)
        ).scalars()
    )


class AccountChoice(enum.Enum):
    FOUND = "found"
    NONE_LINKED = "none_linked"
    NOT_YOURS = "not_yours"  # named an account that is not linked to this resident (whether it exists or not)


def account_for(
    session: Session, resident_id: int, number: Optional[str] = None
) -> Tuple[AccountChoice, Optional[UtilitiesAccount]]:
    """The account an action works on: the one named, if it is the resident's; else the last one linked."""
    accounts = linked_accounts(session, resident_id)
    if number:
        mine = [a for a in accounts if a.number == number]
        return (AccountChoice.FOUND, mine[0]) if mine else (AccountChoice.NOT_YOURS, None)
    if not accounts:
        return AccountChoice.NONE_LINKED, None
    return AccountChoice.FOUND, accounts[-1]


class Linkable(enum.Enum):
    READY = "ready"
    NOT_FOUND = "not_found"
    LOCKED = "locked"
    ALREADY_YOURS = "already_yours"
    TAKEN = "taken"  # linked to another resident


def find_account(session: Session, number: str) -> Optional[UtilitiesAccount]:
    return session.execute(
        select(UtilitiesAccount).where(UtilitiesAccount.number == number)
    ).scalar_one_or_none()


def is_locked(account: UtilitiesAccount, now: datetime) -> bool:
    return account.locked_until is not None and account.locked_until > now


def linkable(
    session: Session, number: str, resident_id: int, now: datetime
) -> Tuple[Linkable, Optional[UtilitiesAccount]]:
    account = find_account(session, number)
    if account is None:
        return Linkable.NOT_FOUND, None
    if account.resident_id == resident_id:
        return Linkable.ALREADY_YOURS, account
    if account.resident_id is not None:
        return Linkable.TAKEN, account
    if is_locked(account, now):
        return Linkable.LOCKED, account
    return Linkable.READY, account


class Ownership(enum.Enum):
    LINKED = "linked"
    WRONG = "wrong"
    LOCKED = "locked"  # this answer was the last allowed, or the account was already locked
    UNAVAILABLE = "unavailable"  # gone, or linked to someone else meanwhile


@dataclass(frozen=True)
class OwnershipResult:
    outcome: Ownership
    attempts_left: int = 0
    locked_until: Optional[datetime] = None


def verify_and_link(
    session: Session, number: str, resident_id: int, answer: str, now: datetime
) -> OwnershipResult:
    """Checks the answer (last 4 digits of the phone on file); links on success, counts and locks on failure."""
    state, account = linkable(session, number, resident_id, now)
    if state is Linkable.LOCKED:
        return OwnershipResult(Ownership.LOCKED, locked_until=account.locked_until)
    if state is not Linkable.READY:
        return OwnershipResult(Ownership.UNAVAILABLE)
    if hmac.compare_digest(answer, account.holder_phone[-4:]):
        account.resident_id, account.linked_at, account.failed_checks = resident_id, now, 0
        session.flush()
        audit_record(
            session,
            skill=SKILL,
            action="account_linked",
            resident_id=resident_id,
            details={"account": account.number},
        )
        return OwnershipResult(Ownership.LINKED)
    account.failed_checks += 1
    audit_record(
        session,
        skill=SKILL,
        action="account_link_failed",
        resident_id=resident_id,
        details={"account": account.number, "failed_checks": account.failed_checks},
    )
    if account.failed_checks >= MAX_WRONG_ANSWERS:
        account.failed_checks, account.locked_until = 0, now + LOCK_DURATION
        audit_record(
            session,
            skill=SKILL,
            action="account_locked",
            resident_id=resident_id,
            details={"account": account.number, "until": account.locked_until.isoformat()},
        )
        return OwnershipResult(Ownership.LOCKED, locked_until=account.locked_until)
    return OwnershipResult(Ownership.WRONG, attempts_left=MAX_WRONG_ANSWERS - account.failed_checks)
