"""Core tables: residents, channel identities, one-time codes, the append-only audit log, handoff requests.

Revision ID: core_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0001"
down_revision = None
branch_labels = ("core",)
depends_on = None

APPEND_ONLY_TRIGGERS = {
    "sqlite": [
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    ],
    "postgresql": [
        "CREATE FUNCTION audit_log_refuse_change() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'audit_log is append-only'; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()",
    ],
}


def upgrade() -> None:
    op.create_table(
        "residents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("phone", sa.String(16), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_residents"),
        sa.UniqueConstraint("phone", name="uq_residents_phone"),
    )
    op.create_table(
        "channel_identities",
        sa.Column("id", sa.Integer()),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("external_id", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("linked_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_channel_identities"),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["residents.id"], name="fk_channel_identities_resident_id_residents"
        ),
        sa.UniqueConstraint("channel", "external_id", name="uq_channel_identities_channel"),
    )
    op.create_index("ix_channel_identities_resident_id", "channel_identities", ["resident_id"])
    op.create_table(
        "one_time_codes",
        sa.Column("id", sa.Integer()),
        sa.Column("identity_id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(16), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("salt", sa.String(32), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_one_time_codes"),
        sa.ForeignKeyConstraint(
            ["identity_id"],
            ["channel_identities.id"],
            name="fk_one_time_codes_identity_id_channel_identities",
        ),
    )
    op.create_index("ix_one_time_codes_identity_id", "one_time_codes", ["identity_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer()),
        sa.Column("resident_id", sa.Integer(), nullable=True),
        sa.Column("skill", sa.String(64), nullable=False),
        sa.Column("action", sa.String(128), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
        sa.ForeignKeyConstraint(["resident_id"], ["residents.id"], name="fk_audit_log_resident_id_residents"),
    )
    op.create_index("ix_audit_log_resident_id", "audit_log", ["resident_id"])
    op.create_table(
        "handoff_requests",
        sa.Column("id", sa.Integer()),
        sa.Column("resident_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("external_id", sa.String(255), nullable=False),
        sa.Column("reason", sa.String(64), nullable=False),
        sa.Column("transcript", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_handoff_requests"),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["residents.id"], name="fk_handoff_requests_resident_id_residents"
        ),
    )
    op.create_index("ix_handoff_requests_resident_id", "handoff_requests", ["resident_id"])
    for statement in APPEND_ONLY_TRIGGERS.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_refuse_change()")
    for table in ("handoff_requests", "audit_log", "one_time_codes", "channel_identities", "residents"):
        op.drop_table(table)
