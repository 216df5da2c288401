"""Settings of the assistant: `assistant.yml` at the project root, overridden by environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional, Tuple

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SETTINGS_FILE_ENV = "ASSISTANT_SETTINGS"
DEV_MODE_ENV = "ASSISTANT_DEV_MODE"


@dataclass(frozen=True)
class Settings:
    """What can be configured without touching code."""

    enabled_skills: Tuple[str, ...]
    skill_paths: Tuple[Path, ...]
    database_url: str
    timezone: str
    code_sender: str
    load_demo_data: bool
    payment_provider: str = "engine.payments.SandboxProvider"  # SANDBOX_PAYMENT_PROVIDER
    development_mode: bool = False

    def skill_enabled(self, name: str) -> bool:
        return "*" in self.enabled_skills or name in self.enabled_skills


def _flag(value: object) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def _split(value: str, separator: str) -> Tuple[str, ...]:
    return tuple(part.strip() for part in value.split(separator) if part.strip())


def _absolute(path: str) -> Path:
    candidate = Path(path)
    return candidate if candidate.is_absolute() else PROJECT_ROOT / candidate


def _sqlite_url_from_project_root(url: str) -> str:
    """Relative SQLite paths are taken from the project root, wherever a process starts."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and url != prefix + ":memory:":
        return prefix + str(_absolute(url[len(prefix) :]))
    return url


def load_settings(path: Optional[Path] = None) -> Settings:
    """Reads the settings file and applies environment overrides."""
    path = path or Path(os.environ.get(SETTINGS_FILE_ENV, PROJECT_ROOT / "assistant.yml"))
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    raw = raw or {}

    enabled = tuple(raw.get("enabled_skills") or ["*"])
    if "ASSISTANT_SKILLS" in os.environ:
        enabled = _split(os.environ["ASSISTANT_SKILLS"], ",")

    paths = [str(p) for p in raw.get("skill_paths") or []]
    paths += list(_split(os.environ.get("ASSISTANT_SKILL_PATHS", ""), os.pathsep))

    return Settings(
        enabled_skills=enabled,
        skill_paths=tuple(_absolute(p) for p in paths),
        database_url=_sqlite_url_from_project_root(
            os.environ.get("DATABASE_URL") or raw.get("database_url") or "sqlite:///var/assistant.db"
        ),
        timezone=os.environ.get("ASSISTANT_TIMEZONE") or raw.get("timezone") or "Europe/Moscow",
        code_sender=os.environ.get("ASSISTANT_CODE_SENDER")
        or raw.get("code_sender")
        or DEVELOPMENT_CODE_SENDER,
        load_demo_data=_flag(os.environ.get("ASSISTANT_DEMO_DATA", raw.get("load_demo_data", True))),
        payment_provider=os.environ.get("ASSISTANT_PAYMENT_PROVIDER")
        or raw.get("payment_provider")
        or SANDBOX_PAYMENT_PROVIDER,
        development_mode=_flag(os.environ.get(DEV_MODE_ENV, raw.get("development_mode", False))),
    )


DEVELOPMENT_CODE_SENDER = "engine.otp.DevelopmentLogSender"
SANDBOX_PAYMENT_PROVIDER = "engine.payments.SandboxProvider"


class DevelopmentModeRequired(RuntimeError):
    """A development default (the logging code sender, demo data, the sandbox payments) outside development
    mode: residents would get no codes, invented data or receipts for money that never moved."""


def development_defaults(config: Settings) -> Tuple[str, ...]:
    """The settings of `config` that only development mode allows, by name."""
    in_use = (
        ("code_sender", config.code_sender == DEVELOPMENT_CODE_SENDER),
        ("load_demo_data", config.load_demo_data),
        ("payment_provider", config.payment_provider == SANDBOX_PAYMENT_PROVIDER),
    )
    return tuple(name for name, used in in_use if used)


def require_development_mode(config: Settings, *names: str) -> None:
    """Refuses the named development defaults (all in use when none are named) outside development mode."""
    refused = [n for n in development_defaults(config) if not names or n in names]
    if refused and not config.development_mode:
        from engine.messages import say

        raise DevelopmentModeRequired(
            say("development_mode_required", names=", ".join(refused), env=DEV_MODE_ENV)
        )


@lru_cache(maxsize=1)
def settings() -> Settings:
    """The settings of this process (read once)."""
    return load_settings()
