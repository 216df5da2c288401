"""Alembic environment: the engine's migrations plus those of every enabled skill (one branch each)."""

from alembic import context
from sqlalchemy import pool
from sqlalchemy.future import create_engine

from engine.store.base import Base

config = context.config
url = config.get_main_option("sqlalchemy.url")


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=Base.metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata)
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
