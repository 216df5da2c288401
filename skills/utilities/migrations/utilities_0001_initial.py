"""Tables of the utilities skill: accounts, meters, readings, tariffs, charges, payments, reminders, requests.

Revision ID: utilities_0001
"""

import sqlalchemy as sa
from alembic import op

from engine.sdk.migrations import foreign_key, id_columns

revision = "utilities_0001"
down_revision = None
branch_labels = ("utilities",)
depends_on = ("core_0001", "core_0002")  # utilities_payments refers to the core payments table


def upgrade() -> None:
    op.create_table(
        "utilities_accounts",
        *id_columns("utilities_accounts"),
        sa.Column("number", sa.String(12), nullable=False),
        sa.Column("address", sa.String(255), nullable=False),
        sa.Column("management_company", sa.String(128), nullable=False),
        sa.Column("area_m2", sa.Numeric(8, 2), nullable=False),
        sa.Column("holder_phone", sa.String(16), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=True),
        sa.Column("linked_at", sa.DateTime(), nullable=True),
        sa.Column("failed_checks", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        foreign_key("utilities_accounts", "resident_id", "residents"),
        sa.UniqueConstraint("number", name="uq_utilities_accounts_number"),
    )
    op.create_index("ix_utilities_accounts_resident_id", "utilities_accounts", ["resident_id"])
    op.create_table(
        "utilities_meters",
        *id_columns("utilities_meters"),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("resource", sa.String(16), nullable=False),
        sa.Column("zone", sa.String(8), nullable=True),
        sa.Column("place", sa.String(32), nullable=True),
        sa.Column("serial_number", sa.String(32), nullable=False),
        sa.Column("digits", sa.Integer(), nullable=False),
        sa.Column("last_reading", sa.Numeric(12, 3), nullable=False),
        sa.Column("last_reading_on", sa.Date(), nullable=False),
        foreign_key("utilities_meters", "account_id", "utilities_accounts"),
    )
    op.create_index("ix_utilities_meters_account_id", "utilities_meters", ["account_id"])
    op.create_table(
        "utilities_readings",
        *id_columns("utilities_readings"),
        sa.Column("meter_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Numeric(12, 3), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        foreign_key("utilities_readings", "meter_id", "utilities_meters"),
    )
    op.create_index("ix_utilities_readings_meter_id", "utilities_readings", ["meter_id"])
    op.create_table(
        "utilities_tariffs",
        *id_columns("utilities_tariffs"),
        sa.Column("service", sa.String(32), nullable=False),
        sa.Column("zone", sa.String(8), nullable=True),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("price", sa.Numeric(12, 4), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.UniqueConstraint("service", "zone", "effective_from", name="uq_utilities_tariffs_service"),
    )
    op.create_table(
        "utilities_charges",
        *id_columns("utilities_charges"),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("service", sa.String(32), nullable=False),
        sa.Column("zone", sa.String(8), nullable=True),
        sa.Column("quantity", sa.Numeric(12, 3), nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("tariff", sa.Numeric(12, 4), nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        foreign_key("utilities_charges", "account_id", "utilities_accounts"),
        sa.UniqueConstraint(
            "account_id", "period", "service", "zone", name="uq_utilities_charges_account_id"
        ),
    )
    op.create_index("ix_utilities_charges_account_id", "utilities_charges", ["account_id"])
    op.create_table(
        "utilities_payments",
        *id_columns("utilities_payments"),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("paid_at", sa.DateTime(), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("receipt_number", sa.String(64), nullable=True),
        foreign_key("utilities_payments", "account_id", "utilities_accounts"),
        foreign_key("utilities_payments", "payment_id", "payments"),
        sa.UniqueConstraint("payment_id", name="uq_utilities_payments_payment_id"),
    )
    op.create_index("ix_utilities_payments_account_id", "utilities_payments", ["account_id"])
    op.create_table(
        "utilities_reminders",
        *id_columns("utilities_reminders"),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("remind_at", sa.DateTime(), nullable=False),
        sa.Column("recurring", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        foreign_key("utilities_reminders", "resident_id", "residents"),
    )
    op.create_index("ix_utilities_reminders_resident_id", "utilities_reminders", ["resident_id"])
    op.create_table(
        "utilities_requests",
        *id_columns("utilities_requests"),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("address", sa.String(255), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        foreign_key("utilities_requests", "resident_id", "residents"),
        foreign_key("utilities_requests", "account_id", "utilities_accounts"),
    )
    op.create_index("ix_utilities_requests_resident_id", "utilities_requests", ["resident_id"])


def downgrade() -> None:
    for table in (
        "utilities_requests",
        "utilities_reminders",
        "utilities_payments",
        "utilities_charges",
        "utilities_tariffs",
        "utilities_readings",
        "utilities_meters",
        "utilities_accounts",
    ):
        op.drop_table(table)
