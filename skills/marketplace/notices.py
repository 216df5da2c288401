"""What residents are told of the cooperative without asking, through the engine's one notification service
(engine.sdk `notify_resident`): delivered by the notifier to the resident's preferred channel (the one they chose,
else the one they wrote from last), retried when the assistant is unreachable, and recorded as delivered.

- An order's state changed (the provider or an administrator moved it, orders.set_state): its customer hears the
  order's status. The notice arrives as the intent `market_order_status` carrying the order in
  `market_notice_order` and the notification's id; action_market_order_status says it once
  (`utter_market_order_state_notice`), from the store, and never touches the slots of the conversation.
- An application decided (admin.py approve/reject): the applicant hears the decision
  (`EXTERNAL_market_application_decided`, action_market_application_decided).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy.orm import Session

from engine.sdk import notify_resident

from .models import MarketOrder, MarketProvider

SKILL = "marketplace"
ORDER_NOTICE_INTENT = "market_order_status"
ORDER_ENTITY = "market_notice_order"
DECIDED_INTENT = "EXTERNAL_market_application_decided"
KEPT = timedelta(days=7)  # a notice not delivered by then is dropped: the resident sees the news when asking


def tell_customer(session: Session, order: MarketOrder, now: datetime) -> Optional[int]:
    """Schedules the news of the order's state for its customer, due at `now`; the notification's id, or None
    when the customer has no channel. A notice of the same order still pending moves instead of doubling (it
    says the state the order has when delivered)."""
    return notify_resident(
        session,
        order.customer_id,
        skill=SKILL,
        name=f"order-{order.id}",
        intent=ORDER_NOTICE_INTENT,
        at=now,
        entities={ORDER_ENTITY: str(order.id)},
        expires_after=KEPT,
    )


def tell_applicant(session: Session, application: MarketProvider, now: datetime) -> Optional[int]:
    """Schedules the decision on the application for the applicant, due at `now`; the notification's id, or None
    when the applicant has no channel (or filed no application as a resident)."""
    if application.resident_id is None:
        return None
    return notify_resident(
        session,
        application.resident_id,
        skill=SKILL,
        name=f"application-{application.id}",
        intent=DECIDED_INTENT,
        at=now,
        expires_after=KEPT,
    )
