"""Steps of the marketplace's money and race tests, each in a unit of work of its own (as two workers would run
them): placing, paying, cancelling, finishing, reviewing and claiming, with the outcome as plain data."""

from __future__ import annotations

import threading
from contextlib import suppress
from datetime import timedelta
from decimal import Decimal
from typing import Any, Callable, List, Optional, Tuple

from sqlalchemy import select

from engine.sdk import Payment, PaymentRefund, session_scope
from skills.marketplace import ledger, orders, reviews, warranty
from skills.marketplace.models import MarketClaim, MarketOrder, MarketPayment, MarketProvider
from skills.marketplace.tests.conftest import NOW, moscow

TOMORROW = NOW.date() + timedelta(days=1)
ADDRESS = "ул. Речная, 1"


def place(customer: int, hour: int = 10, offer: Optional[int] = None, now=NOW, day=TOMORROW) -> int:
    with session_scope() as session:
        return orders.place_order(session, customer, "plumber", ADDRESS, moscow(day, hour), offer, now).id


def pay(customer: int, number: int, key: str) -> Tuple[str, Any]:
    """("paid", payment id), ("refused", reason) or ("error", the exception's class): what a worker answered."""
    try:
        with session_scope() as session:
            return "paid", ledger.pay_order(session, customer, number, key).payment.id
    except ledger.NotPayable as refused:
        return "refused", refused.reason
    except Exception as error:  # the race tests report what a worker would have crashed with
        return "error", type(error).__name__


def cancel(customer: int, number: int, now=NOW) -> orders.CancelResult:
    with session_scope() as session:
        return orders.cancel(session, customer, number, now)


def finish(master: int, number: int, day=TOMORROW) -> str:
    """The provider marks the order done: "done", or the reason it was refused."""
    try:
        with session_scope() as session:
            orders.advance(session, master, number, orders.DONE, moscow(day, 12))
            return "done"
    except orders.OrderError as refused:
        return refused.reason


def done_and_paid(cast, customer: int, hour: int = 10, key: Optional[str] = None) -> int:
    number = place(customer, hour)
    assert pay(customer, number, key or f"key-{number}")[0] == "paid"
    assert finish(cast.master, number) == "done"
    return number


def review(customer: int, number: int, rating: int) -> str:
    try:
        with session_scope() as session:
            reviews.leave_review(session, customer, number, rating, None)
            return "saved"
    except reviews.ReviewRefused as refused:
        return refused.reason
    except Exception as error:
        return type(error).__name__


def claim(customer: int, number: int, day_offset: int = 5) -> warranty.ClaimResult:
    with session_scope() as session:
        return warranty.open_claim(
            session, customer, number, "опять течёт", moscow(TOMORROW + timedelta(days=day_offset), 10)
        )


def state_of(number: int) -> str:
    with session_scope() as session:
        return session.get(MarketOrder, number).state


def refunds_of(number: int) -> List[Tuple[Decimal, str]]:
    """(amount, status) of every refund of the order's payment, oldest first."""
    with session_scope() as session:
        rows = session.execute(
            select(PaymentRefund.amount, PaymentRefund.status)
            .join(MarketPayment, MarketPayment.payment_id == PaymentRefund.payment_id)
            .where(MarketPayment.order_id == number)
            .order_by(PaymentRefund.id)
        )
        return [(Decimal(amount), status) for amount, status in rows]


def payments() -> List[Tuple[Decimal, str]]:
    with session_scope() as session:
        rows = session.execute(select(Payment.amount, Payment.status).order_by(Payment.id))
        return [(Decimal(amount), status) for amount, status in rows]


def claims_of(number: int) -> List[Tuple[str, Optional[int]]]:
    with session_scope() as session:
        rows = session.execute(
            select(MarketClaim.status, MarketClaim.visit_order_id)
            .where(MarketClaim.order_id == number)
            .order_by(MarketClaim.id)
        )
        return [tuple(row) for row in rows]


def rating_of(provider_id: int) -> Tuple[Decimal, int]:
    with session_scope() as session:
        provider = session.get(MarketProvider, provider_id)
        return Decimal(provider.rating), provider.review_count


class Meeting:
    """One meeting point for several functions: the threads of a race all get there (after a read, or before a
    write) before any goes on; a lock that keeps one away breaks the meeting after `seconds` (see meeting_after)."""

    def __init__(self, parties: int, seconds: float = 1.0) -> None:
        self.barrier, self.seconds = threading.Barrier(parties), seconds

    def _meet(self) -> None:
        with suppress(threading.BrokenBarrierError):
            self.barrier.wait(timeout=self.seconds)

    def after(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def then_meet(*args: Any, **kwargs: Any) -> Any:
            result = function(*args, **kwargs)
            self._meet()
            return result

        return then_meet

    def before(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def meet_first(*args: Any, **kwargs: Any) -> Any:
            self._meet()
            return function(*args, **kwargs)

        return meet_first
