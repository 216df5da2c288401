"""Helpers for a skill's Alembic revisions: the primary key and foreign keys named as the store's naming
convention names them (engine/store/base.py), so that a revision reads the same on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import List

import sqlalchemy as sa


def id_columns(table: str) -> List[sa.SchemaItem]:
    """The integer `id` column and the table's primary key on it."""
    return [sa.Column("id", sa.Integer()), sa.PrimaryKeyConstraint("id", name=f"pk_{table}")]


def foreign_key(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    """`table.column` referring to `target.id`."""
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}")
