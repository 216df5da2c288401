"""Tables of the marketplace skill (declared in manifest.yml, created by migrations/).

Datetimes are naive UTC. Money is Numeric(12, 2).
"""

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import relationship

from engine.sdk import Base, utcnow

PENDING = "pending"
APPROVED = "approved"
REJECTED = "rejected"
# A warranty claim that is still being dealt with: at most one such claim per order (market_claims' partial index).
OPEN_CLAIM = "accepted"


class MarketProvider(Base):
    """A member of the cooperative (a master, a freelancer or a small business), or an applicant to become one."""

    __tablename__ = "market_providers"

    id = Column(Integer, primary_key=True)
    resident_id = Column(Integer, ForeignKey("residents.id"), nullable=True, unique=True)
    name = Column(String(128), nullable=False)
    phone = Column(String(16), nullable=False)
    about = Column(Text, nullable=True)
    status = Column(String(16), nullable=False, default=PENDING)  # pending, approved, rejected
    decision_reason = Column(Text, nullable=True)
    decided_at = Column(DateTime, nullable=True)
    categories = Column(JSON, nullable=False, default=list)  # service_category canonical values
    districts = Column(JSON, nullable=False, default=list)  # district names, see catalog.DISTRICTS
    work_start_hour = Column(Integer, nullable=False, default=9)  # local time, inclusive
    work_end_hour = Column(Integer, nullable=False, default=20)  # local time, exclusive
    rating = Column(Numeric(3, 2), nullable=False, default=0)
    review_count = Column(Integer, nullable=False, default=0)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class MarketOffer(Base):
    """A service a member sells: price per unit, how long a visit takes, how many days of warranty it carries."""

    __tablename__ = "market_offers"

    id = Column(Integer, primary_key=True)
    provider_id = Column(Integer, ForeignKey("market_providers.id"), nullable=False, index=True)
    category = Column(String(32), nullable=False, index=True)
    title = Column(String(128), nullable=False)
    price = Column(Numeric(12, 2), nullable=False)
    unit = Column(String(32), nullable=False)  # what the price is per (lexicon.yml service_units)
    duration_minutes = Column(Integer, nullable=False, default=120)
    warranty_days = Column(Integer, nullable=False, default=30)
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class MarketOrder(Base):
    """An order of a resident: new → assigned → confirmed → in_progress → done, or cancelled."""

    __tablename__ = "market_orders"

    id = Column(Integer, primary_key=True)
    customer_id = Column(Integer, ForeignKey("residents.id"), nullable=False, index=True)
    provider_id = Column(Integer, ForeignKey("market_providers.id"), nullable=True, index=True)
    offer_id = Column(Integer, ForeignKey("market_offers.id"), nullable=True)
    category = Column(String(32), nullable=False)
    address = Column(String(255), nullable=False)
    slot_start = Column(DateTime, nullable=False)
    slot_end = Column(DateTime, nullable=False)
    price = Column(Numeric(12, 2), nullable=False)
    state = Column(String(16), nullable=False, default="new")
    warranty_claim_id = Column(
        Integer, nullable=True
    )  # set on a free repeat visit booked for a warranty claim
    cancel_fee = Column(Numeric(12, 2), nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow)
    done_at = Column(DateTime, nullable=True)

    provider = relationship("MarketProvider")
    offer = relationship("MarketOffer")


class MarketBooking(Base):
    """One busy hour of a provider. The unique (provider, hour) pair is what makes double booking impossible,
    also for two orders placed at the same moment."""

    __tablename__ = "market_bookings"
    __table_args__ = (UniqueConstraint("provider_id", "slot_start"),)

    id = Column(Integer, primary_key=True)
    provider_id = Column(Integer, ForeignKey("market_providers.id"), nullable=False)
    slot_start = Column(DateTime, nullable=False)  # the start of a whole hour
    order_id = Column(Integer, ForeignKey("market_orders.id"), nullable=False, index=True)
    # An unpaid order holds the hour until then; None: held for good (paid, confirmed, or a warranty visit).
    held_until = Column(DateTime, nullable=True)


class MarketPayment(Base):
    """The order's claim on its payment and the payment's split: amount = provider_share + commission, always.

    `pending` from before the provider is asked until its answer is recorded: one claim per order (unique
    `order_id`), so that an order is charged once whatever keys its requests carry; `paid` once the engine's payment
    succeeded. A declined payment's claim is deleted, so that the order can be paid with a new key.
    """

    __tablename__ = "market_payments"

    id = Column(Integer, primary_key=True)
    order_id = Column(Integer, ForeignKey("market_orders.id"), nullable=False, unique=True)
    payment_id = Column(Integer, ForeignKey("payments.id"), nullable=False, unique=True)
    idempotency_key = Column(String(128), nullable=False)
    amount = Column(Numeric(12, 2), nullable=False)
    provider_share = Column(Numeric(12, 2), nullable=False)
    commission = Column(Numeric(12, 2), nullable=False)
    commission_percent = Column(Numeric(5, 2), nullable=False)
    status = Column(String(16), nullable=False, default="paid")  # pending, paid
    created_at = Column(DateTime, nullable=False, default=utcnow)


class MarketLedgerEntry(Base):
    """Money of a paid order that moved after the payment: the refund given back when it was cancelled, and the
    late-cancel fee kept of it (split as the payment was). One of each kind per order."""

    __tablename__ = "market_ledger_entries"
    __table_args__ = (UniqueConstraint("order_id", "kind"),)

    id = Column(Integer, primary_key=True)
    order_id = Column(Integer, ForeignKey("market_orders.id"), nullable=False)
    payment_id = Column(Integer, ForeignKey("payments.id"), nullable=False, index=True)
    kind = Column(String(16), nullable=False)  # refund, cancel_fee
    amount = Column(Numeric(12, 2), nullable=False)
    provider_share = Column(Numeric(12, 2), nullable=False)
    commission = Column(Numeric(12, 2), nullable=False)
    refund_id = Column(Integer, ForeignKey("payment_refunds.id"), nullable=True)  # the engine's refund
    created_at = Column(DateTime, nullable=False, default=utcnow)


class MarketReview(Base):
    __tablename__ = "market_reviews"

    id = Column(Integer, primary_key=True)
    order_id = Column(Integer, ForeignKey("market_orders.id"), nullable=False, unique=True)
    provider_id = Column(Integer, ForeignKey("market_providers.id"), nullable=False, index=True)
    customer_id = Column(Integer, ForeignKey("residents.id"), nullable=False)
    rating = Column(Integer, nullable=False)
    text = Column(Text, nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class MarketWarranty(Base):
    """The warranty contract of a done order: from the day it was done through `ends_on` inclusive."""

    __tablename__ = "market_warranties"

    id = Column(Integer, primary_key=True)
    order_id = Column(Integer, ForeignKey("market_orders.id"), nullable=False, unique=True)
    starts_on = Column(Date, nullable=False)
    ends_on = Column(Date, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class MarketClaim(Base):
    """A warranty claim: accepted (with a free repeat visit) or refused (with the reason); an accepted one is
    resolved when its visit is done, withdrawn when the visit is cancelled. One accepted claim per order at a time."""

    __tablename__ = "market_claims"
    __table_args__ = (
        Index(
            "uq_market_claims_open_order",
            "order_id",
            unique=True,
            sqlite_where=text(f"status = '{OPEN_CLAIM}'"),
            postgresql_where=text(f"status = '{OPEN_CLAIM}'"),
        ),
    )

    id = Column(Integer, primary_key=True)
    order_id = Column(Integer, ForeignKey("market_orders.id"), nullable=False, index=True)
    customer_id = Column(Integer, ForeignKey("residents.id"), nullable=False)
    description = Column(Text, nullable=False)
    status = Column(
        String(16), nullable=False
    )  # accepted, refused, resolved, withdrawn (duplicate: migrated)
    reason = Column(Text, nullable=True)
    visit_order_id = Column(Integer, ForeignKey("market_orders.id"), nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class MarketContractEvent(Base):
    """The hash-chained contract log: each record carries the hash of the previous one (see contract_log)."""

    __tablename__ = "market_contract_events"

    id = Column(Integer, primary_key=True)
    order_id = Column(Integer, ForeignKey("market_orders.id"), nullable=False, index=True)
    kind = Column(String(32), nullable=False)
    payload = Column(Text, nullable=False)  # canonical JSON, hashed as stored
    created_at = Column(DateTime, nullable=False)
    prev_hash = Column(String(64), nullable=False, unique=True)
    hash = Column(String(64), nullable=False, unique=True)
