"""Brings a database to the newest schema of the engine and of every enabled skill.

Each skill keeps its Alembic revisions in `<skill>/migrations/` as a branch labelled with the skill's name,
so skills migrate independently and `upgrade heads` moves them all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, List, Optional

from alembic import command
from alembic.config import Config

from engine.settings import settings
from engine.skills.discovery import SkillPackage, enabled_packages

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str, packages: Iterable[SkillPackage]) -> Config:
    locations: List[str] = [str(MIGRATIONS_DIR / "versions")]
    locations += [str(p.root / "migrations") for p in packages if (p.root / "migrations").is_dir()]
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("version_locations", " ".join(locations))
    config.set_main_option("path_separator", "space")
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: Optional[str] = None, packages: Optional[List[SkillPackage]] = None) -> None:
    """Applies every pending migration (idempotent)."""
    packages = enabled_packages() if packages is None else packages
    command.upgrade(alembic_config(url or settings().database_url, packages), "heads")
