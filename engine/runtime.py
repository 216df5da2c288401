"""Environment and paths shared by the launcher, the trainer and the tests."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Dict, Mapping, Optional

from sqlalchemy.engine import make_url

from engine.settings import PROJECT_ROOT, Settings

MODELS_DIR = PROJECT_ROOT / "models"
INTERFACE_ENV = "ASSISTANT_INTERFACE"
API_TOKEN_ENV = "RASA_API_TOKEN"
VENV_BIN = Path(sys.executable).parent
QUIET_ENV = {
    "RASA_TELEMETRY_ENABLED": "false",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "TF_CPP_MIN_LOG_LEVEL": "2",
}
# The same training inputs give the same model on any x86 machine with AVX2 (docs/training.md, "Reproducible
# models"): oneDNN picks its kernels by the CPU (AVX-512 or AMX round differently from AVX2), and TensorFlow splits
# its work by the number of cores. Both are fixed here; an operator can still override them in the environment.
NUMERICS_ENV = {
    "ONEDNN_MAX_CPU_ISA": "AVX2",
    "TF_NUM_INTRAOP_THREADS": "2",
    "TF_NUM_INTEROP_THREADS": "2",
}


def rasa_executable() -> str:
    return str(VENV_BIN / "rasa")


def endpoints_file(config: Settings, env: Optional[Mapping[str, str]] = None) -> Path:
    """endpoints.yml for SQLite; deploy/endpoints.postgres.yml when the store is PostgreSQL; or ASSISTANT_ENDPOINTS
    of `env` (the servers' environment; the process's own by default)."""
    env = os.environ if env is None else env
    if env.get("ASSISTANT_ENDPOINTS"):
        return Path(env["ASSISTANT_ENDPOINTS"]).resolve()
    if make_url(config.database_url).get_backend_name() == "sqlite":
        return PROJECT_ROOT / "endpoints.yml"
    return PROJECT_ROOT / "deploy" / "endpoints.postgres.yml"


def server_environment(
    config: Settings, action_port: int, base: Optional[Dict[str, str]] = None
) -> Dict[str, str]:
    """Variables the Rasa and action servers need: where the store, the tracker store and the actions are."""
    env = dict(os.environ if base is None else base)
    env.update(QUIET_ENV)
    for name, value in NUMERICS_ENV.items():
        env.setdefault(name, value)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    env["DATABASE_URL"] = config.database_url
    # Both servers listen on the loopback interface unless told otherwise; the action server reads SANIC_HOST.
    env[INTERFACE_ENV] = env.get(INTERFACE_ENV) or "127.0.0.1"
    env["SANIC_HOST"] = env.get("SANIC_HOST") or env[INTERFACE_ENV]
    env.setdefault("ACTION_ENDPOINT_URL", f"http://127.0.0.1:{action_port}/webhook")
    url = make_url(config.database_url)
    if url.get_backend_name() == "sqlite":
        env["TRACKER_SQLITE_FILE"] = url.database or str(PROJECT_ROOT / "var" / "assistant.db")
    else:
        env["TRACKER_DB_HOST"] = url.host or "127.0.0.1"
        env["TRACKER_DB_PORT"] = str(url.port or 5432)
        env["TRACKER_DB_NAME"] = url.database or "postgres"
        env["TRACKER_DB_USER"] = url.username or ""
        env["TRACKER_DB_PASSWORD"] = url.password or ""
    env.setdefault("REDIS_HOST", "127.0.0.1")
    env.setdefault("REDIS_PORT", "6379")
    env.setdefault("RABBITMQ_HOST", "127.0.0.1")
    env.setdefault("RABBITMQ_PORT", "5672")
    env.setdefault("RABBITMQ_USER", "guest")
    env.setdefault("RABBITMQ_PASSWORD", "guest")
    return env
