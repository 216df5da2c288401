"""Rasa test stories of the core and of every enabled skill; any wrong prediction fails the run."""

import subprocess

import pytest

from engine.build import BUILD_DIR
from engine.runtime import rasa_executable, server_environment
from engine.settings import PROJECT_ROOT, settings


@pytest.mark.slow
def test_all_test_stories_pass(trained_model, tmp_path):
    command = [
        rasa_executable(), "test", "core",
        "--model", str(trained_model),
        "--stories", str(BUILD_DIR / "tests" / "stories"),
        "--out", str(tmp_path / "core"),
        "--fail-on-prediction-errors",
    ]
    result = subprocess.run(
        command, cwd=PROJECT_ROOT, env=server_environment(settings(), 5055), capture_output=True, text=True
    )
    failed = tmp_path / "core" / "failed_test_stories.yml"
    details = failed.read_text(encoding="utf-8") if failed.exists() else result.stdout[-4000:] + result.stderr[-4000:]
    assert result.returncode == 0, details
