"""`python -m engine check`: everything that can be verified before training."""

from __future__ import annotations

import subprocess

from actions.host import ActionLoadError, load_actions
from engine.build import build
from engine.runtime import rasa_executable, server_environment
from engine.settings import PROJECT_ROOT, settings
from engine.skills.discovery import enabled_packages


def run_checks() -> int:
    packages = enabled_packages()
    output = build(packages)
    try:
        actions = load_actions(packages)
    except ActionLoadError as error:
        print(f"Ошибка: {error}")
        return 2
    print(f"Сборка: {', '.join(output.packages)}; действий: {len(actions)}")
    validate = [
        rasa_executable(), "data", "validate", "--fail-on-warnings",
        "--domain", str(output.domain), "--data", str(output.data), "--config", str(PROJECT_ROOT / "config.yml"),
    ]
    return subprocess.run(validate, cwd=PROJECT_ROOT, env=server_environment(settings(), 5055)).returncode
