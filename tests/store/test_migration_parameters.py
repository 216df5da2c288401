"""A store migrated before the parameters moved to the engine (marketplace_0002) keeps its commission and fee."""

from datetime import date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic import command

from engine.sdk import parameter_value, session_scope
from engine.skills.discovery import enabled_packages
from engine.store import migrate
from engine.store.db import dispose_engines


@pytest.fixture
def old_store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    config = migrate.alembic_config(url, enabled_packages())
    command.upgrade(config, "marketplace@marketplace_0001")
    command.upgrade(config, "core_0004")
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            sa.text("INSERT INTO residents (id, created_at) VALUES (1, :t)"), {"t": datetime(2025, 1, 1)}
        )
        connection.execute(
            sa.text(
                "INSERT INTO market_parameters (id, commission_percent, monthly_fee, effective_from) "
                "VALUES (1, 12, 450, '2025-01-01')"
            )
        )
    engine.dispose()
    yield url, config
    dispose_engines()


def test_the_commission_and_fee_move_to_the_engine(old_store):
    url, config = old_store
    command.upgrade(config, "heads")
    with session_scope(url) as session:
        assert parameter_value(session, "commission_percent", date(2025, 6, 1)) == Decimal("12.00")
        assert parameter_value(session, "member_fee", date(2025, 6, 1)) == Decimal("450.00")
        assert "market_parameters" not in sa.inspect(session.connection()).get_table_names()
