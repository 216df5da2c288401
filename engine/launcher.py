"""Starts the action server, the Rasa server and the notifier together, and stops them all cleanly on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from engine.messages import say
from engine.runtime import endpoints_file, rasa_executable, server_environment
from engine.settings import PROJECT_ROOT, Settings
from engine.store.db import get_engine

STARTUP_TIMEOUT_SECONDS = 300
STOP_GRACE_SECONDS = 10


class LaunchError(RuntimeError):
    pass


def check_database(config: Settings) -> None:
    """Fails at once if the database is unreachable: Rasa's SQL tracker store would retry forever instead."""
    if make_url(config.database_url).get_backend_name() == "sqlite":
        return
    try:
        with get_engine(config.database_url).connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        raise LaunchError(
            say("database_unreachable", url=make_url(config.database_url).render_as_string(), error=error)
        ) from error


@dataclass
class Servers:
    """The child processes, each in its own process group so that all their children stop too."""

    processes: List[subprocess.Popen] = field(default_factory=list)

    def start(self, command: List[str], env: Dict[str, str], log: Optional[Path]) -> subprocess.Popen:
        if log:
            log.parent.mkdir(parents=True, exist_ok=True)
        # The child keeps its own copy of the log's descriptor; the parent's closes at once.
        with open(log, "ab") if log else nullcontext() as output:
            process = subprocess.Popen(
                command, cwd=PROJECT_ROOT, env=env, start_new_session=True, stdout=output, stderr=output
            )
        self.processes.append(process)
        return process

    def any_exited(self) -> Optional[subprocess.Popen]:
        return next((p for p in self.processes if p.poll() is not None), None)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for process in self.processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def wait_until_up(url: str, servers: Servers, timeout: float = STARTUP_TIMEOUT_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        exited = servers.any_exited()
        if exited is not None:
            raise LaunchError(
                say("process_exited", command=" ".join(map(str, exited.args[:3])), code=exited.returncode)
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise LaunchError(say("not_answering", url=url, seconds=f"{timeout:.0f}"))


def start_action_server(
    servers: Servers, env: Dict[str, str], port: int, log: Optional[Path], wait: bool = True
) -> None:
    servers.start(
        [rasa_executable(), "run", "actions", "--actions", "engine.action_server", "--port", str(port)],
        env,
        log,
    )
    if wait:
        wait_until_up(f"http://127.0.0.1:{port}/health", servers)


def rasa_server_command(model: Path, config: Settings, port: int) -> List[str]:
    return [
        rasa_executable(),
        "run",
        "--model",
        str(model),
        "--endpoints",
        str(endpoints_file(config)),
        "--credentials",
        str(PROJECT_ROOT / "credentials.yml"),
        "--port",
        str(port),
        "--enable-api",
        "--cors",
        "*",
    ]


def notifier_command(port: int) -> List[str]:
    """The notifier delivering scheduled notifications into this Rasa server's conversations."""
    return [sys.executable, "-m", "engine", "notifier", "--rasa-url", f"http://127.0.0.1:{port}"]


def print_where_to_talk(port: int) -> None:
    print(say("ready", base=f"http://localhost:{port}"), flush=True)


def run_servers(
    model: Path, config: Settings, port: int, action_port: int, log_dir: Optional[Path] = None
) -> int:
    """Runs until Ctrl-C (or SIGTERM) or until one process dies; always stops them all."""
    check_database(config)
    env = server_environment(config, action_port)
    servers = Servers()
    stop_requested = False

    def request_stop(_signum: int, _frame: object) -> None:
        nonlocal stop_requested
        stop_requested = True

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        # Both load at once (TensorFlow and the model take most of the start-up); then wait for both.
        start_action_server(
            servers, env, action_port, log_dir / "actions.log" if log_dir else None, wait=False
        )
        servers.start(
            rasa_server_command(model, config, port), env, log_dir / "rasa.log" if log_dir else None
        )
        wait_until_up(f"http://127.0.0.1:{action_port}/health", servers)
        wait_until_up(f"http://127.0.0.1:{port}/status", servers)
        servers.start(notifier_command(port), env, log_dir / "notifier.log" if log_dir else None)
        print_where_to_talk(port)
        while not stop_requested:
            exited = servers.any_exited()
            if exited is not None:
                print(say("server_exited", code=exited.returncode), flush=True)
                return 1
            time.sleep(0.5)
        return 0
    finally:
        servers.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        print(say("stopped"), flush=True)


def run_shell(model: Path, config: Settings, action_port: int) -> int:
    """`rasa shell` in the foreground with the action server behind it."""
    check_database(config)
    env = server_environment(config, action_port)
    servers = Servers()
    try:
        start_action_server(servers, env, action_port, PROJECT_ROOT / "var" / "actions.log")
        command = [
            rasa_executable(),
            "shell",
            "--model",
            str(model),
            "--endpoints",
            str(endpoints_file(config)),
        ]
        return subprocess.run(command, cwd=PROJECT_ROOT, env=env, check=False).returncode
    except KeyboardInterrupt:
        return 0
    finally:
        servers.stop()
