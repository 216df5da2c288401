"""Tables of the transport skill: drivers and rides, parking zones, parking sessions and their charges.

Revision ID: transport_0001
"""

import sqlalchemy as sa
from alembic import op

from engine.sdk.migrations import foreign_key, id_columns

revision = "transport_0001"
down_revision = None
branch_labels = ("transport",)
depends_on = ("core_0001", "core_0002")  # refers to residents and the core payments table


def _unique(table: str, column: str) -> sa.UniqueConstraint:
    return sa.UniqueConstraint(column, name=f"uq_{table}_{column}")


def upgrade() -> None:
    op.create_table(
        "transport_drivers",
        *id_columns("transport_drivers"),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("car", sa.String(64), nullable=False),
        sa.Column("plate", sa.String(16), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("ride_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        foreign_key("transport_drivers", "resident_id", "residents"),
        _unique("transport_drivers", "resident_id"),
    )
    op.create_table(
        "transport_rides",
        *id_columns("transport_rides"),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("driver_id", sa.Integer(), nullable=True),
        sa.Column("from_title", sa.String(255), nullable=False),
        sa.Column("from_lat", sa.Float(), nullable=False),
        sa.Column("from_lon", sa.Float(), nullable=False),
        sa.Column("to_title", sa.String(255), nullable=False),
        sa.Column("to_lat", sa.Float(), nullable=False),
        sa.Column("to_lon", sa.Float(), nullable=False),
        sa.Column("pickup_at", sa.DateTime(), nullable=False),
        sa.Column("km", sa.Float(), nullable=False),
        sa.Column("fare", sa.Numeric(10, 2), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("assigned_at", sa.DateTime(), nullable=True),
        sa.Column("arrive_by", sa.DateTime(), nullable=True),
        sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.Column("arrived_at", sa.DateTime(), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("cancel_fee", sa.Numeric(10, 2), nullable=True),
        sa.Column("fee_payment_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        foreign_key("transport_rides", "resident_id", "residents"),
        foreign_key("transport_rides", "driver_id", "transport_drivers"),
        foreign_key("transport_rides", "fee_payment_id", "payments"),
    )
    op.create_index("ix_transport_rides_resident_id", "transport_rides", ["resident_id"])
    op.create_index("ix_transport_rides_driver_id", "transport_rides", ["driver_id"])
    op.create_index("ix_transport_rides_status", "transport_rides", ["status"])
    op.create_table(
        "transport_parking_zones",
        *id_columns("transport_parking_zones"),
        sa.Column("code", sa.String(8), nullable=False),
        sa.Column("title", sa.String(128), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("occupied", sa.Integer(), nullable=False),
        sa.Column("price_per_hour", sa.Numeric(10, 2), nullable=False),
        sa.Column("max_hours", sa.Integer(), nullable=False),
        _unique("transport_parking_zones", "code"),
    )
    op.create_table(
        "transport_parking_sessions",
        *id_columns("transport_parking_sessions"),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("plate", sa.String(16), nullable=True),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("stopped_at", sa.DateTime(), nullable=True),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        foreign_key("transport_parking_sessions", "zone_id", "transport_parking_zones"),
        foreign_key("transport_parking_sessions", "resident_id", "residents"),
    )
    op.create_index("ix_transport_parking_sessions_zone_id", "transport_parking_sessions", ["zone_id"])
    op.create_index(
        "ix_transport_parking_sessions_resident_id", "transport_parking_sessions", ["resident_id"]
    )
    op.create_table(
        "transport_parking_charges",
        *id_columns("transport_parking_charges"),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(10, 2), nullable=False),
        sa.Column("refunded", sa.Numeric(10, 2), nullable=False),
        # The conventional name would pass PostgreSQL's 63 characters; models.py names it the same.
        sa.ForeignKeyConstraint(
            ["session_id"], ["transport_parking_sessions.id"], name="fk_transport_parking_charges_session_id"
        ),
        foreign_key("transport_parking_charges", "payment_id", "payments"),
        _unique("transport_parking_charges", "payment_id"),
    )
    op.create_index("ix_transport_parking_charges_session_id", "transport_parking_charges", ["session_id"])


def downgrade() -> None:
    for table in (
        "transport_parking_charges",
        "transport_parking_sessions",
        "transport_parking_zones",
        "transport_rides",
        "transport_drivers",
    ):
        op.drop_table(table)
