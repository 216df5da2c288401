"""Core table: payments made through the engine's payment interface (any skill), unique by idempotency key.

Revision ID: core_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0002"
down_revision = "core_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "payments",
        sa.Column("id", sa.Integer()),
        sa.Column("idempotency_key", sa.String(128), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("skill", sa.String(64), nullable=False),
        sa.Column("purpose", sa.String(128), nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("provider", sa.String(128), nullable=False),
        sa.Column("provider_reference", sa.String(128), nullable=True),
        sa.Column("receipt_number", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_payments"),
        sa.ForeignKeyConstraint(["resident_id"], ["residents.id"], name="fk_payments_resident_id_residents"),
        sa.UniqueConstraint("idempotency_key", name="uq_payments_idempotency_key"),
    )
    op.create_index("ix_payments_resident_id", "payments", ["resident_id"])


def downgrade() -> None:
    op.drop_table("payments")
