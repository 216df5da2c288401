"""The engine's command line on a fresh machine: folders that do not exist yet, and failures in one line."""

import os
import subprocess
import sys

from engine.settings import PROJECT_ROOT


def engine_command(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), **env}
    return subprocess.run(
        [sys.executable, "-m", "engine", *args],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_migrate_creates_the_folder_of_a_new_sqlite_store(tmp_path):
    database = tmp_path / "not" / "yet" / "there" / "assistant.db"
    result = engine_command("migrate", DATABASE_URL=f"sqlite:///{database}")
    assert result.returncode == 0, result.stderr[-2000:]
    assert database.is_file()
    assert "Схема базы актуальна" in result.stdout


def test_an_unexpected_failure_is_one_russian_line_and_the_traceback_goes_to_the_log(tmp_path):
    result = engine_command("migrate", DATABASE_URL="postgresql://nobody@127.0.0.1:1/none")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Ошибка: непредвиденный сбой OperationalError"), (
        result.stderr
    )
    assert "Traceback" not in result.stderr and "engine-errors.log" in lines[0]


def test_a_known_failure_names_the_problem(tmp_path):
    result = engine_command("skill", "check", "no_such_skill")
    assert result.returncode == 2
    assert result.stdout.strip().startswith("Ошибка: skill 'no_such_skill' not found")
