"""`python -m engine skill check [NAME]`: one skill against the one layout every skill has (as hassfest checks a
Home Assistant integration).

A shipped skill::

    <name>/                 folder named after the skill, a Python package (__init__.py)
      manifest.yml          identity, prefix, titles, canonical values, tables
      domain.yml            the names it owns and every sentence it says (responses:)
      README.md             what it does, for residents, trainers and administrators
      lexicon.yml           optional: its parsing vocabulary
      data/                 NLU examples, rules and stories
      actions/              its actions (a package, one module per conversation)
      models.py             its tables (engine.sdk.Base)
      migrations/           its Alembic branch, labelled with its name
      demo.py, demo.yml     optional: demo data for an empty store
      tests/                test_*.py, stories/ (Rasa test stories), nlu/ (held-out examples)
                            forms.yml: optional, what a resident does before a form can ask

A preview skill (`preview: true`) has only the manifest, domain, README, data/ and tests/nlu/.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, Iterable, List, Set

from engine.skills.discovery import CORE_NAME, SkillPackage
from engine.skills.names import fragment_problems, placeholders
from engine.skills.source_rules import (
    CYRILLIC,
    cyrillic_literals,
    forbidden_imports,
    is_test_file,
    python_files,
)

SHIPPED_FILES = ("__init__.py", "manifest.yml", "domain.yml", "README.md", "models.py", "actions/__init__.py")
SHIPPED_FOLDERS = ("data", "migrations", "tests", "tests/stories", "tests/nlu")
PREVIEW_FILES = ("__init__.py", "manifest.yml", "domain.yml", "README.md")
PREVIEW_FOLDERS = ("data", "tests/nlu")
RESPONSE_CALLS = {"utter_message": "response", "phrase": None}


def _yaml_files(folder: Path) -> List[Path]:
    return sorted(folder.rglob("*.yml")) if folder.is_dir() else []


def layout_problems(package: SkillPackage) -> List[str]:
    files, folders = (
        (PREVIEW_FILES, PREVIEW_FOLDERS) if package.manifest.preview else (SHIPPED_FILES, SHIPPED_FOLDERS)
    )
    problems = [f"missing {name}" for name in files if not (package.root / name).is_file()]
    problems += [f"missing folder {name}/" for name in folders if not (package.root / name).is_dir()]
    if package.root.name != package.name:
        problems.append(f"the folder is named '{package.root.name}', the skill '{package.name}'")
    if (package.root / "actions.py").exists():
        problems.append("actions.py: a skill's actions are a package, actions/")
    for folder in ("tests/stories", "tests/nlu"):
        if (package.root / folder).is_dir() and not _yaml_files(package.root / folder):
            problems.append(f"{folder}/ holds no .yml file")
    tests = package.root / "tests"
    if not package.manifest.preview and tests.is_dir() and not list(tests.rglob("test_*.py")):
        problems.append("tests/ holds no test_*.py")
    return problems


def _responses_in_code(package: SkillPackage) -> Dict[str, str]:
    """{response name: where} of responses named by literal in the skill's actions."""
    used: Dict[str, str] = {}
    for path in python_files(package.root):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if name == "utter_message":
                values = [k.value for k in node.keywords if k.arg == "response"]
            elif name == "phrase" and len(node.args) >= 2:
                values = [node.args[1]]
            else:
                continue
            for value in values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    used.setdefault(value.value, f"{path.relative_to(package.root)}:{node.lineno}")
    return used


def _responses_in_data(package: SkillPackage) -> Dict[str, str]:
    used: Dict[str, str] = {}
    for path in _yaml_files(package.data_dir) + _yaml_files(package.root / "tests" / "stories"):
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith("- action: utter_"):
                used.setdefault(stripped.split(":", 1)[1].strip(), str(path.relative_to(package.root)))
    return used


def _asked_slots(package: SkillPackage) -> Set[str]:
    """Slots its forms ask for with a response (no `action_ask_<slot>` of their own)."""
    actions = set(package.owned("actions"))
    forms = package.domain.get("forms") or {}
    slots = {slot for form in forms.values() for slot in (form or {}).get("required_slots") or []}
    return {slot for slot in slots if f"action_ask_{slot}" not in actions}


def response_problems(package: SkillPackage, all_responses: Dict[str, list]) -> List[str]:
    problems = []
    used = {**_responses_in_data(package), **_responses_in_code(package)}
    used.update({f"utter_ask_{slot}": "a form of domain.yml" for slot in _asked_slots(package)})
    for name, where in sorted(used.items()):
        if name not in all_responses:
            problems.append(f"response '{name}' used in {where} is not defined")
    for name, variations in (package.domain.get("responses") or {}).items():
        texts = [str(v.get("text") or "") for v in variations or [] if isinstance(v, dict)]
        if not texts or not all(CYRILLIC.search(text) for text in texts):
            problems.append(f"response '{name}': every variation needs Russian text")
        for text in texts:
            if "{" in text and any(not p.isidentifier() for p in placeholders(text)):
                problems.append(f"response '{name}': placeholders must be plain names: {text[:60]}")
    return problems


def migration_problems(package: SkillPackage) -> List[str]:
    """The skill's Alembic revisions form one branch, labelled with its name, from one root to one head."""
    folder = package.root / "migrations"
    if not package.manifest.tables:
        return []
    revisions = {}
    for path in sorted(folder.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        values = {
            target.id: node.value
            for node in tree.body
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        try:
            revision = ast.literal_eval(values["revision"])
            down = ast.literal_eval(values.get("down_revision", ast.Constant(None)))
            labels = ast.literal_eval(values.get("branch_labels", ast.Constant(None)))
        except (KeyError, ValueError):
            return [f"migrations/{path.name}: revision, down_revision and branch_labels must be literals"]
        revisions[revision] = (down, labels, path.name)
    if not revisions:
        return ["migrations/ holds no revision, but the manifest declares tables"]
    roots = [r for r, (down, _, _) in revisions.items() if down is None]
    problems = []
    if len(roots) != 1:
        problems.append(f"migrations: one root revision expected, found {sorted(roots)}")
    for root in roots:
        labels = revisions[root][1] or ()
        if package.name not in ((labels,) if isinstance(labels, str) else tuple(labels)):
            problems.append(
                f"migrations/{revisions[root][2]}: the root revision needs branch_labels = ('{package.name}',)"
            )
    parents = [down for down, _, _ in revisions.values() if down is not None]
    heads = [r for r in revisions if r not in parents]
    if len(heads) != 1:
        problems.append(f"migrations: one head expected (one branch), found {sorted(heads)}")
    for revision, (down, _, name) in revisions.items():
        for parent in (down,) if isinstance(down, str) else (down or ()):
            if parent not in revisions:
                problems.append(
                    f"migrations/{name}: down_revision '{parent}' is not a revision of this skill"
                )
        if not revision.startswith(f"{package.name}_"):
            problems.append(f"migrations/{name}: revision ids start with '{package.name}_'")
    return problems


def source_problems(package: SkillPackage, other_modules: Iterable[str]) -> List[str]:
    own = skill_module(package)
    others = [m for m in other_modules if m != own]
    problems = []
    for path in python_files(package.root, skip_tests=False):
        test = is_test_file(path, package.root)
        found = forbidden_imports(path, own, others, test) + ([] if test else cyrillic_literals(path))
        problems += [f"{p.path.relative_to(package.root)}:{p.line}: {p.what}" for p in found]
    return problems


def check_skill(package: SkillPackage, packages: List[SkillPackage]) -> List[str]:
    """Everything wrong with one skill's layout, names, responses, migrations and code (empty when it passes)."""
    if package.name == CORE_NAME:
        return []
    problems = layout_problems(package)
    if (package.root / "domain.yml").is_file():
        problems += [p.replace(f"skill '{package.name}': ", "") for p in fragment_problems(package)]
        responses = {k: v for p in packages for k, v in (p.domain.get("responses") or {}).items()}
        problems += response_problems(package, responses)
    from engine.build import table_problems

    problems += [p.replace(f"skill '{package.name}': ", "") for p in table_problems(package)]
    problems += migration_problems(package)
    problems += source_problems(package, [skill_module(p) for p in packages if p.name != CORE_NAME])
    return problems


def skill_module(package: SkillPackage) -> str:
    """The importable package of a skill: `skills.<name>` for a folder skill, the entry point's module otherwise."""
    module = package.actions_module or package.models_module or package.demo_module
    return module.rsplit(".", 1)[0] if module else f"skills.{package.name}"
