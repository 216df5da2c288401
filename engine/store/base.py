"""Declarative base shared by the engine's and the skills' tables."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import MetaData
from sqlalchemy.orm import declarative_base

# Stable constraint names, so that migrations read the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Base = declarative_base(metadata=MetaData(naming_convention=NAMING_CONVENTION))


def utcnow() -> datetime:
    """Naive UTC: what the store keeps, identical on SQLite (which drops time zones) and PostgreSQL."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
