"""Core table: scheduled notifications, delivered into residents' conversations by the notifier (any skill).

Revision ID: core_0003
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0003"
down_revision = "core_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scheduled_notifications",
        sa.Column("id", sa.Integer()),
        sa.Column("skill", sa.String(64), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=True),
        sa.Column("intent", sa.String(128), nullable=False),
        sa.Column("entities", sa.JSON(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("claimed_until", sa.DateTime(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_scheduled_notifications"),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["residents.id"], name="fk_scheduled_notifications_resident_id_residents"
        ),
    )
    op.create_index(
        "ix_scheduled_notifications_conversation_id", "scheduled_notifications", ["conversation_id"]
    )
    op.create_index("ix_scheduled_notifications_resident_id", "scheduled_notifications", ["resident_id"])
    op.create_index("ix_scheduled_notifications_due_at", "scheduled_notifications", ["due_at"])


def downgrade() -> None:
    op.drop_table("scheduled_notifications")
