"""An order's states, and an order as a unit of work reads it: by a number residents typed (never one the store
cannot hold), and locked before a change is decided on it.

new → assigned → confirmed → in_progress → done, or cancelled (by the customer), or expired (unpaid when its hold
ran out, and its hours were given to another order). Cancelled and expired orders never move again.
"""

from __future__ import annotations

from typing import Any, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import MarketOrder

NEW, ASSIGNED, CONFIRMED, IN_PROGRESS, DONE, CANCELLED, EXPIRED = (
    "new",
    "assigned",
    "confirmed",
    "in_progress",
    "done",
    "cancelled",
    "expired",
)
LIFECYCLE = (NEW, ASSIGNED, CONFIRMED, IN_PROGRESS, DONE)
OPEN_STATES = (NEW, ASSIGNED, CONFIRMED, IN_PROGRESS)
ENDED = (CANCELLED, EXPIRED)
UNCONFIRMED = (NEW, ASSIGNED)  # the provider has not taken the order up yet
MAX_ID = 2**31 - 1  # the largest id an integer column holds on every store


def valid_id(value: Any) -> bool:
    """Whether `value` can be an order's id: a positive integer the store can hold (a typed 10**20 cannot)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def order_by_id(session: Session, order_id: Any, lock: bool = False) -> Optional[MarketOrder]:
    """The order with this id, or None (also for an id no order can have).

    With `lock` the order's row is locked until the unit of work ends (SELECT ... FOR UPDATE on PostgreSQL; on
    SQLite the unit of work holds the write lock from its start) and read afresh, so that a change decided on it
    sees what another worker committed meanwhile, and the other worker waits for this one.
    """
    if not valid_id(order_id):
        return None
    if not lock:
        return session.get(MarketOrder, order_id)
    return session.execute(
        select(MarketOrder)
        .where(MarketOrder.id == order_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
