"""A skill in a folder outside the project and a skill installed as a distribution with an entry point are
both discovered, trained into one model, served by the action server, and answer a message."""

import asyncio
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from engine.launcher import Servers, start_action_server
from engine.runtime import server_environment
from engine.scaffold import new_skill
from engine.settings import PROJECT_ROOT, load_settings
from engine.store import db
from engine.store.migrate import upgrade
from engine.training import ensure_model

ACTION_PORT = 5355
FAST_EPOCHS = {"DIETClassifier": 40, "TEDPolicy": 15}


def fast_config(path: Path, build_dir: Path) -> Path:
    """The project's pipeline with fewer epochs: this test checks plumbing, not accuracy."""
    config = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text(encoding="utf-8"))
    for component in config["pipeline"] + config["policies"]:
        if component["name"] in FAST_EPOCHS:
            component["epochs"] = FAST_EPOCHS[component["name"]]
        if component["name"].endswith("CanonicalEntityNormalizer"):
            component["vocabulary"] = str(build_dir / "canonical_values.yml")
        if component["name"].endswith("LocationSpans"):
            component["gazetteers"] = str(build_dir / "gazetteers.yml")
        if component["name"].endswith("NumberedEntities"):
            component["numbered"] = str(build_dir / "numbered.yml")
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def install_entry_point_skill(tmp_path: Path) -> Path:
    """A real distribution: a package with the skill layout, pip-installed into its own site folder."""
    source = tmp_path / "dist-src"
    new_skill("plugged", "Подключаемый", source)
    (source / "plugged").rename(source / "plugged_skill")
    (source / "pyproject.toml").write_text(
        textwrap.dedent(
            """
            [build-system]
            requires = ["setuptools"]
            build-backend = "setuptools.build_meta"

            [project]
            name = "plugged-skill"
            version = "1.0.0"

            [project.entry-points."city_assistant.skills"]
            plugged = "plugged_skill"

            [tool.setuptools]
            packages = ["plugged_skill", "plugged_skill.actions"]

            [tool.setuptools.package-data]
            plugged_skill = ["*.yml", "*.md", "data/*.yml", "migrations/*.py", "tests/*.py", "tests/*/*.yml"]
            """
        ),
        encoding="utf-8",
    )
    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(site),
            str(source),
        ],
        check=True,
    )
    return site


async def answers(model: Path, messages: list) -> list:
    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig

    agent = Agent.load(str(model), action_endpoint=EndpointConfig(f"http://127.0.0.1:{ACTION_PORT}/webhook"))
    return [await agent.handle_text(text, sender_id=f"plugin-{i}") for i, text in enumerate(messages)]


@pytest.mark.slow
def test_folder_and_entry_point_skills_train_and_answer(tmp_path, monkeypatch):
    skills = tmp_path / "skills"
    new_skill("folder", "Папочный", skills)
    site = install_entry_point_skill(tmp_path)
    url = f"sqlite:///{tmp_path / 'store.db'}"
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("ASSISTANT_SKILL_PATHS", str(skills))
    monkeypatch.setenv("ASSISTANT_SKILLS", "folder,plugged")
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(PROJECT_ROOT), str(site)]))
    db.dispose_engines()
    settings = load_settings()

    upgrade(url)  # the skills' own migrations create their tables
    build_dir = tmp_path / "build"
    model = ensure_model(
        settings,
        models_dir=tmp_path / "models",
        config_file=fast_config(tmp_path / "config.yml", build_dir),
        build_dir=build_dir,
    )

    servers = Servers()
    try:
        start_action_server(
            servers, server_environment(settings, ACTION_PORT), ACTION_PORT, tmp_path / "actions.log"
        )
        folder_reply, plugged_reply, help_reply = asyncio.run(
            answers(
                model,
                ["folder заметка купить хлеб", "plugged запиши заметку позвонить маме", "что ты умеешь"],
            )
        )
    finally:
        servers.stop()
        db.dispose_engines()
    assert folder_reply == [{"recipient_id": "plugin-0", "text": "Записал: «купить хлеб»."}]
    assert plugged_reply == [{"recipient_id": "plugin-1", "text": "Записал: «позвонить маме»."}]
    assert "Папочный" in help_reply[0]["text"] and "Подключаемый" in help_reply[0]["text"]
