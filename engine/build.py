"""Assembles Rasa's training data and domain from the core and the enabled skills.

Each package owns the names its manifest declares; its `domain.yml` must define exactly those, and no two
packages may own one name. The output in `build/` is what `rasa train`, `rasa test` and the NLU components read.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Set, Tuple

import yaml

from engine.settings import PROJECT_ROOT
from engine.skills.discovery import CORE_NAME, DOMAIN_KINDS, SkillPackage, import_package_module
from engine.skills.manifest import ManifestError
from engine.skills.names import CORE_ONLY_DOMAIN_KEYS, fragment_problems, ownership_problems
from nlu.morphology import FOLD_YO

BUILD_DIR = PROJECT_ROOT / "build"
MIN_TRAINING_EXAMPLES = 5
# Code that decides what a trained model does besides the assembled data (the pipeline config is added by the trainer).
TRAINING_CODE = PROJECT_ROOT / "nlu"
# Held-out splits, each a folder of every package's tests: the trainers' own (nlu) and one written apart from the
# training data by someone who saw only the NLU contract's descriptions (nlu_apart).
HELD_OUT = ("nlu", "nlu_apart")


class BuildError(Exception):
    """The packages cannot be assembled; the message names the packages and the names involved."""


@dataclass(frozen=True)
class BuildOutput:
    root: Path
    domain: Path
    data: Path
    test_stories: Path
    nlu_holdout: Path
    nlu_apart: Path  # held-out messages written apart from the training data (see docs/training.md)
    canonical_values: Path
    packages: Tuple[str, ...]
    fingerprint: str  # changes exactly when a retrained model could differ


def _read_yaml(path: Path) -> Dict[str, Any]:
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise BuildError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(content, dict):
        raise BuildError(f"{path}: expected a mapping at the top level")
    return content


def _tables_defined_by(package: SkillPackage) -> Set[str]:
    if package.models_module is None:
        return set()
    import_package_module(package, package.models_module)
    from engine.store.base import Base

    return {
        mapper.local_table.name
        for mapper in Base.registry.mappers
        if mapper.class_.__module__ == package.models_module
        or mapper.class_.__module__.startswith(package.models_module + ".")
    }


def table_problems(package: SkillPackage) -> List[str]:
    try:
        defined = _tables_defined_by(package)
    except (ImportError, ManifestError) as error:
        return [f"skill '{package.name}': its models cannot be imported: {error}"]
    declared = set(package.manifest.tables)
    if defined != declared:
        return [
            f"skill '{package.name}': manifest.yml declares tables {sorted(declared)} "
            f"but its models define {sorted(defined)}"
        ]
    return []


def merge_domains(packages: List[SkillPackage]) -> Dict[str, Any]:
    """One Rasa domain from the packages' fragments."""
    merged: Dict[str, Any] = {"version": "3.1"}
    for kind in DOMAIN_KINDS:
        if kind in ("intents", "entities", "actions"):
            merged[kind] = [item for package in packages for item in package.domain.get(kind) or []]
        else:
            merged[kind] = {k: v for package in packages for k, v in (package.domain.get(kind) or {}).items()}
    for package in packages:
        if package.name == CORE_NAME:
            merged.update(
                {key: package.domain[key] for key in CORE_ONLY_DOMAIN_KEYS if key in package.domain}
            )
    return merged


def _examples(path: Path) -> Iterable[Tuple[str, str]]:
    """(intent, example line) of every intent example in a training data file."""
    for block in _read_yaml(path).get("nlu") or []:
        if isinstance(block, dict) and "intent" in block:
            for line in str(block.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    yield block["intent"], line


def _intent_example_counts(data_files: Iterable[Path]) -> Counter:
    return Counter(intent for path in data_files for intent, _ in _examples(path))


def _check_training_examples(domain: Dict[str, Any], data_files: List[Path]) -> None:
    counts = _intent_example_counts(data_files)
    intents = set(domain["intents"])
    too_few = [i for i in intents if counts[i] < MIN_TRAINING_EXAMPLES]
    if too_few:
        raise BuildError(
            f"intents with fewer than {MIN_TRAINING_EXAMPLES} training examples: {', '.join(sorted(too_few))}"
        )
    undeclared = sorted(set(counts) - intents)
    if undeclared:
        raise BuildError(f"training data has intents that no enabled package owns: {', '.join(undeclared)}")


_ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")
_NOT_A_WORD = re.compile(r"[^\w ]+")


def _example_key(line: str) -> str:
    """An example as a resident would have typed it: no entity markup, case, yo/ye spelling, punctuation or extra
    spaces."""
    text = _ANNOTATION.sub(r"\1", line.strip()[2:]).lower().translate(FOLD_YO)
    return " ".join(_NOT_A_WORD.sub(" ", text).split())


def _check_held_out_is_unseen(packages: List[SkillPackage], data_files: List[Path]) -> None:
    """A held-out example that is also trained on would score the model on what it memorised."""
    trained = {_example_key(line) for path in data_files for _, line in _examples(path)}
    seen = [
        f"{path}: {line.strip()[2:]}"
        for package in packages
        for kind in HELD_OUT
        for path in _yaml_files(package.tests_dir / kind)
        for _, line in _examples(path)
        if _example_key(line) in trained
    ]
    if seen:
        raise BuildError("held-out examples that are also in the training data:\n  " + "\n  ".join(seen))


PREVIEW_ACTION = "action_service_preview"


def generated_rules(forms: Iterable[str], preview_intents: Iterable[str]) -> Dict[str, Any]:
    """Rules the engine adds: `cancel` and a request for an operator leave any form from any step, and each intent
    of a preview skill is answered by the engine's preview action."""
    rules = []
    for form in forms:
        for intent, action in (("cancel", "action_cancel"), ("human_handoff", "action_human_handoff")):
            rules.append(
                {
                    "rule": f"{intent} leaves {form} (generated)",
                    "condition": [{"active_loop": form}],
                    "steps": [{"intent": intent}, {"action": action}, {"active_loop": None}],
                }
            )
    for intent in preview_intents:
        rules.append(
            {
                "rule": f"{intent} of a preview skill (generated)",
                "steps": [{"intent": intent}, {"action": PREVIEW_ACTION}],
            }
        )
    return {"version": "3.1", "rules": rules}


def _copy_tree(files: Iterable[Tuple[Path, Path]]) -> None:
    for source, target in files:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def _yaml_files(folder: Path) -> List[Path]:
    return sorted(folder.rglob("*.yml")) if folder.is_dir() else []


def _fingerprint(paths: Iterable[Path], base: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(base)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def check_packages(packages: List[SkillPackage]) -> None:
    """Every package's fragment, prefix and tables, and no name owned twice; one BuildError lists every problem."""
    problems = ownership_problems(packages)
    for package in packages:
        if not package.domain_file.is_file():
            problems.append(f"skill '{package.name}': {package.domain_file} is missing")
            continue
        problems += fragment_problems(package) + table_problems(package)
    if problems:
        raise BuildError("\n".join(problems))


def build(packages: List[SkillPackage], out: Path = BUILD_DIR) -> BuildOutput:
    """Checks the packages against each other and writes Rasa's inputs to `out`."""
    try:
        check_packages(packages)
    except ManifestError as error:
        raise BuildError(str(error)) from error
    domain = merge_domains(packages)
    data_files = [path for package in packages for path in _yaml_files(package.data_dir)]
    _check_training_examples(domain, data_files)
    _check_held_out_is_unseen(packages, data_files)

    for stale in ("domain.yml", "data", "tests", "canonical_values.yml", "gazetteers.yml", "numbered.yml"):
        target = out / stale
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    out.mkdir(parents=True, exist_ok=True)

    domain_path = out / "domain.yml"
    domain_path.write_text(yaml.safe_dump(domain, allow_unicode=True, sort_keys=False), encoding="utf-8")
    data_dir, tests_dir = out / "data", out / "tests"
    for package in packages:
        _copy_tree(
            (f, data_dir / package.name / f.relative_to(package.data_dir))
            for f in _yaml_files(package.data_dir)
        )
        for kind in ("stories", *HELD_OUT):
            source = package.tests_dir / kind
            _copy_tree(
                (f, tests_dir / kind / package.name / f.relative_to(source)) for f in _yaml_files(source)
            )
    (data_dir / "generated").mkdir(parents=True, exist_ok=True)
    preview_intents = [intent for p in packages if p.manifest.preview for intent in p.manifest.intents]
    (data_dir / "generated" / "rules.yml").write_text(
        yaml.safe_dump(
            generated_rules(domain["forms"], preview_intents), allow_unicode=True, sort_keys=False
        ),
        encoding="utf-8",
    )
    for kind in ("stories", *HELD_OUT):
        (tests_dir / kind).mkdir(parents=True, exist_ok=True)

    canonical = {
        entity: {
            "find_in_text": spec.find_in_text
            if isinstance(spec.find_in_text, bool)
            else list(spec.find_in_text),
            "values": {k: list(v) for k, v in spec.values.items()},
        }
        for package in packages
        for entity, spec in package.manifest.canonical_values.items()
    }
    canonical_path = out / "canonical_values.yml"
    canonical_path.write_text(yaml.safe_dump(canonical, allow_unicode=True, sort_keys=True), encoding="utf-8")
    gazetteers: Dict[str, List[str]] = {}
    known = {next(iter(e)) if isinstance(e, dict) else e for e in domain.get("entities") or []}
    for package in packages:
        for entity, phrases in package.manifest.gazetteers.items():
            if entity not in known:
                raise BuildError(
                    f"skill '{package.name}': gazetteers for '{entity}', an entity no domain defines"
                )
            gazetteers.setdefault(entity, []).extend(phrases)
    gazetteers_path = out / "gazetteers.yml"
    gazetteers_path.write_text(
        yaml.safe_dump(
            {e: sorted(set(p)) for e, p in gazetteers.items()}, allow_unicode=True, sort_keys=True
        ),
        encoding="utf-8",
    )

    numbered: Dict[str, str] = {}
    for package in packages:
        for intent, entity in package.manifest.numbered.items():
            if entity not in known:
                raise BuildError(
                    f"skill '{package.name}': numbered {intent}: '{entity}', an entity no domain defines"
                )
            numbered[intent] = entity
    numbered_path = out / "numbered.yml"
    numbered_path.write_text(yaml.safe_dump(numbered, allow_unicode=True, sort_keys=True), encoding="utf-8")

    trained_from = [
        domain_path,
        canonical_path,
        gazetteers_path,
        numbered_path,
        *sorted(data_dir.rglob("*.yml")),
    ]
    fingerprint = (
        _fingerprint(trained_from, out)
        + _fingerprint([*TRAINING_CODE.rglob("*.py"), *TRAINING_CODE.rglob("*.yml")], PROJECT_ROOT)[:8]
    )
    return BuildOutput(
        root=out,
        domain=domain_path,
        data=data_dir,
        test_stories=tests_dir / "stories",
        nlu_holdout=tests_dir / "nlu",
        nlu_apart=tests_dir / "nlu_apart",
        canonical_values=canonical_path,
        packages=tuple(p.name for p in packages),
        fingerprint=fingerprint,
    )
