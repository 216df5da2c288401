"""Whose account is whose: linking, and the only way actions reach an account — through the resident it is linked
to.

An account links to the resident whose phone, confirmed with a one-time code (the core's profile), is the phone the
management company has on file for it (`holder_phone`). Nothing the resident types proves ownership, and the bills
of the skill's data carry no code to prove it with, so the confirmed phone is the only proof. A resident whose
confirmed phone is another one is refused, and the refusal is counted on the account with one
`UPDATE ... SET failed_checks = failed_checks + 1` (refusals made at once are all counted). MAX_FAILED_CHECKS
refusals in a row lock the account for LOCK_DURATION — for everyone but its holder: the holder's confirmed phone
links it even then, and clears the count and the lock.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import List, Optional, Tuple

from sqlalchemy import case, or_, select, update
from sqlalchemy.orm import Session

from engine.sdk import audit_record, verified_phone

from .models import UtilitiesAccount

SKILL = "utilities"
MAX_FAILED_CHECKS = 3
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


def find_account(session: Session, number: str) -> Optional[UtilitiesAccount]:
    return session.execute(
        select(UtilitiesAccount).where(UtilitiesAccount.number == number)
    ).scalar_one_or_none()


def is_locked(account: UtilitiesAccount, now: datetime) -> bool:
    return account.locked_until is not None and account.locked_until > now


def same_phone(first: str, second: str) -> bool:
    """Whether two Russian phone numbers are one: +7 912 345-43-21, 89123454321 and 79123454321 are."""

    def national(phone: str) -> str:
        digits = re.sub(r"\D", "", phone or "")
        return digits[1:] if len(digits) == 11 and digits[0] in "78" else digits

    return bool(national(first)) and national(first) == national(second)


class Ownership(enum.Enum):
    LINKED = "linked"
    ALREADY_YOURS = "already_yours"
    NOT_FOUND = "not_found"
    TAKEN = "taken"  # linked to another resident
    NO_PHONE = "no_phone"  # the resident has confirmed no phone yet: nothing is checked, nothing counted
    NOT_HOLDER = "not_holder"  # the resident's confirmed phone is not the holder's: counted
    LOCKED = "locked"  # refused for now after others' failed checks (never the holder)


@dataclass(frozen=True)
class LinkResult:
    outcome: Ownership
    locked_until: Optional[datetime] = None


def link_account(session: Session, number: str, resident_id: int, now: datetime) -> LinkResult:
    """Links the account to the resident if their confirmed phone is its holder's; counts a refusal otherwise."""
    account = find_account(session, number)
    if account is None:
        return LinkResult(Ownership.NOT_FOUND)
    if account.resident_id == resident_id:
        return LinkResult(Ownership.ALREADY_YOURS)
    if account.resident_id is not None:
        return LinkResult(Ownership.TAKEN)
    phone = verified_phone(session, resident_id)
    if phone is None:
        return LinkResult(Ownership.NO_PHONE)
    if same_phone(phone, account.holder_phone):
        return _claim(session, account, resident_id, now)
    return _refuse(session, account, resident_id, now)


def _claim(session: Session, account: UtilitiesAccount, resident_id: int, now: datetime) -> LinkResult:
    """The holder links the account, whatever others' failures left on it; only if no one linked it meanwhile."""
    claimed = session.execute(
        update(UtilitiesAccount)
        .where(UtilitiesAccount.id == account.id, UtilitiesAccount.resident_id.is_(None))
        .values(resident_id=resident_id, linked_at=now, failed_checks=0, locked_until=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    account = session.get(UtilitiesAccount, account.id, populate_existing=True)
    if claimed != 1:
        return LinkResult(Ownership.ALREADY_YOURS if account.resident_id == resident_id else Ownership.TAKEN)
    audit_record(
        session,
        skill=SKILL,
        action="account_linked",
        resident_id=resident_id,
        details={"account": account.number},
    )
    return LinkResult(Ownership.LINKED)


def _refuse(session: Session, account: UtilitiesAccount, resident_id: int, now: datetime) -> LinkResult:
    """Counts a failed check in one UPDATE (the row's own value plus one, never a value read before), locking the
    account when it is the last allowed; a check made while the account is locked is not counted."""
    if is_locked(account, now):
        return LinkResult(Ownership.LOCKED, locked_until=account.locked_until)
    reaches_limit = UtilitiesAccount.failed_checks + 1 >= MAX_FAILED_CHECKS
    counted = session.execute(
        update(UtilitiesAccount)
        .where(
            UtilitiesAccount.id == account.id,
            UtilitiesAccount.resident_id.is_(None),
            or_(UtilitiesAccount.locked_until.is_(None), UtilitiesAccount.locked_until <= now),
        )
        .values(
            failed_checks=case((reaches_limit, 0), else_=UtilitiesAccount.failed_checks + 1),
            locked_until=case((reaches_limit, now + LOCK_DURATION), else_=UtilitiesAccount.locked_until),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    account = session.get(UtilitiesAccount, account.id, populate_existing=True)
    if counted != 1:  # locked or linked meanwhile
        if account.resident_id is not None:
            return LinkResult(Ownership.TAKEN)
        return LinkResult(Ownership.LOCKED, locked_until=account.locked_until)
    audit_record(
        session,
        skill=SKILL,
        action="account_link_failed",
        resident_id=resident_id,
        details={"account": account.number, "failed_checks": account.failed_checks},
    )
    if is_locked(account, now):
        audit_record(
            session,
            skill=SKILL,
            action="account_locked",
            resident_id=resident_id,
            details={"account": account.number, "until": account.locked_until.isoformat()},
        )
    return LinkResult(Ownership.NOT_HOLDER)
