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
def preview_skill(skills_dir) -> Path:
    """A preview skill «Скоро» with one intent, `soon_ask`, and nothing else."""
    root = skills_dir / "soon"
    (root / "data").mkdir(parents=True)
    (root / "__init__.py").write_text("", encoding="utf-8")
    (root / "manifest.yml").write_text(
        "name: soon\nprefix: soon\ntitle: Скоро\ndescription: готовится.\nversion: 0.1.0\npreview: true\n"
        "intents: {soon_ask: спросить}\n",
        encoding="utf-8",
    )
    (root / "domain.yml").write_text('version: "3.1"\nintents: [soon_ask]\n', encoding="utf-8")
    examples = "".join(f"      - скоро вопрос {n}\n" for n in range(5))
    (root / "data" / "nlu.yml").write_text(
        f'version: "3.1"\nnlu:\n  - intent: soon_ask\n    examples: |\n{examples}', encoding="utf-8"
    )
    return root


@pytest.fixture
def make_skill(skills_dir) -> Callable[..., Path]:
    """A scaffolded skill in the temporary skill folder."""

    def make(name: str) -> Path:
        return new_skill(name, name.capitalize(), skills_dir)

    return make


@pytest.fixture
def packages(skills_dir) -> Callable[[], List[SkillPackage]]:
    return lambda: enabled_packages(load_settings())
