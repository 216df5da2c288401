"""Fines by their resolution number (UIN): reading and checking the number, the amount due on a day (half the fine
within the discount period) and paying a fine once, whoever asks and however often.

The UIN is 20 or 25 digits; the last one is a check digit computed as the GIS GMP rules prescribe (the method of
the OKPO check number): the digits before it get the weights 1, 2, ..., 10 from the left, repeated; the weighted
sum mod 11 is the check digit. A remainder of 10 is computed again with the weights shifted by two places
(3, 4, ..., 10, 1, 2, ...); a second 10 makes the check digit 0.

Paying: the fine is claimed by a conditional UPDATE (`paid_at IS NULL`) before money moves, so two residents paying
the same fine at once (or one «yes» sent twice) charge once: the second UPDATE waits for the first transaction's
row lock and then finds the fine paid. The payment key is per fine, per resident and per confirmation shown: the
same confirmation answered twice returns the first payment; a declined payment releases the fine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, List, Optional

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.sdk import SUCCEEDED, Payment, audit_record, clock, pay, register_reader

from .models import Fine

SKILL = "governance"
UIN_LENGTHS = (20, 25)
# KoAP RF 32.2 part 1.3: half the fine when it is paid within 20 days of the decision (for most traffic offences).
DISCOUNT_DAYS = 20
# KoAP RF 32.2 part 1: 60 days to pay once the decision takes effect, which is 10 days after it is handed over.
PAYMENT_DAYS = 70
# A run of digits this long in a request is taken for a UIN attempt (and told what is wrong with it).
MIN_CANDIDATE_DIGITS = 15
# Fewer digits than this in an answer (an hour, a house number) are no number at all rather than a short one.
MIN_TYPED_DIGITS = 5
CENT = Decimal("0.01")

# What is wrong with a typed UIN
EMPTY, NOT_DIGITS, LENGTH, CHECK_DIGIT = "empty", "not_digits", "length", "check_digit"
# Outcomes of pay_fine
PAID, ALREADY_PAID, NOT_FOUND, AMOUNT_CHANGED, DECLINED = (
    "paid",
    "already_paid",
    "not_found",
    "amount_changed",
    "declined",
)

_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]+")
_EDGE_PUNCTUATION = ".,;:!?()[]{}<>\"'\u00ab\u00bb\u2116#*"
_ASCII_DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class UinReading:
    """The UIN typed (digits only) or what is wrong with it; `digits` counts the digits of a number too short or
    too long."""

    uin: Optional[str]
    problem: Optional[str] = None
    digits: int = 0


@dataclass(frozen=True)
class FineOutcome:
    """code: PAID (also the repeat of the same confirmation), ALREADY_PAID (paid before, by anyone), NOT_FOUND,
    AMOUNT_CHANGED (`amount` is what is due now), DECLINED (`payment` was declined; the fine stays unpaid)."""

    code: str
    fine: Optional[Fine] = None
    payment: Optional[Payment] = None
    amount: Decimal = Decimal(0)


def uin_check_digit(body: str) -> int:
    """The check digit of the 19 (or 24) digits before it."""
    digits = [int(ch) for ch in body]
    for shift in (0, 2):
        remainder = sum(d * ((i + shift) % 10 + 1) for i, d in enumerate(digits)) % 11
        if remainder < 10:
            return remainder
    return 0


def with_check_digit(body: str) -> str:
    return body + str(uin_check_digit(body))


def _candidates(text: str) -> List[str]:
    """Runs of words holding a digit, joined across spaces and dashes ("1881 0177-2611 ..." is one run), each
    without its separators. Linear in the text: a message of any length is read in one pass."""
    runs: List[str] = []
    current: List[str] = []
    for typed in _SEPARATORS.split(text or ""):
        token = typed.strip(_EDGE_PUNCTUATION)
        if any(ch.isdigit() for ch in token):
            current.append(token)
            continue
        if current:
            runs.append("".join(current))
            current = []
    if current:
        runs.append("".join(current))
    return runs


def _digit_count(run: str) -> int:
    return sum(ch.isdigit() for ch in run)


def uin_in_text(text: str) -> Optional[str]:
    """The longest run of digits in a message that may be a UIN (at least MIN_CANDIDATE_DIGITS digits), as typed
    without separators, or None: "pay the fine 1881 0177 ..." holds one, "the fine of 5 November" none."""
    runs = [run for run in _candidates(text) if _digit_count(run) >= MIN_CANDIDATE_DIGITS]
    return max(runs, key=_digit_count) if runs else None


def read_uin(text: str) -> UinReading:
    """The UIN in what was typed: spaces and dashes between digits are dropped; letters, a wrong length or a wrong
    check digit are each told apart."""
    runs = _candidates(text)
    run = max(runs, key=_digit_count) if runs else ""
    if _digit_count(run) < MIN_TYPED_DIGITS:
        return UinReading(None, EMPTY)
    if not _ASCII_DIGITS.fullmatch(run):
        return UinReading(None, NOT_DIGITS)
    if len(run) not in UIN_LENGTHS:
        return UinReading(None, LENGTH, len(run))
    if int(run[-1]) != uin_check_digit(run[:-1]):
        return UinReading(None, CHECK_DIGIT)
    return UinReading(run)


def _typed_uin(text: str) -> Optional[str]:
    return read_uin(text).uin if uin_in_text(text) else None


register_reader("fine_id", _typed_uin)


def fine_by_uin(session: Session, uin: str) -> Optional[Fine]:
    return session.execute(select(Fine).where(Fine.uin == uin)).scalars().first()


def half(amount: Decimal) -> Decimal:
    return (Decimal(amount) / 2).quantize(CENT, rounding=ROUND_HALF_UP)


def discount_until_for(issued_on: date) -> date:
    """The last day of the discount for a decision of `issued_on`."""
    return issued_on + timedelta(days=DISCOUNT_DAYS)


def pay_until(fine: Fine) -> date:
    """The last day to pay the fine without it being overdue."""
    return fine.issued_on + timedelta(days=PAYMENT_DAYS)


def discount_applies(fine: Fine, day: date) -> bool:
    return fine.discount_until is not None and day <= fine.discount_until


def is_paid(fine: Fine) -> bool:
    return fine.paid_at is not None


def amount_due(fine: Fine, day: date) -> Decimal:
    """What paying the fine on `day` costs: nothing once paid, half within the discount period."""
    if is_paid(fine):
        return Decimal(0)
    return half(fine.amount) if discount_applies(fine, day) else Decimal(fine.amount).quantize(CENT)


def _local_day(now: datetime) -> date:
    return clock.to_local(clock.to_store(now)).date()


def _by_key(session: Session, idempotency_key: str) -> Optional[Payment]:
    return (
        session.execute(select(Payment).where(Payment.idempotency_key == idempotency_key)).scalars().first()
    )


def _answered_before(fine: Fine, payment: Payment) -> FineOutcome:
    """The outcome of the same confirmation answered before: its payment, paid or declined."""
    code = PAID if payment.status == SUCCEEDED and fine.payment_id == payment.id else DECLINED
    return FineOutcome(code, fine, payment, Decimal(payment.amount))


def pay_fine(
    session: Session, resident_id: int, uin: str, expected: Decimal, key: str, now: datetime
) -> FineOutcome:
    """Pays the fine `uin` for `expected` (the amount the confirmation named) in the caller's unit of work; `key`
    is the confirmation's own key. Nothing is charged when the fine is paid already or the amount due changed."""
    fine = fine_by_uin(session, uin)
    if fine is None:
        return FineOutcome(NOT_FOUND)
    # The resident's own: another's confirmation key, typed into a payload, never answers with their payment.
    idempotency_key = f"governance-fine-{fine.id}-{resident_id}-{key}"
    earlier = _by_key(session, idempotency_key)
    if earlier is not None:  # the fine read above may predate that answer: read it again with the payment
        return _answered_before(session.get(Fine, fine.id, populate_existing=True), earlier)
    if is_paid(fine):
        return FineOutcome(ALREADY_PAID, fine)
    due = amount_due(fine, _local_day(now))
    if due != Decimal(expected):
        return FineOutcome(AMOUNT_CHANGED, fine, amount=due)
    stored_now = clock.to_store(now)
    claimed = session.execute(
        update(Fine)
        .where(Fine.id == fine.id, Fine.paid_at.is_(None))
        .values(paid_at=stored_now, paid_by=resident_id, paid_amount=due)
        .execution_options(synchronize_session=False)
    )
    fine = session.get(Fine, fine.id, populate_existing=True)
    if claimed.rowcount != 1:  # paid meanwhile: by this very confirmation, or by someone else
        earlier = _by_key(session, idempotency_key)
        return _answered_before(fine, earlier) if earlier is not None else FineOutcome(ALREADY_PAID, fine)
    payment = pay(
        session,
        resident_id=resident_id,
        skill=SKILL,
        purpose="fine",
        amount=due,
        idempotency_key=idempotency_key,
        description=f"fine {fine.uin}",
    )
    if payment.status != SUCCEEDED:
        session.execute(
            update(Fine)
            .where(Fine.id == fine.id, Fine.payment_id.is_(None))
            .values(paid_at=None, paid_by=None, paid_amount=None)
            .execution_options(synchronize_session=False)
        )
        return FineOutcome(DECLINED, session.get(Fine, fine.id, populate_existing=True), payment, due)
    fine.payment_id = payment.id
    session.flush()
    audit_record(
        session,
        skill=SKILL,
        action="fine_paid",
        resident_id=resident_id,
        details={"fine_id": fine.id, "uin": fine.uin, "amount": str(due), "payment_id": payment.id},
    )
    return FineOutcome(PAID, fine, payment, due)


def seed_demo(session: Session, data: List[Any], today: date) -> None:
    """Demo fines (demo.yml `fines:`): issued `issued_days_ago` before `today`, with the discount when `discount`
    is true; those with `paid_days_ago` were paid then (elsewhere, so without a payment of the store)."""
    for item in data:
        issued_on = today - timedelta(days=int(item["issued_days_ago"]))
        fine = Fine(
            uin=str(item["uin"]),
            offence=str(item["offence"]),
            issuer=str(item["issuer"]),
            issued_on=issued_on,
            amount=Decimal(str(item["amount"])),
            discount_until=discount_until_for(issued_on) if item.get("discount") else None,
        )
        if item.get("paid_days_ago") is not None:
            paid_on = today - timedelta(days=int(item["paid_days_ago"]))
            fine.paid_amount = amount_due(fine, paid_on)
            fine.paid_at = clock.local_moment(paid_on, 10)
        session.add(fine)
    session.flush()
