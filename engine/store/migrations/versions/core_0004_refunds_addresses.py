"""Core tables: refunds of payments (unique by idempotency key) and the resident's known address (one each).

Revision ID: core_0004
"""

import sqlalchemy as sa
from alembic import op

from engine.sdk.migrations import foreign_key, id_columns

revision = "core_0004"
down_revision = "core_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "payment_refunds",
        *id_columns("payment_refunds"),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(128), nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("reason", sa.String(255), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("provider_reference", sa.String(128), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        foreign_key("payment_refunds", "payment_id", "payments"),
        sa.UniqueConstraint("idempotency_key", name="uq_payment_refunds_idempotency_key"),
    )
    op.create_index("ix_payment_refunds_payment_id", "payment_refunds", ["payment_id"])
    op.create_table(
        "resident_addresses",
        *id_columns("resident_addresses"),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(255), nullable=False),
        sa.Column("skill", sa.String(64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        foreign_key("resident_addresses", "resident_id", "residents"),
        sa.UniqueConstraint("resident_id", name="uq_resident_addresses_resident_id"),
    )


def downgrade() -> None:
    op.drop_table("resident_addresses")
    op.drop_table("payment_refunds")
