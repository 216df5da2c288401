"""Starts the action server, the Rasa server and the notifier together, and stops them all cleanly on Ctrl-C."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from engine.channels import SECRET_KEY_ENV
from engine.log_masking import logging_config_arguments
from engine.messages import say
from engine.runtime import API_TOKEN_ENV, INTERFACE_ENV, endpoints_file, rasa_executable, server_environment
from engine.settings import PROJECT_ROOT, Settings, require_development_mode
from engine.store.db import get_engine

STARTUP_TIMEOUT_SECONDS = 300
STOP_GRACE_SECONDS = 10
# A process that dies is started again, unless it died this many times within the window: then all stop.
MAX_RESTARTS = 5
RESTART_WINDOW_SECONDS = 60


CORS_ENV = "ASSISTANT_CORS_ORIGINS"
OPERATOR_TOKEN_ENV = "OPERATOR_TOKEN"


class LaunchError(RuntimeError):
    pass


def secure_environment(config: Settings, env: Dict[str, str]) -> Dict[str, str]:
    """The tokens and the key the servers need, in `env`. Outside development mode they come from the
    environment or nothing starts (and neither do the development defaults); in development mode the missing
    ones are made up for this run."""
    require_development_mode(config)
    for name in (API_TOKEN_ENV, SECRET_KEY_ENV, OPERATOR_TOKEN_ENV):
        if env.get(name, "").strip():
            continue
        if not config.development_mode:
            if name == OPERATOR_TOKEN_ENV:
                continue  # the operator desk stays closed
            raise LaunchError(say("secret_required", name=name))
        if name != SECRET_KEY_ENV:  # the development key lives in var/ so web sessions survive a restart
            env[name] = secrets.token_urlsafe(24)
    return env


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


@dataclass(frozen=True)
class Recipe:
    """How a child process was started, to start it again."""

    command: List[str]
    env: Dict[str, str]
    log: Optional[Path]


@dataclass
class Servers:
    """The child processes, each in its own process group so that all their children stop too."""

    processes: List[subprocess.Popen] = field(default_factory=list)
    recipes: Dict[int, Recipe] = field(default_factory=dict)

    def restart(self, process: subprocess.Popen) -> subprocess.Popen:
        """Starts a process that exited again; what is left of its group (workers holding the port) is killed."""
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        self.processes.remove(process)
        recipe = self.recipes.pop(process.pid)
        return self.start(recipe.command, recipe.env, recipe.log)

    def start(self, command: List[str], env: Dict[str, str], log: Optional[Path]) -> subprocess.Popen:
        if log:
            log.parent.mkdir(parents=True, exist_ok=True)
        # The child keeps its own copy of the log's descriptor; the parent's closes at once.
        with open(log, "ab") if log else nullcontext() as output:
            process = subprocess.Popen(
                command, cwd=PROJECT_ROOT, env=env, start_new_session=True, stdout=output, stderr=output
            )
        self.processes.append(process)
        self.recipes[process.pid] = Recipe(command, env, log)
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
        [
            rasa_executable(),
            *("run", "actions", "--actions", "engine.action_server", "--port", str(port)),
            *logging_config_arguments(),  # masks phones, accounts and codes (engine/log_masking.py)
        ],
        env,
        log,
    )
    if wait:
        wait_until_up(f"http://127.0.0.1:{port}/health", servers)


def rasa_server_command(model: Path, config: Settings, port: int, env: Dict[str, str]) -> List[str]:
    """`rasa run` on the configured interface (loopback unless told), its HTTP API behind the token, and
    cross-origin requests only from the origins listed in $ASSISTANT_CORS_ORIGINS (the web chat page is served
    from the same origin and needs none)."""
    cors = env.get(CORS_ENV, "").split()
    return [
        rasa_executable(),
        "run",
        "--model",
        str(model),
        "--endpoints",
        str(endpoints_file(config, env)),
        "--credentials",
        str(PROJECT_ROOT / "credentials.yml"),
        "--port",
        str(port),
        "--interface",
        env[INTERFACE_ENV],
        "--enable-api",
        "--auth-token",
        env[API_TOKEN_ENV],
        *(["--cors", *cors] if cors else []),
        *logging_config_arguments(),  # masks phones, accounts and codes (engine/log_masking.py)
    ]


def notifier_command(port: int) -> List[str]:
    """The notifier delivering scheduled notifications into this Rasa server's conversations."""
    return [sys.executable, "-m", "engine", "notifier", "--rasa-url", f"http://127.0.0.1:{port}"]


def print_where_to_talk(port: int, config: Settings, env: Dict[str, str]) -> None:
    host = env[INTERFACE_ENV]
    base = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    print(say("ready", base=base), flush=True)
    if config.development_mode:
        print(say("ready_development", operator_token=env.get(OPERATOR_TOKEN_ENV, "")), flush=True)


class StopRequest:
    """Set by Ctrl-C or SIGTERM while `stop_on_signals` is active."""

    requested = False


@contextmanager
def stop_on_signals() -> Iterator[StopRequest]:
    request = StopRequest()

    def request_stop(_signum: int, _frame: object) -> None:
        request.requested = True

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield request
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def supervise(servers: Servers, stop: StopRequest) -> int:
    """Waits until Ctrl-C or SIGTERM (0). A process that dies is started again (a killed action server comes
    back while Rasa keeps the conversations); one that keeps dying stops them all (1)."""
    restarts: List[float] = []
    while not stop.requested:
        exited = servers.any_exited()
        if exited is not None:
            now = time.monotonic()
            restarts = [moment for moment in restarts if now - moment < RESTART_WINDOW_SECONDS]
            if len(restarts) >= MAX_RESTARTS:
                print(say("server_exited", code=exited.returncode), flush=True)
                return 1
            restarts.append(now)
            command = " ".join(map(str, exited.args[:3]))
            print(say("server_restarting", command=command, code=exited.returncode), flush=True)
            servers.restart(exited)
        time.sleep(0.5)
    return 0


def run_servers(
    model: Path, config: Settings, port: int, action_port: int, log_dir: Optional[Path] = None
) -> int:
    """Runs until Ctrl-C (or SIGTERM) or until one process dies; always stops them all."""
    check_database(config)
    env = secure_environment(config, server_environment(config, action_port))
    servers = Servers()
    with stop_on_signals() as stop:
        try:
            # Both load at once (TensorFlow and the model take most of the start-up); then wait for both.
            start_action_server(
                servers, env, action_port, log_dir / "actions.log" if log_dir else None, wait=False
            )
            servers.start(
                rasa_server_command(model, config, port, env), env, log_dir / "rasa.log" if log_dir else None
            )
            wait_until_up(f"http://127.0.0.1:{action_port}/health", servers)
            wait_until_up(rasa_status_url(port, env), servers)
            servers.start(notifier_command(port), env, log_dir / "notifier.log" if log_dir else None)
            print_where_to_talk(port, config, env)
            return supervise(servers, stop)
        finally:
            servers.stop()
            print(say("stopped"), flush=True)


def rasa_status_url(port: int, env: Dict[str, str]) -> str:
    """/status answers once the model is loaded; like every API route it needs the token."""
    return f"http://127.0.0.1:{port}/status?token={urllib.parse.quote(env[API_TOKEN_ENV])}"


def run_shell(model: Path, config: Settings, action_port: int) -> int:
    """`rasa shell` in the foreground with the action server behind it."""
    check_database(config)
    env = secure_environment(config, server_environment(config, action_port))
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
            *logging_config_arguments(),
        ]
        return subprocess.run(command, cwd=PROJECT_ROOT, env=env, check=False).returncode
    except KeyboardInterrupt:
        return 0
    finally:
        servers.stop()
