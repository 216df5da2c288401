"""`python -m engine check` and `python -m engine skill check`: everything verifiable before training."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import List, Optional

from engine.build import BUILD_DIR, build
from engine.messages import say
from engine.runtime import rasa_executable, server_environment
from engine.settings import PROJECT_ROOT, settings
from engine.skills.discovery import CORE_NAME, discover_skills, enabled_packages
from engine.skills.layout import check_skill
from engine.skills.loader import load_actions
from engine.skills.source_rules import literal_problems

# The core's Python: no sentence a resident or an operator reads is written here either.
CORE_SOURCE = ("engine", "actions", "nlu", "connectors")


def core_source_problems() -> List[str]:
    return [str(p) for p in literal_problems(PROJECT_ROOT / folder for folder in CORE_SOURCE)]


def _report(problems: List[str]) -> None:
    for problem in problems:
        print(say("skill_check_problem", problem=problem))


def run_skill_checks(name: Optional[str] = None) -> int:
    """Checks one skill (any discovered one, enabled or not) or every discovered skill."""
    skills = discover_skills()
    if name is not None and name not in skills:
        print(say("error", error=f"skill '{name}' not found (found: {', '.join(skills) or 'none'})"))
        return 2
    packages = enabled_packages()
    known = {p.name for p in packages}
    everything = packages + [p for n, p in skills.items() if n not in known]
    failed = 0
    for package in [skills[name]] if name else [skills[n] for n in sorted(skills)]:
        problems = check_skill(package, everything)
        if problems:
            failed += 1
            print(say("skill_check_failed", skill=package.name, count=len(problems)))
            _report(problems)
        else:
            print(say("skill_check_passed", skill=package.name))
    return 1 if failed else 0


def run_checks(build_dir: Path = BUILD_DIR) -> int:
    packages = enabled_packages()
    output = build(packages, build_dir)
    core = core_source_problems()
    skills = [p for package in packages if package.name != CORE_NAME for p in check_skill(package, packages)]
    if core or skills:
        print(say("source_problems", count=len(core) + len(skills)))
        _report(core + skills)
        return 1
    actions = load_actions(packages)
    print(say("checked", packages=", ".join(output.packages), actions=len(actions)))
    validate = [
        rasa_executable(),
        "data",
        "validate",
        "--fail-on-warnings",
        "--domain",
        str(output.domain),
        "--data",
        str(output.data),
        "--config",
        str(PROJECT_ROOT / "config.yml"),
    ]
    return subprocess.run(
        validate, cwd=PROJECT_ROOT, env=server_environment(settings(), 5055), check=False
    ).returncode
