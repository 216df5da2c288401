import shutil
import sys

import pytest

from engine.settings import load_settings
from engine.skills.discovery import ENTRY_POINT_GROUP, discover_skills, enabled_packages
from engine.skills.manifest import ManifestError


def test_folder_skills_are_found(make_skill):
    make_skill("one")
    make_skill("two")
    found = discover_skills(load_settings())
    assert {"one", "two"} <= set(found)
    assert found["one"].actions_module == "skills.one.actions"
    assert found["one"].origin.startswith("folder ")


def test_only_enabled_skills_are_used(make_skill, monkeypatch):
    make_skill("one")
    make_skill("two")
    monkeypatch.setenv("ASSISTANT_SKILLS", "two")
    assert [p.name for p in enabled_packages(load_settings())] == ["core", "two"]


def test_an_unknown_enabled_skill_is_an_error(make_skill, monkeypatch):
    monkeypatch.setenv("ASSISTANT_SKILLS", "nowhere")
    with pytest.raises(ManifestError, match="enabled skills not found: nowhere"):
        enabled_packages(load_settings())


def test_two_skills_with_one_name_are_an_error(make_skill, skills_dir, tmp_path, monkeypatch):
    make_skill("twin")
    elsewhere = tmp_path / "more"
    shutil.copytree(skills_dir / "twin", elsewhere / "twin")
    monkeypatch.setenv("ASSISTANT_SKILL_PATHS", f"{skills_dir}:{elsewhere}")
    with pytest.raises(ManifestError, match="two skills are named 'twin'"):
        discover_skills(load_settings())


def test_folder_must_be_named_after_the_skill(make_skill, skills_dir):
    (skills_dir / "one").rename(skills_dir / "other") if make_skill("one") else None
    with pytest.raises(ManifestError, match="must be named after the skill"):
        discover_skills(load_settings())


def test_entry_point_skill_is_found(tmp_path, make_skill, skills_dir, monkeypatch):
    """An installed distribution (a dist-info folder on sys.path) that declares the entry point."""
    sys.modules.pop("plugged_skill", None)  # another test may have imported a distribution of that name
    site = tmp_path / "site"
    package = make_skill("plugged")
    shutil.move(str(package), site / "plugged_skill")
    dist_info = site / "plugged_skill-1.0.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: plugged-skill\nVersion: 1.0\n")
    (dist_info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\nplugged = plugged_skill\n")
    monkeypatch.syspath_prepend(str(site))
    found = discover_skills(load_settings())
    assert found["plugged"].origin == "entry point 'plugged' of distribution plugged-skill"
    assert found["plugged"].actions_module == "plugged_skill.actions"
    sys.modules.pop("plugged_skill", None)
