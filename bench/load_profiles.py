"""The four profiles the load benchmark compares, each started on free loopback ports and stopped afterwards.

- embedded: what `make run` starts (bench/serve.py: the action server, Rasa and the notifier; SQLite, locks in
  memory), development mode, a fresh store with the demo data under var/bench/.
- cluster: what `make cluster` starts (two Rasa servers and two action servers, two Sanic workers each, behind
  HAProxy; PostgreSQL, Redis, RabbitMQ on this machine), a fresh database of its own.
- stock: `rasa init`'s moodbot, trained once into var/bench/stock, served by `rasa run --enable-api` with Rasa's
  defaults (in-memory tracker and lock stores, no action server).
- stock_sqlite: the same moodbot with its trackers in a SQLite tracker store (Rasa's `type: SQL`), as the embedded
  profile keeps ours: the comparison that is fair to us on the tracker store.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

from engine.messages import say
from engine.runtime import MODELS_DIR, QUIET_ENV, rasa_executable
from engine.settings import PROJECT_ROOT

BENCH_DIR = PROJECT_ROOT / "var" / "bench"
STOCK_DIR = BENCH_DIR / "stock"
LOG_DIR = BENCH_DIR / "logs"
CLUSTER_DATABASE = "gorodskoy_bench"
CLUSTER_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
EVENTS_QUEUE = "gorodskoy_bench_events"
START_TIMEOUT_SECONDS = 600
READY_LINE = say("ready_marker")


class ProfileError(RuntimeError):
    pass


@dataclass
class Running:
    """A started profile: where residents write, its process tree, and what its turn profile needs."""

    name: str
    webhook: str
    process: subprocess.Popen
    info: Dict[str, object] = field(default_factory=dict)
    turn_env: Optional[Dict[str, str]] = None  # the environment of bench/turn_profile.py against its servers
    extra_processes: Callable[[], Dict[int, str]] = dict
    cleanup: Callable[[], None] = lambda: None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.cleanup()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def base_environment() -> Dict[str, str]:
    env = {**os.environ, **QUIET_ENV}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    env.pop("ACTION_ENDPOINT_URL", None)  # an inherited one would point Rasa at another action server
    env.pop("ASSISTANT_ENDPOINTS", None)
    return env


def assistant_environment(database_url: str) -> Dict[str, str]:
    """Development mode, as `make run`, with the benchmark's own store and tokens (nothing written to var/
    outside var/bench/)."""
    env = base_environment()
    env.pop("ASSISTANT_REST_TOKEN", None)  # the REST channel open on the loopback interface, as in `make run`
    env.update(
        ASSISTANT_DEV_MODE="1",
        DATABASE_URL=database_url,
        RASA_API_TOKEN=secrets.token_urlsafe(16),
        OPERATOR_TOKEN=secrets.token_urlsafe(16),
        ASSISTANT_SECRET_KEY=secrets.token_urlsafe(32),
    )
    return env


def our_model() -> Tuple[Path, Optional[bool]]:
    """The newest trained model in models/, and whether it is the one the current data would train (None when
    the current data do not build, for instance while someone edits them). Never trains."""
    models = sorted(MODELS_DIR.glob("assistant-*.tar.gz"), key=lambda path: path.stat().st_mtime)
    if not models:
        raise ProfileError("no trained model in models/: run `make train` first")
    try:
        from engine.build import build
        from engine.skills.discovery import enabled_packages
        from engine.training import model_path

        expected = model_path(
            build(enabled_packages(), BENCH_DIR / "build"), MODELS_DIR, PROJECT_ROOT / "config.yml"
        )
        current: Optional[bool] = expected.exists()
        return (expected if current else models[-1]), current
    except Exception:  # a build error names a problem of the data, not of the benchmark
        return models[-1], None


def _launch(command: List[str], env: Dict[str, str], cwd: Path, log: Path) -> subprocess.Popen:
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as output:
        return subprocess.Popen(
            command, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )


def _wait(ready: Callable[[], bool], process: subprocess.Popen, log: Path) -> float:
    started = time.monotonic()
    while time.monotonic() - started < START_TIMEOUT_SECONDS:
        if process.poll() is not None:
            tail = log.read_text(errors="replace").splitlines()[-15:]
            raise ProfileError(f"{process.args[:4]} exited ({process.returncode}):\n" + "\n".join(tail))
        if ready():
            return time.monotonic() - started
        time.sleep(0.5)
    os.killpg(process.pid, signal.SIGKILL)
    raise ProfileError(f"not ready after {START_TIMEOUT_SECONDS} s: see {log}")


def _said_ready(log: Path) -> Callable[[], bool]:
    return lambda: READY_LINE in log.read_text(encoding="utf-8", errors="replace")


def start_embedded(model: Path) -> Running:
    database = BENCH_DIR / "embedded.db"
    database.unlink(missing_ok=True)
    env = assistant_environment(f"sqlite:///{database}")
    port, action_port = free_port(), free_port()
    logs = LOG_DIR / "embedded"
    log = logs / "launcher.log"
    command = [sys.executable, "bench/serve.py", "embedded", "--model", str(model), "--port", str(port)]
    command += ["--action-port", str(action_port), "--log-dir", str(logs)]
    process = _launch(command, env, PROJECT_ROOT, log)
    seconds = _wait(_said_ready(log), process, log)
    turn_env = {
        **env,
        "TRACKER_SQLITE_FILE": str(database),
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook",
    }
    info = {"model": model.name, "port": port, "action_port": action_port, "start_seconds": round(seconds, 1)}
    info["model_of_current_data"] = MODEL_STATUS.get(model.name)
    info["store"] = "SQLite (var/bench/embedded.db), in-memory locks"
    return Running("embedded", f"http://127.0.0.1:{port}/webhooks/rest/webhook", process, info, turn_env)


def _admin(*statements: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(CLUSTER_ADMIN_URL, isolation_level="AUTOCOMMIT", future=True)
    try:
        with engine.connect() as connection:
            for statement in statements:
                connection.execute(text(statement))
    finally:
        engine.dispose()


def _delete_events_queue() -> None:
    """Drops the benchmark's RabbitMQ queue: nothing consumes it, and it would keep every event of the run."""
    import asyncio

    import aio_pika

    user, password = os.environ.get("RABBITMQ_USER", "guest"), os.environ.get("RABBITMQ_PASSWORD", "guest")
    host, port = os.environ.get("RABBITMQ_HOST", "127.0.0.1"), os.environ.get("RABBITMQ_PORT", "5672")

    async def delete() -> None:
        connection = await aio_pika.connect(f"amqp://{user}:{password}@{host}:{port}/")
        async with connection:
            channel = await connection.channel()
            await channel.queue_delete(EVENTS_QUEUE)

    asyncio.run(delete())


def start_cluster(model: Path, rasa_workers: int = 2, action_workers: int = 2) -> Running:
    from load_client import shared_services
    from sqlalchemy.engine import make_url

    _admin(f'DROP DATABASE IF EXISTS "{CLUSTER_DATABASE}" WITH (FORCE)')
    _delete_events_queue()
    url = make_url(CLUSTER_ADMIN_URL).set(database=CLUSTER_DATABASE).render_as_string(hide_password=False)
    env = assistant_environment(url)
    port, action_port = free_port(), free_port()
    rasa_ports, action_ports = [free_port(), free_port()], [free_port(), free_port()]
    logs = LOG_DIR / "cluster"
    log = logs / "launcher.log"
    command = [sys.executable, "bench/serve.py", "cluster", "--model", str(model), "--port", str(port)]
    command += ["--action-port", str(action_port), "--log-dir", str(logs), "--events-queue", EVENTS_QUEUE]
    command += ["--rasa-ports", *map(str, rasa_ports), "--action-ports", *map(str, action_ports)]
    command += ["--rasa-workers", str(rasa_workers), "--action-workers", str(action_workers)]
    process = _launch(command, env, PROJECT_ROOT, log)
    seconds = _wait(_said_ready(log), process, log)
    info = {
        "model": model.name,
        "model_of_current_data": MODEL_STATUS.get(model.name),
        "port": port,
        "rasa_servers": len(rasa_ports),
        "rasa_workers_each": rasa_workers,
        "action_servers": len(action_ports),
        "action_workers_each": action_workers,
        "start_seconds": round(seconds, 1),
        "store": f"PostgreSQL ({CLUSTER_DATABASE}), Redis locks, RabbitMQ events ({EVENTS_QUEUE}), HAProxy",
    }

    def cleanup() -> None:
        _admin(f'DROP DATABASE IF EXISTS "{CLUSTER_DATABASE}" WITH (FORCE)')
        _delete_events_queue()

    return Running(
        "cluster",
        f"http://127.0.0.1:{port}/webhooks/rest/webhook",
        process,
        info,
        extra_processes=shared_services,
        cleanup=cleanup,
    )


def stock_model() -> Path:
    """`rasa init --no-prompt` (which trains its moodbot) into var/bench/stock once; `rasa train` there if the
    project exists without a model. Later runs reuse the model."""
    models = sorted((STOCK_DIR / "models").glob("*.tar.gz"))
    if models:
        return models[-1]
    env, log = base_environment(), LOG_DIR / "stock" / "train.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as output:
        if not (STOCK_DIR / "config.yml").exists():
            STOCK_DIR.mkdir(parents=True, exist_ok=True)
            print(f"stock: rasa init --no-prompt (trains the moodbot once; log {log})", flush=True)
            command = [rasa_executable(), "init", "--no-prompt", "--init-dir", str(STOCK_DIR)]
            subprocess.run(command, cwd=STOCK_DIR, env=env, check=True, stdout=output, stderr=output)
        if not any((STOCK_DIR / "models").glob("*.tar.gz")):
            print(f"stock: rasa train (log {log})", flush=True)
            command = [rasa_executable(), "train"]
            subprocess.run(command, cwd=STOCK_DIR, env=env, check=True, stdout=output, stderr=output)
    return sorted((STOCK_DIR / "models").glob("*.tar.gz"))[-1]


def _status_ok(port: int) -> Callable[[], bool]:
    def ready() -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=2) as reply:
                return reply.status == 200
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    return ready


def stock_sqlite_endpoints() -> Path:
    """endpoints.yml of the stock_sqlite profile: Rasa's SQL tracker store on a fresh SQLite file."""
    database = BENCH_DIR / "stock-trackers.db"
    database.unlink(missing_ok=True)
    endpoints = BENCH_DIR / "stock-sqlite-endpoints.yml"
    endpoints.write_text(
        f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {database}\n", encoding="utf-8"
    )
    return endpoints


def start_stock(model: Path, endpoints: Optional[Path] = None) -> Running:
    name = "stock_sqlite" if endpoints else "stock"
    port = free_port()
    log = LOG_DIR / name / "rasa.log"
    command = [rasa_executable(), "run", "--enable-api", "--model", str(model), "--port", str(port)]
    command += ["--interface", "127.0.0.1", *(["--endpoints", str(endpoints)] if endpoints else [])]
    process = _launch(command, base_environment(), STOCK_DIR, log)
    seconds = _wait(_status_ok(port), process, log)
    info: Dict[str, object] = {"model": model.name, "port": port, "start_seconds": round(seconds, 1)}
    info["store"] = (
        "trackers in SQLite (Rasa's SQL tracker store)" if endpoints else "Rasa's defaults: in memory"
    )
    info["store"] += ", locks in memory, no action server"
    if endpoints:
        info["endpoints"] = str(endpoints)
    return Running(name, f"http://127.0.0.1:{port}/webhooks/rest/webhook", process, info, base_environment())


def pinned_model() -> Path:
    """A copy of our model under var/bench/models/: the servers and the turn profile load the same file even if
    models/ changes meanwhile (a training finishing, a stale model removed)."""
    model, current = our_model()
    target = BENCH_DIR / "models" / model.name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        for stale in target.parent.glob("*.tar.gz"):
            stale.unlink()
        shutil.copyfile(model, target.with_suffix(".part"))
        target.with_suffix(".part").rename(target)
    if current is not True:
        print(
            f"note: {model.name} is {'not ' if current is False else 'maybe not '}the model of the current data"
        )
    MODEL_STATUS[target.name] = current
    return target


MODEL_STATUS: Dict[str, Optional[bool]] = {}

STARTERS: Dict[str, Callable[[], Running]] = {
    "embedded": lambda: start_embedded(pinned_model()),
    "cluster": lambda: start_cluster(pinned_model()),
    "stock": lambda: start_stock(stock_model()),
    "stock_sqlite": lambda: start_stock(stock_model(), stock_sqlite_endpoints()),
}
