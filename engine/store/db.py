"""Connections to the shared store (SQLAlchemy 1.4 in 2.0 style)."""

from __future__ import annotations

from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Dict, Iterator, Optional

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.future import create_engine
from sqlalchemy.orm import Session, sessionmaker

from engine.settings import settings


def _configure_sqlite_connection(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    """Foreign keys on, and pysqlite's own transaction handling off: it emits no BEGIN before a SELECT or a
    SAVEPOINT, so a unit of work's reads ran outside its transaction and a savepoint that was its first write
    committed at once. `_begin_sqlite_transaction` begins every transaction instead (SQLAlchemy's documented
    workaround for pysqlite)."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _begin_sqlite_transaction(connection) -> None:  # type: ignore[no-untyped-def]
    """BEGIN IMMEDIATE: the unit of work takes SQLite's write lock before its first read, so what it read stays
    true until it commits. A deferred BEGIN would fail with "database is locked" when two units of work that read
    first both try to write; IMMEDIATE makes the second one wait (the connection's timeout) instead."""
    connection.exec_driver_sql("BEGIN IMMEDIATE")


_engines: Dict[str, Engine] = {}


def get_engine(url: Optional[str] = None) -> Engine:
    """One engine per database URL for the whole process."""
    url = url or settings().database_url
    if url not in _engines:
        _engines[url] = _create_engine(url)
    return _engines[url]


def _create_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # Rasa's tracker store writes to the same file: wait for its lock instead of failing at once.
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _configure_sqlite_connection)
        event.listen(engine, "begin", _begin_sqlite_transaction)
        return engine
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 5})


@cache
def _session_factory(url: str) -> sessionmaker:
    return sessionmaker(bind=get_engine(url), class_=Session, future=True, expire_on_commit=False)


@contextmanager
def session_scope(url: Optional[str] = None) -> Iterator[Session]:
    """A unit of work: committed when the block ends, rolled back if it raises."""
    session: Session = _session_factory(url or settings().database_url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def dispose_engines() -> None:
    """Closes every pooled connection and forgets engines and settings (tests, or a changed DATABASE_URL)."""
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()
    _session_factory.cache_clear()
    settings.cache_clear()
