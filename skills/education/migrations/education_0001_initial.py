"""Tables of the education skill: courses, learners (residents' children), enrolments and waiting lists,
materials.

Revision ID: education_0001
"""

import sqlalchemy as sa
from alembic import op

from engine.sdk.migrations import foreign_key, id_columns

revision = "education_0001"
down_revision = None
branch_labels = ("education",)
depends_on = ("core_0001",)  # refers to residents


def upgrade() -> None:
    op.create_table(
        "edu_courses",
        *id_columns("edu_courses"),
        sa.Column("title", sa.String(128), nullable=False),
        sa.Column("topic_words", sa.JSON(), nullable=False),
        sa.Column("teacher", sa.String(128), nullable=False),
        sa.Column("organiser", sa.String(16), nullable=False),
        sa.Column("place", sa.String(255), nullable=True),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("age_min", sa.Integer(), nullable=True),
        sa.Column("age_max", sa.Integer(), nullable=True),
        sa.Column("price", sa.Numeric(10, 2), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("weekdays", sa.JSON(), nullable=False),
        sa.Column("start_time", sa.String(5), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "edu_learners",
        *id_columns("edu_learners"),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("age", sa.Integer(), nullable=False),
        sa.Column("age_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        foreign_key("edu_learners", "resident_id", "residents"),
    )
    op.create_index("ix_edu_learners_resident_id", "edu_learners", ["resident_id"])
    op.create_table(
        "edu_enrollments",
        *id_columns("edu_enrollments"),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("queued_at", sa.DateTime(), nullable=False),
        sa.Column("offered_until", sa.DateTime(), nullable=True),
        sa.Column("reminder_minutes", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("left_at", sa.DateTime(), nullable=True),
        foreign_key("edu_enrollments", "course_id", "edu_courses"),
        foreign_key("edu_enrollments", "resident_id", "residents"),
        foreign_key("edu_enrollments", "learner_id", "edu_learners"),
    )
    op.create_index("ix_edu_enrollments_course_id", "edu_enrollments", ["course_id"])
    op.create_index("ix_edu_enrollments_resident_id", "edu_enrollments", ["resident_id"])
    op.create_table(
        "edu_materials",
        *id_columns("edu_materials"),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("lesson_on", sa.Date(), nullable=True),
        sa.Column("title", sa.String(128), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        foreign_key("edu_materials", "course_id", "edu_courses"),
    )
    op.create_index("ix_edu_materials_course_id", "edu_materials", ["course_id"])


def downgrade() -> None:
    for table in ("edu_materials", "edu_enrollments", "edu_learners", "edu_courses"):
        op.drop_table(table)
