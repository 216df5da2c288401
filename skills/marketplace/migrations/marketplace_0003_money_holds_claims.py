"""Issue 15: an order claims its payment before the provider is asked (`market_payments.status`), refunds and
late-cancel fees of cancelled paid orders (`market_ledger_entries`), unpaid orders hold their hours until a
deadline (`market_bookings.held_until`), and one open warranty claim per order (a partial unique index).

Existing payments were recorded only once they succeeded: they are `paid`. Existing bookings are held for good, as
they were. Of several accepted claims of one order the oldest stays open and the others become `duplicate` (their
visits stay booked).

Revision ID: marketplace_0003
"""

import sqlalchemy as sa
from alembic import op

from engine.sdk.migrations import foreign_key, id_columns

revision = "marketplace_0003"
down_revision = "marketplace_0002"
branch_labels = None
depends_on = ("core_0004",)  # refers to the core payment_refunds table

MONEY = sa.Numeric(12, 2)
OPEN = "status = 'accepted'"

market_claims = sa.table(
    "market_claims",
    sa.column("id", sa.Integer),
    sa.column("order_id", sa.Integer),
    sa.column("status", sa.String),
)


def upgrade() -> None:
    with op.batch_alter_table("market_payments") as batch:
        batch.add_column(sa.Column("status", sa.String(16), nullable=False, server_default="paid"))
    with op.batch_alter_table("market_bookings") as batch:
        batch.add_column(sa.Column("held_until", sa.DateTime(), nullable=True))
    oldest_open = (
        sa.select(sa.func.min(market_claims.c.id))
        .where(market_claims.c.status == "accepted")
        .group_by(market_claims.c.order_id)
    )
    op.execute(
        market_claims.update()
        .where(market_claims.c.status == "accepted", market_claims.c.id.not_in(oldest_open))
        .values(status="duplicate")
    )
    op.create_index(
        "uq_market_claims_open_order",
        "market_claims",
        ["order_id"],
        unique=True,
        sqlite_where=sa.text(OPEN),
        postgresql_where=sa.text(OPEN),
    )
    op.create_table(
        "market_ledger_entries",
        *id_columns("market_ledger_entries"),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("provider_share", MONEY, nullable=False),
        sa.Column("commission", MONEY, nullable=False),
        sa.Column("refund_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        foreign_key("market_ledger_entries", "order_id", "market_orders"),
        foreign_key("market_ledger_entries", "payment_id", "payments"),
        foreign_key("market_ledger_entries", "refund_id", "payment_refunds"),
        sa.UniqueConstraint("order_id", "kind", name="uq_market_ledger_entries_order_id"),
    )
    op.create_index("ix_market_ledger_entries_payment_id", "market_ledger_entries", ["payment_id"])


def downgrade() -> None:
    op.drop_index("ix_market_ledger_entries_payment_id", table_name="market_ledger_entries")
    op.drop_table("market_ledger_entries")
    op.drop_index("uq_market_claims_open_order", table_name="market_claims")
    with op.batch_alter_table("market_bookings") as batch:
        batch.drop_column("held_until")
    with op.batch_alter_table("market_payments") as batch:
        batch.drop_column("status")
