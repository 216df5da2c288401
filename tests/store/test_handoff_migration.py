"""core_0006 gives the handoff requests of an older store the conversation they belong to, on both stores."""

import uuid
from datetime import datetime
from typing import Iterator, Tuple

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url

from engine.skills.discovery import enabled_packages
from engine.store import migrate
from engine.store.db import dispose_engines
from engine.testing import POSTGRES_ADMIN_URL

OLD_REQUESTS = [  # (channel, external id) → the conversation id Rasa knew them by
    (("telegram", "77"), "telegram:77"),
    (("webchat", "3f2a"), "webchat:3f2a"),
    (("socketio", "a1b2"), "a1b2"),
    (("unknown", "shell:user"), "shell:user"),
]


def _admin(statement: str) -> None:
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(statement))
    finally:
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def old_store(request, tmp_path, monkeypatch) -> Iterator[Tuple[str, Config]]:
    """A store migrated to core_0005 (before the desk) holding handoff requests."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
    else:
        _admin(f'CREATE DATABASE "{name}"')
        url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", url)
    config = migrate.alembic_config(url, enabled_packages())
    try:
        command.upgrade(config, "core_0005")
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            connection.execute(
                sa.text("INSERT INTO residents (id, created_at) VALUES (1, :t)"), {"t": datetime(2025, 1, 1)}
            )
            for number, ((channel, external), _) in enumerate(OLD_REQUESTS, start=1):
                connection.execute(
                    sa.text(
                        "INSERT INTO handoff_requests "
                        "(id, resident_id, channel, external_id, reason, transcript, status, created_at) "
                        "VALUES (:id, 1, :channel, :external, 'resident_asked', '[]', 'open', :t)"
                    ),
                    {"id": number, "channel": channel, "external": external, "t": datetime(2025, 1, 1)},
                )
        engine.dispose()
        yield url, config
    finally:
        dispose_engines()
        if request.param == "postgresql":
            _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_old_requests_get_their_conversation_and_the_desk_columns(old_store):
    url, config = old_store
    command.upgrade(config, "heads")
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text(
                    "SELECT conversation_id, status, operator, taken_at, closed_at FROM handoff_requests ORDER BY id"
                )
            ).all()
        columns = {c["name"]: c for c in sa.inspect(engine).get_columns("handoff_requests")}
        indexes = {i["name"] for i in sa.inspect(engine).get_indexes("handoff_requests")}
    finally:
        engine.dispose()
    assert [row[0] for row in rows] == [conversation for _, conversation in OLD_REQUESTS]
    assert all(row[1:] == ("open", None, None, None) for row in rows)
    assert not columns["conversation_id"]["nullable"] and columns["operator"]["nullable"]
    assert {"ix_handoff_requests_conversation_id", "ix_handoff_requests_status"} <= indexes


def test_the_revision_goes_down_and_up_again(old_store):
    url, config = old_store
    command.upgrade(config, "heads")
    command.downgrade(config, "core@core_0005")
    engine = sa.create_engine(url)
    try:
        assert "conversation_id" not in {
            c["name"] for c in sa.inspect(engine).get_columns("handoff_requests")
        }
    finally:
        engine.dispose()
    command.upgrade(config, "heads")
