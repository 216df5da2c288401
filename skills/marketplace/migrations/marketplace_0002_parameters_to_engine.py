"""The cooperative's parameters move to the engine (`cooperative_parameters`), where the members' votes change them
and every skill reads them; approved providers with an identity become members (`cooperative_members`).

Revision ID: marketplace_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "marketplace_0002"
down_revision = "marketplace_0001"
branch_labels = None
depends_on = ("core_0005",)


def upgrade() -> None:
    connection = op.get_bind()
    for column, name in (("commission_percent", "commission_percent"), ("monthly_fee", "member_fee")):
        connection.execute(
            sa.text(
                "INSERT INTO cooperative_parameters (name, value, effective_from, source, created_at) "
                f"SELECT :name, {column}, effective_from, 'marketplace', CURRENT_TIMESTAMP FROM market_parameters"
            ).bindparams(name=name)
        )
    decided = "COALESCE(decided_at, created_at)"
    since = f"DATE({decided})" if connection.dialect.name == "sqlite" else f"CAST({decided} AS DATE)"
    connection.execute(
        sa.text(
            "INSERT INTO cooperative_members (resident_id, since, source) "
            f"SELECT resident_id, {since}, 'marketplace' "
            "FROM market_providers WHERE status = 'approved' AND resident_id IS NOT NULL"
        )
    )
    op.drop_table("market_parameters")


def downgrade() -> None:
    op.create_table(
        "market_parameters",
        sa.Column("id", sa.Integer()),
        sa.Column("commission_percent", sa.Numeric(5, 2), nullable=False),
        sa.Column("monthly_fee", sa.Numeric(12, 2), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_market_parameters"),
        sa.UniqueConstraint("effective_from", name="uq_market_parameters_effective_from"),
    )
