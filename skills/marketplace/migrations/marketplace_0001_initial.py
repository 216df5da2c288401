"""Tables of the marketplace skill: providers, offers, orders, bookings, payments, reviews,
warranties, claims, the contract log and the economic parameters.

Revision ID: marketplace_0001
"""

import sqlalchemy as sa
from alembic import op

from engine.sdk.migrations import foreign_key, id_columns

revision = "marketplace_0001"
down_revision = None
branch_labels = ("marketplace",)
depends_on = ("core_0001", "core_0002")  # refers to residents and the core payments table

MONEY = sa.Numeric(12, 2)


def _unique(table: str, *columns: str) -> sa.UniqueConstraint:
    return sa.UniqueConstraint(*columns, name=f"uq_{table}_{columns[0]}")


def _index(table: str, column: str) -> None:
    op.create_index(f"ix_{table}_{column}", table, [column])


def upgrade() -> None:
    op.create_table(
        "market_providers",
        *id_columns("market_providers"),
        sa.Column("resident_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("phone", sa.String(16), nullable=False),
        sa.Column("about", sa.Text(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("districts", sa.JSON(), nullable=False),
        sa.Column("work_start_hour", sa.Integer(), nullable=False),
        sa.Column("work_end_hour", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Numeric(3, 2), nullable=False),
        sa.Column("review_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        foreign_key("market_providers", "resident_id", "residents"),
        _unique("market_providers", "resident_id"),
    )
    op.create_table(
        "market_offers",
        *id_columns("market_offers"),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("title", sa.String(128), nullable=False),
        sa.Column("price", MONEY, nullable=False),
        sa.Column("unit", sa.String(32), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("warranty_days", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        foreign_key("market_offers", "provider_id", "market_providers"),
    )
    _index("market_offers", "provider_id")
    _index("market_offers", "category")
    op.create_table(
        "market_orders",
        *id_columns("market_orders"),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=True),
        sa.Column("offer_id", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("address", sa.String(255), nullable=False),
        sa.Column("slot_start", sa.DateTime(), nullable=False),
        sa.Column("slot_end", sa.DateTime(), nullable=False),
        sa.Column("price", MONEY, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("warranty_claim_id", sa.Integer(), nullable=True),
        sa.Column("cancel_fee", MONEY, nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        foreign_key("market_orders", "customer_id", "residents"),
        foreign_key("market_orders", "provider_id", "market_providers"),
        foreign_key("market_orders", "offer_id", "market_offers"),
    )
    _index("market_orders", "customer_id")
    _index("market_orders", "provider_id")
    op.create_table(
        "market_bookings",
        *id_columns("market_bookings"),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("slot_start", sa.DateTime(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        foreign_key("market_bookings", "provider_id", "market_providers"),
        foreign_key("market_bookings", "order_id", "market_orders"),
        _unique("market_bookings", "provider_id", "slot_start"),
    )
    _index("market_bookings", "order_id")
    op.create_table(
        "market_payments",
        *id_columns("market_payments"),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(128), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("provider_share", MONEY, nullable=False),
        sa.Column("commission", MONEY, nullable=False),
        sa.Column("commission_percent", sa.Numeric(5, 2), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        foreign_key("market_payments", "order_id", "market_orders"),
        foreign_key("market_payments", "payment_id", "payments"),
        _unique("market_payments", "order_id"),
        _unique("market_payments", "payment_id"),
    )
    op.create_table(
        "market_reviews",
        *id_columns("market_reviews"),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        foreign_key("market_reviews", "order_id", "market_orders"),
        foreign_key("market_reviews", "provider_id", "market_providers"),
        foreign_key("market_reviews", "customer_id", "residents"),
        _unique("market_reviews", "order_id"),
    )
    _index("market_reviews", "provider_id")
    op.create_table(
        "market_warranties",
        *id_columns("market_warranties"),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        foreign_key("market_warranties", "order_id", "market_orders"),
        _unique("market_warranties", "order_id"),
    )
    op.create_table(
        "market_claims",
        *id_columns("market_claims"),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("visit_order_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        foreign_key("market_claims", "order_id", "market_orders"),
        foreign_key("market_claims", "customer_id", "residents"),
        foreign_key("market_claims", "visit_order_id", "market_orders"),
    )
    _index("market_claims", "order_id")
    op.create_table(
        "market_contract_events",
        *id_columns("market_contract_events"),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        foreign_key("market_contract_events", "order_id", "market_orders"),
        _unique("market_contract_events", "prev_hash"),
        _unique("market_contract_events", "hash"),
    )
    _index("market_contract_events", "order_id")
    op.create_table(
        "market_parameters",
        *id_columns("market_parameters"),
        sa.Column("commission_percent", sa.Numeric(5, 2), nullable=False),
        sa.Column("monthly_fee", MONEY, nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        _unique("market_parameters", "effective_from"),
    )


def downgrade() -> None:
    for table in (
        "market_parameters",
        "market_contract_events",
        "market_claims",
        "market_warranties",
        "market_reviews",
        "market_payments",
        "market_bookings",
        "market_orders",
        "market_offers",
        "market_providers",
    ):
        op.drop_table(table)
