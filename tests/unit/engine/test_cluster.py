"""The cluster profile's wiring (engine/cluster.py), without starting it: every Rasa instance reads the scale
endpoints (Redis locks, RabbitMQ events), the action endpoint is the balancer, and HAProxy accepts the generated
configuration. tests/e2e/test_cluster.py starts the real thing."""

import subprocess
from pathlib import Path

import pytest

from engine.cluster import SCALE_ENDPOINTS, Layout, cluster_environment, haproxy_config, haproxy_executable
from engine.launcher import rasa_server_command
from engine.settings import settings

LAYOUT = Layout(port=5005, action_port=5055, rasa_ports=[5016, 5017], action_ports=[5066, 5067])


@pytest.fixture
def config(monkeypatch):
    monkeypatch.setenv("ASSISTANT_DEV_MODE", "1")
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/gorodskoy_cluster")
    monkeypatch.delenv("ASSISTANT_ENDPOINTS", raising=False)
    monkeypatch.delenv("ACTION_ENDPOINT_URL", raising=False)
    return settings()


def test_every_rasa_instance_reads_the_scale_endpoints_and_calls_actions_through_the_balancer(config):
    env = cluster_environment(config, LAYOUT)
    for port in LAYOUT.rasa_ports:
        command = rasa_server_command(Path("model.tar.gz"), config, port, env)
        assert command[command.index("--endpoints") + 1] == str(SCALE_ENDPOINTS)
        assert command[command.index("--auth-token") + 1] == env["RASA_API_TOKEN"]
    assert env["ACTION_ENDPOINT_URL"] == "http://127.0.0.1:5055/webhook"
    assert env["SANIC_WORKERS"] == env["ACTION_SERVER_SANIC_WORKERS"] == "2"


def test_haproxy_accepts_the_configuration_with_every_server(tmp_path):
    text = haproxy_config(LAYOUT, "127.0.0.1")
    for port in LAYOUT.rasa_ports + LAYOUT.action_ports:
        assert f"127.0.0.1:{port} check" in text
    cfg = tmp_path / "haproxy.cfg"
    cfg.write_text(text, encoding="utf-8")
    checked = subprocess.run(
        [haproxy_executable(), "-c", "-f", str(cfg)], check=False, capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
