import pytest

from engine.launcher import LaunchError, check_database, rasa_server_command, secure_environment
from engine.runtime import endpoints_file, server_environment
from engine.settings import PROJECT_ROOT, DevelopmentModeRequired, load_settings


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


def production(monkeypatch, **env):
    """The settings of a deployment: no development mode, real providers, no demo data."""
    monkeypatch.setenv("ASSISTANT_DEV_MODE", "0")
    monkeypatch.setenv("ASSISTANT_CODE_SENDER", "tests.e2e.code_sender.FileCodeSender")
    monkeypatch.setenv("ASSISTANT_PAYMENT_PROVIDER", "some.bank.Provider")
    monkeypatch.setenv("ASSISTANT_DEMO_DATA", "false")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return load_settings()


def test_both_servers_listen_on_loopback_with_a_token_and_no_wildcard_cors(monkeypatch, tmp_path):
    monkeypatch.delenv("ASSISTANT_INTERFACE", raising=False)
    monkeypatch.delenv("SANIC_HOST", raising=False)
    monkeypatch.delenv("ASSISTANT_CORS_ORIGINS", raising=False)
    config = load_settings()
    env = secure_environment(config, server_environment(config, 5055, base={}))
    command = rasa_server_command(tmp_path / "model.tar.gz", config, 5005, env)
    assert command[command.index("--interface") + 1] == "127.0.0.1" and env["SANIC_HOST"] == "127.0.0.1"
    assert (
        command[command.index("--auth-token") + 1] == env["RASA_API_TOKEN"]
        and len(env["RASA_API_TOKEN"]) > 20
    )
    assert "--cors" not in command and "*" not in command


def test_cross_origin_only_from_the_listed_origins(monkeypatch, tmp_path):
    config = load_settings()
    env = {
        **server_environment(config, 5055, base={}),
        "ASSISTANT_CORS_ORIGINS": "https://a.example https://b.example",
    }
    command = rasa_server_command(tmp_path / "m.tar.gz", config, 5005, secure_environment(config, env))
    assert command[command.index("--cors") :][:3] == ["--cors", "https://a.example", "https://b.example"]


def test_development_mode_makes_up_missing_tokens_and_keeps_given_ones(monkeypatch):
    config = load_settings()
    assert config.development_mode  # as every test runs
    env = secure_environment(config, {"RASA_API_TOKEN": "mine"})
    assert env["RASA_API_TOKEN"] == "mine" and env["OPERATOR_TOKEN"]
    assert "ASSISTANT_SECRET_KEY" not in env  # development sessions are signed with var/secret_key


def test_outside_development_mode_the_servers_need_their_secrets(monkeypatch):
    config = production(monkeypatch)
    with pytest.raises(LaunchError, match="RASA_API_TOKEN"):
        secure_environment(config, {})
    with pytest.raises(LaunchError, match="ASSISTANT_SECRET_KEY"):
        secure_environment(config, {"RASA_API_TOKEN": "t"})
    env = secure_environment(config, {"RASA_API_TOKEN": "t", "ASSISTANT_SECRET_KEY": "k"})
    assert "OPERATOR_TOKEN" not in env  # the operator desk stays closed without one


@pytest.mark.parametrize(
    "name, value",
    [
        ("ASSISTANT_CODE_SENDER", "engine.otp.DevelopmentLogSender"),
        ("ASSISTANT_DEMO_DATA", "true"),
        ("ASSISTANT_PAYMENT_PROVIDER", "engine.payments.SandboxProvider"),
    ],
)
def test_development_defaults_are_refused_outside_development_mode(monkeypatch, name, value):
    config = production(monkeypatch, **{name: value})
    with pytest.raises(DevelopmentModeRequired) as refused:
        secure_environment(config, {"RASA_API_TOKEN": "t", "ASSISTANT_SECRET_KEY": "k"})
    assert "ASSISTANT_DEV_MODE=1" in str(refused.value)


def test_the_command_line_refuses_development_defaults_in_one_readable_line(monkeypatch, capsys):
    from engine.__main__ import main

    monkeypatch.setenv("ASSISTANT_DEV_MODE", "0")
    assert main(["run"]) == 2
    error = capsys.readouterr().err
    assert "code_sender, load_demo_data, payment_provider" in error and "Traceback" not in error
