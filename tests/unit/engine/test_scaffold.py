import os
import subprocess
import sys

import pytest

from engine.build import build
from engine.scaffold import ScaffoldError, new_skill
from engine.settings import PROJECT_ROOT
from engine.skills.layout import check_skill


def test_new_skill_has_the_whole_layout(skills_dir):
    root = new_skill("parking_help", "Помощь с парковкой", skills_dir)
    expected = [
        "__init__.py",
        "manifest.yml",
        "domain.yml",
        "README.md",
        "lexicon.yml",
        "data/nlu.yml",
        "data/rules.yml",
        "actions/__init__.py",
        "models.py",
        "migrations/parking_help_0001_initial.py",
        "tests/test_parking_help_actions.py",
        "tests/stories/test_stories.yml",
        "tests/nlu/holdout.yml",
    ]
    assert all((root / path).is_file() for path in expected)
    assert "class ActionParkingHelpNote" in (root / "actions" / "__init__.py").read_text(encoding="utf-8")


def test_new_skill_passes_the_skill_check(skills_dir, packages):
    new_skill("checked", "Проверенный", skills_dir)
    found = packages()
    assert check_skill(next(p for p in found if p.name == "checked"), found) == []


def test_new_skill_is_picked_up_by_the_next_build(skills_dir, packages, tmp_path):
    new_skill("fresh", "Свежий", skills_dir)
    assert "fresh" in build(packages(), tmp_path / "build").packages


def test_new_skill_passes_its_own_tests(skills_dir):
    root = new_skill("selftest", "Самопроверка", skills_dir)
    env = {**os.environ, "ASSISTANT_SKILL_PATHS": str(skills_dir), "PYTHONPATH": str(PROJECT_ROOT)}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "engine.testing",
            str(root / "tests"),
        ],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        check=False,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "5 passed" in result.stdout  # 1 pure test + 2 store tests, each on SQLite and PostgreSQL


@pytest.mark.parametrize("name", ["Bad", "core", "with-dash", "1st"])
def test_bad_names_are_refused(skills_dir, name):
    with pytest.raises(ScaffoldError):
        new_skill(name, "x", skills_dir)


def test_an_existing_skill_is_not_overwritten(skills_dir):
    new_skill("once", "Раз", skills_dir)
    with pytest.raises(ScaffoldError, match="уже существует"):
        new_skill("once", "Раз", skills_dir)
