"""Core: where a resident's notifications go — when each channel identity last wrote, and the channel the
resident chose.

Existing identities are taken as last seen when they were created: the best the store knows of them.

Revision ID: core_0007
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0007"
down_revision = "core_0006"
branch_labels = None
depends_on = None

channel_identities = sa.table(
    "channel_identities",
    sa.column("created_at", sa.DateTime),
    sa.column("last_seen_at", sa.DateTime),
)


def upgrade() -> None:
    with op.batch_alter_table("channel_identities") as batch:
        batch.add_column(sa.Column("last_seen_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("residents") as batch:
        batch.add_column(sa.Column("notify_channel", sa.String(32), nullable=True))
    op.execute(channel_identities.update().values(last_seen_at=channel_identities.c.created_at))


def downgrade() -> None:
    with op.batch_alter_table("residents") as batch:
        batch.drop_column("notify_channel")
    with op.batch_alter_table("channel_identities") as batch:
        batch.drop_column("last_seen_at")
