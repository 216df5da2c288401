"""Tables of the governance skill: proposals, votes and chained minutes; institutions, their services and reception
slots; fines; appeals and their history.

Revision ID: governance_0001
"""

import sqlalchemy as sa
from alembic import op

from engine.sdk.migrations import foreign_key, id_columns

revision = "governance_0001"
down_revision = None
branch_labels = ("governance",)
depends_on = ("core_0001", "core_0002")  # refers to residents and the core payments table


def _unique(table: str, *columns: str) -> sa.UniqueConstraint:
    return sa.UniqueConstraint(*columns, name=f"uq_{table}_{'_'.join(columns)}")


def _votes() -> None:
    op.create_table(
        "gov_proposals",
        *id_columns("gov_proposals"),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("parameter", sa.String(64), nullable=True),
        sa.Column("parameter_value", sa.Numeric(12, 2), nullable=True),
        sa.Column("effective_from", sa.Date(), nullable=True),
        sa.Column("proposer_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("opens_at", sa.DateTime(), nullable=False),
        sa.Column("closes_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("outcome_reason", sa.String(32), nullable=True),
        sa.Column("applied_from", sa.Date(), nullable=True),
        sa.Column("votes_for", sa.Integer(), nullable=True),
        sa.Column("votes_against", sa.Integer(), nullable=True),
        sa.Column("votes_abstain", sa.Integer(), nullable=True),
        sa.Column("electorate", sa.Integer(), nullable=True),
        foreign_key("gov_proposals", "proposer_id", "residents"),
    )
    op.create_index("ix_gov_proposals_status", "gov_proposals", ["status"])
    op.create_table(
        "gov_votes",
        *id_columns("gov_votes"),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("choice", sa.String(8), nullable=False),
        sa.Column("cast_at", sa.DateTime(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=True),
        sa.Column("changes", sa.Integer(), nullable=False),
        foreign_key("gov_votes", "proposal_id", "gov_proposals"),
        foreign_key("gov_votes", "member_id", "residents"),
        _unique("gov_votes", "proposal_id", "member_id"),
    )
    op.create_table(
        "gov_minutes",
        *id_columns("gov_minutes"),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("previous_digest", sa.String(64), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        foreign_key("gov_minutes", "proposal_id", "gov_proposals"),
        _unique("gov_minutes", "sequence"),
        _unique("gov_minutes", "proposal_id"),
    )


def _appointments() -> None:
    op.create_table(
        "gov_institutions",
        *id_columns("gov_institutions"),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("title", sa.String(128), nullable=False),
        sa.Column("address", sa.String(255), nullable=False),
        sa.Column("hours", sa.String(255), nullable=False),
        sa.Column("visit_minutes", sa.Integer(), nullable=False),
        _unique("gov_institutions", "code"),
    )
    op.create_table(
        "gov_services",
        *id_columns("gov_services"),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("title", sa.String(128), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("keywords", sa.String(255), nullable=False),
        foreign_key("gov_services", "institution_id", "gov_institutions"),
        _unique("gov_services", "institution_id", "code"),
    )
    op.create_table(
        "gov_slots",
        *id_columns("gov_slots"),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("desk", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=True),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("booked_at", sa.DateTime(), nullable=True),
        foreign_key("gov_slots", "institution_id", "gov_institutions"),
        foreign_key("gov_slots", "resident_id", "residents"),
        foreign_key("gov_slots", "service_id", "gov_services"),
        _unique("gov_slots", "institution_id", "desk", "starts_at"),
    )
    op.create_index("ix_gov_slots_resident_id", "gov_slots", ["resident_id"])
    op.create_index("ix_gov_slots_institution_id_starts_at", "gov_slots", ["institution_id", "starts_at"])


def _fines() -> None:
    op.create_table(
        "gov_fines",
        *id_columns("gov_fines"),
        sa.Column("uin", sa.String(25), nullable=False),
        sa.Column("offence", sa.String(255), nullable=False),
        sa.Column("issuer", sa.String(128), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("discount_until", sa.Date(), nullable=True),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("paid_amount", sa.Numeric(12, 2), nullable=True),
        sa.Column("paid_at", sa.DateTime(), nullable=True),
        sa.Column("paid_by", sa.Integer(), nullable=True),
        foreign_key("gov_fines", "payment_id", "payments"),
        foreign_key("gov_fines", "paid_by", "residents"),
        _unique("gov_fines", "uin"),
    )


def _appeals() -> None:
    op.create_table(
        "gov_appeals",
        *id_columns("gov_appeals"),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("address", sa.String(255), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("photo_url", sa.String(500), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("request_key", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        foreign_key("gov_appeals", "resident_id", "residents"),
        _unique("gov_appeals", "request_key"),
    )
    op.create_index("ix_gov_appeals_resident_id", "gov_appeals", ["resident_id"])
    op.create_table(
        "gov_appeal_events",
        *id_columns("gov_appeal_events"),
        sa.Column("appeal_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        foreign_key("gov_appeal_events", "appeal_id", "gov_appeals"),
    )
    op.create_index("ix_gov_appeal_events_appeal_id", "gov_appeal_events", ["appeal_id"])


def upgrade() -> None:
    _votes()
    _appointments()
    _fines()
    _appeals()


def downgrade() -> None:
    for table in (
        "gov_appeal_events",
        "gov_appeals",
        "gov_fines",
        "gov_slots",
        "gov_services",
        "gov_institutions",
        "gov_minutes",
        "gov_votes",
        "gov_proposals",
    ):
        op.drop_table(table)
