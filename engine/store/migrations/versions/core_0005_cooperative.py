"""Core tables: the cooperative's members and the values of its parameters by date.

Revision ID: core_0005
"""

import sqlalchemy as sa
from alembic import op

from engine.sdk.migrations import foreign_key, id_columns

revision = "core_0005"
down_revision = "core_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cooperative_members",
        *id_columns("cooperative_members"),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        foreign_key("cooperative_members", "resident_id", "residents"),
        sa.UniqueConstraint("resident_id", name="uq_cooperative_members_resident_id"),
    )
    op.create_table(
        "cooperative_parameters",
        *id_columns("cooperative_parameters"),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("value", sa.Numeric(12, 2), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("source", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("name", "effective_from", name="uq_cooperative_parameters_name_effective_from"),
    )


def downgrade() -> None:
    op.drop_table("cooperative_parameters")
    op.drop_table("cooperative_members")
