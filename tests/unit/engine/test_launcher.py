import pytest

from engine.launcher import LaunchError, check_database
from engine.runtime import endpoints_file, server_environment
from engine.settings import PROJECT_ROOT, load_settings


def settings_for(url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", url)
    return load_settings()


def test_sqlite_uses_the_embedded_endpoints_and_the_same_file(monkeypatch, tmp_path):
    config = settings_for(f"sqlite:///{tmp_path / 'a.db'}", monkeypatch)
    assert endpoints_file(config) == PROJECT_ROOT / "endpoints.yml"
    env = server_environment(config, 5055, base={})
    assert env["TRACKER_SQLITE_FILE"] == str(tmp_path / "a.db")
    assert env["ACTION_ENDPOINT_URL"] == "http://127.0.0.1:5055/webhook"


def test_postgres_store_moves_the_tracker_store_too(monkeypatch):
    config = settings_for("postgresql://city:secret@db.local:6543/assistant", monkeypatch)
    assert endpoints_file(config) == PROJECT_ROOT / "deploy" / "endpoints.postgres.yml"
    env = server_environment(config, 5055, base={})
    assert (env["TRACKER_DB_HOST"], env["TRACKER_DB_PORT"], env["TRACKER_DB_NAME"]) == (
        "db.local",
        "6543",
        "assistant",
    )
    assert (env["TRACKER_DB_USER"], env["TRACKER_DB_PASSWORD"]) == ("city", "secret")


def test_explicit_endpoints_win(monkeypatch):
    monkeypatch.setenv("ASSISTANT_ENDPOINTS", "deploy/endpoints.scale.yml")
    config = settings_for("sqlite:///x.db", monkeypatch)
    assert endpoints_file(config).name == "endpoints.scale.yml"


def test_unreachable_database_fails_at_once_instead_of_hanging(monkeypatch):
    config = settings_for("postgresql://postgres@127.0.0.1:1/nothing", monkeypatch)
    with pytest.raises(LaunchError, match="база данных недоступна"):
        check_database(config)


def test_relative_sqlite_paths_are_taken_from_the_project_root(monkeypatch):
    assert (
        settings_for("sqlite:///var/x.db", monkeypatch).database_url
        == f"sqlite:///{PROJECT_ROOT / 'var' / 'x.db'}"
    )
