"""Fixtures shared by the engine's tests: skills scaffolded into a temporary skill folder."""

from pathlib import Path
from typing import Callable, List

import pytest
from engine.scaffold import new_skill
from engine.settings import load_settings
from engine.skills.discovery import SkillPackage, enabled_packages


@pytest.fixture
def skills_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "skills"
    folder.mkdir()
    # Only the temporary folder: the project's own skills stay out of these tests.
    isolated = tmp_path / "assistant.yml"
    isolated.write_text('enabled_skills: ["*"]\nskill_paths: []\n', encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_SETTINGS", str(isolated))
    monkeypatch.setenv("ASSISTANT_SKILL_PATHS", str(folder))
    monkeypatch.setenv("ASSISTANT_SKILLS", "*")
    return folder


@pytest.fixture
def make_skill(skills_dir) -> Callable[..., Path]:
    """A scaffolded skill in the temporary skill folder."""

    def make(name: str) -> Path:
        return new_skill(name, name.capitalize(), skills_dir)

    return make


@pytest.fixture
def packages(skills_dir) -> Callable[[], List[SkillPackage]]:
    return lambda: enabled_packages(load_settings())


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The assistant's model for the enabled skills, trained only if the data changed since the last run."""
    from engine.training import ensure_model

    return ensure_model()
