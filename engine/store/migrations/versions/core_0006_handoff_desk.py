"""Core: handoff requests for the operator desk — the conversation they belong to, who took them and when.

Existing requests get the conversation id their connector gave them (`<channel>:<id>` for the channels of
engine/channels.py) or, for any other channel, the id itself, as Rasa named those conversations.

Revision ID: core_0006
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0006"
down_revision = "core_0005"
branch_labels = None
depends_on = None

# engine.channels.CHANNELS when this revision was written: a migration does not follow later changes of the code.
NAMED_CHANNELS = ("rest", "webchat", "telegram", "alice")
SEPARATOR = ":"

handoff_requests = sa.table(
    "handoff_requests",
    sa.column("channel", sa.String),
    sa.column("external_id", sa.String),
    sa.column("conversation_id", sa.String),
)


def upgrade() -> None:
    with op.batch_alter_table("handoff_requests") as batch:
        batch.add_column(sa.Column("conversation_id", sa.String(255), nullable=True))
        batch.add_column(sa.Column("operator", sa.String(64), nullable=True))
        batch.add_column(sa.Column("taken_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("closed_at", sa.DateTime(), nullable=True))
    named = handoff_requests.c.channel + SEPARATOR + handoff_requests.c.external_id
    op.execute(
        handoff_requests.update().values(
            conversation_id=sa.case(
                (handoff_requests.c.channel.in_(NAMED_CHANNELS), named),
                else_=handoff_requests.c.external_id,
            )
        )
    )
    with op.batch_alter_table("handoff_requests") as batch:
        batch.alter_column("conversation_id", existing_type=sa.String(255), nullable=False)
        batch.create_index("ix_handoff_requests_conversation_id", ["conversation_id"])
        batch.create_index("ix_handoff_requests_status", ["status"])


def downgrade() -> None:
    with op.batch_alter_table("handoff_requests") as batch:
        batch.drop_index("ix_handoff_requests_status")
        batch.drop_index("ix_handoff_requests_conversation_id")
        batch.drop_column("closed_at")
        batch.drop_column("taken_at")
        batch.drop_column("operator")
        batch.drop_column("conversation_id")
