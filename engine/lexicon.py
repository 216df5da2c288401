"""Vocabularies kept as data: a skill's words for parsing (`lexicon.yml`) and its manifest's canonical values."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Dict, Mapping, Tuple

import yaml

from engine.skills.manifest import load_manifest


class LexiconError(ValueError):
    """A vocabulary file that cannot be read; the message names the file."""


@cache
def _read(path: Path) -> Dict[str, Any]:
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise LexiconError(f"{path}: cannot be read: {error}") from error
    if not isinstance(content, dict):
        raise LexiconError(f"{path}: a lexicon is a mapping at the top level")
    return content


def load_lexicon(path: Path) -> Dict[str, Any]:
    """The mapping in a YAML vocabulary file (read once per process; do not modify the result)."""
    return _read(Path(path).resolve())


def skill_lexicon(module_file: str, name: str = "lexicon.yml") -> Dict[str, Any]:
    """The lexicon of the skill a module belongs to: pass `__file__`; the file is looked for in the module's folder
    and then in each parent folder up to the skill's root (the folder with `manifest.yml`)."""
    folder = Path(module_file).resolve().parent
    for candidate in (folder, *folder.parents):
        if (candidate / name).is_file():
            return load_lexicon(candidate / name)
        if (candidate / "manifest.yml").is_file():
            break
    raise LexiconError(f"no {name} found for {module_file}")


def canonical_values(module_file: str, entity: str) -> Mapping[str, Tuple[str, ...]]:
    """{canonical value: phrases} of one closed-class entity, from the manifest of the skill `module_file` is in."""
    folder = Path(module_file).resolve().parent
    for candidate in (folder, *folder.parents):
        if (candidate / "manifest.yml").is_file():
            manifest = load_manifest(candidate / "manifest.yml")
            if entity not in manifest.canonical_values:
                raise LexiconError(f"{candidate / 'manifest.yml'}: no canonical values for '{entity}'")
            return manifest.canonical_values[entity].values
    raise LexiconError(f"no manifest.yml found above {module_file}")
