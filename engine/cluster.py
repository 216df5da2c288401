"""The cluster profile (`make cluster`): Rasa's own scaling path on one machine.

Two Rasa servers and two action servers, each with its own Sanic workers, behind HAProxy; trackers and the skill
store in PostgreSQL, conversation locks in Redis, events to RabbitMQ (deploy/endpoints.scale.yml). The processes
are what a Kubernetes deployment runs as pods (docs/deploy.md); here they run side by side and stop together.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from engine.launcher import (
    LaunchError,
    Servers,
    check_database,
    notifier_command,
    print_where_to_talk,
    rasa_server_command,
    rasa_status_url,
    secure_environment,
    start_action_server,
    stop_on_signals,
    supervise,
    wait_until_up,
)
from engine.messages import say
from engine.runtime import INTERFACE_ENV, server_environment
from engine.settings import PROJECT_ROOT, Settings

SCALE_ENDPOINTS = PROJECT_ROOT / "deploy" / "endpoints.scale.yml"
HAPROXY_TEMPLATE = PROJECT_ROOT / "deploy" / "haproxy.cfg"
CLUSTER_DIR = PROJECT_ROOT / "var" / "cluster"


@dataclass(frozen=True)
class Layout:
    """Where everything listens: the balancer's two front ports, and one port per server behind them."""

    port: int  # residents, channels and the Rasa API: the balancer in front of the Rasa servers
    action_port: int  # the balancer in front of the action servers (Rasa's action_endpoint)
    rasa_ports: List[int]
    action_ports: List[int]
    rasa_workers: int = 2
    action_workers: int = 2


def require_postgresql(config: Settings) -> None:
    """The cluster shares trackers and the store between processes: SQLite cannot; the database is created if
    the server has none of that name."""
    url = make_url(config.database_url)
    if url.get_backend_name() != "postgresql":
        raise LaunchError(say("cluster_needs_postgresql", url=url.render_as_string()))
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT", future=True)
    try:
        with admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}
            ).first()
            if not exists:
                connection.exec_driver_sql(f'CREATE DATABASE "{url.database}"')
    except Exception as error:
        raise LaunchError(say("database_unreachable", url=url.render_as_string(), error=error)) from error
    finally:
        admin.dispose()


def haproxy_config(layout: Layout, interface: str) -> str:
    """deploy/haproxy.cfg with this run's ports filled in."""

    def servers(prefix: str, ports: List[int]) -> str:
        return "\n".join(f"    server {prefix}{n} 127.0.0.1:{p} check" for n, p in enumerate(ports, 1))

    return HAPROXY_TEMPLATE.read_text(encoding="utf-8").format(
        interface=interface,
        port=layout.port,
        action_port=layout.action_port,
        rasa_servers=servers("rasa", layout.rasa_ports),
        action_servers=servers("actions", layout.action_ports),
    )


def haproxy_executable() -> str:
    found = shutil.which("haproxy") or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None)
    if found is None:
        raise LaunchError(say("cluster_needs_haproxy"))
    return found


def cluster_environment(config: Settings, layout: Layout) -> Dict[str, str]:
    env = secure_environment(config, server_environment(config, layout.action_port))
    env["ASSISTANT_ENDPOINTS"] = str(SCALE_ENDPOINTS)
    env["SANIC_WORKERS"] = str(layout.rasa_workers)
    env["ACTION_SERVER_SANIC_WORKERS"] = str(layout.action_workers)
    return env


def start_cluster(
    model: Path, config: Settings, layout: Layout, servers: Servers, log_dir: Path
) -> Dict[str, str]:
    """Starts every server of the profile into `servers` and waits until each answers and so does the
    balancer; the environment the servers got (with the API token)."""
    require_postgresql(config)
    check_database(config)
    env = cluster_environment(config, layout)
    log_dir.mkdir(parents=True, exist_ok=True)
    for n, port in enumerate(layout.action_ports, 1):
        start_action_server(servers, env, port, log_dir / f"actions-{n}.log", wait=False)
    for n, port in enumerate(layout.rasa_ports, 1):
        servers.start(rasa_server_command(model, config, port, env), env, log_dir / f"rasa-{n}.log")
    balancer = log_dir / "haproxy.cfg"
    balancer.write_text(haproxy_config(layout, env[INTERFACE_ENV]), encoding="utf-8")
    servers.start([haproxy_executable(), "-db", "-f", str(balancer)], env, log_dir / "haproxy.log")
    for port in [*layout.action_ports, layout.action_port]:
        wait_until_up(f"http://127.0.0.1:{port}/health", servers)
    for port in [*layout.rasa_ports, layout.port]:
        wait_until_up(rasa_status_url(port, env), servers)
    return env


def run_cluster(model: Path, config: Settings, layout: Layout) -> int:
    """Runs the profile until Ctrl-C (or until a server dies); always stops everything it started."""
    servers = Servers()
    with stop_on_signals() as stop:
        try:
            env = start_cluster(model, config, layout, servers, CLUSTER_DIR)
            servers.start(notifier_command(layout.port), env, CLUSTER_DIR / "notifier.log")
            print_where_to_talk(layout.port, config, env)
            print(
                say(
                    "cluster_ready",
                    rasa=", ".join(map(str, layout.rasa_ports)),
                    actions=", ".join(map(str, layout.action_ports)),
                    workers=layout.rasa_workers,
                    action_workers=layout.action_workers,
                    logs=CLUSTER_DIR.relative_to(PROJECT_ROOT),
                ),
                flush=True,
            )
            return supervise(servers, stop)
        finally:
            servers.stop()
            print(say("stopped"), flush=True)
