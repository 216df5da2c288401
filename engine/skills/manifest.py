"""The manifest of a skill (`manifest.yml`): who it is and which names it owns."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Tuple

import yaml

SKILL_NAME = re.compile(r"^[a-z][a-z0-9_]*$")

# Kinds of names a package owns; two packages may never own the same name of one kind.
OWNED_KINDS: Tuple[str, ...] = ("intents", "entities", "slots", "responses", "actions", "forms", "tables")

# What a preview skill may not own: the engine answers its intents, so it has no dialogue of its own yet
# (its store may already exist: tables are allowed).
PREVIEW_FORBIDDEN: Tuple[str, ...] = ("slots", "responses", "actions", "forms")


class ManifestError(ValueError):
    """A manifest that cannot be used, with the file and the reason."""


@dataclass(frozen=True)
class CanonicalEntity:
    """A closed-class entity: canonical values and the Russian phrases (any word form) that mean them."""

    values: Mapping[str, Tuple[str, ...]]
    find_in_text: bool = True


@dataclass(frozen=True)
class Manifest:
    name: str
    title: str
    description: str
    version: str
    examples: Tuple[str, ...]
    intents: Mapping[str, str]  # intent name -> short Russian title, shown when the bot asks "did you mean ...?"
    entities: Tuple[str, ...]
    slots: Tuple[str, ...]
    responses: Tuple[str, ...]
    actions: Tuple[str, ...]
    forms: Tuple[str, ...]
    tables: Tuple[str, ...]
    canonical_values: Mapping[str, CanonicalEntity] = field(default_factory=dict)
    # A skill announced before it ships: the engine recognises its intents and answers them with
    # `action_service_preview` (the service is being prepared, an operator can help meanwhile).
    preview: bool = False

    def owned(self, kind: str) -> Tuple[str, ...]:
        if kind == "intents":
            return tuple(self.intents)
        return getattr(self, kind)


def _names(raw: Dict[str, Any], key: str, path: Path) -> Tuple[str, ...]:
    value = raw.get(key) or []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ManifestError(f"{path}: '{key}' must be a list of names")
    if len(set(value)) != len(value):
        raise ManifestError(f"{path}: '{key}' lists a name twice")
    return tuple(value)


def _intents(raw: Dict[str, Any], path: Path) -> Dict[str, str]:
    value = raw.get("intents") or {}
    if not isinstance(value, dict) or not all(isinstance(t, str) and t for t in value.values()):
        raise ManifestError(f"{path}: 'intents' must map each intent to a short Russian title")
    return dict(value)


def _canonical_values(raw: Dict[str, Any], entities: Tuple[str, ...], path: Path) -> Dict[str, CanonicalEntity]:
    result: Dict[str, CanonicalEntity] = {}
    for entity, spec in (raw.get("canonical_values") or {}).items():
        if entity not in entities:
            raise ManifestError(f"{path}: canonical_values for '{entity}', an entity this skill does not own")
        if not isinstance(spec, dict) or not isinstance(spec.get("values"), dict):
            raise ManifestError(f"{path}: canonical_values.{entity} needs 'values: {{canonical: [phrases]}}'")
        values = {}
        for canonical, phrases in spec["values"].items():
            if not isinstance(phrases, list) or not phrases:
                raise ManifestError(f"{path}: canonical_values.{entity}.{canonical} needs a list of phrases")
            values[str(canonical)] = tuple(str(p) for p in phrases)
        result[entity] = CanonicalEntity(values=values, find_in_text=bool(spec.get("find_in_text", True)))
    return result


def load_manifest(path: Path) -> Manifest:
    """Reads and checks one `manifest.yml`."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ManifestError(f"{path}: cannot be read: {error}") from error
    if not isinstance(raw, dict):
        raise ManifestError(f"{path}: a manifest is a mapping")
    for key in ("name", "title", "description", "version"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise ManifestError(f"{path}: '{key}' is required")
    if not SKILL_NAME.match(raw["name"]):
        raise ManifestError(f"{path}: name '{raw['name']}' must be lower-case latin letters, digits and '_'")
    entities = _names(raw, "entities", path)
    preview = raw.get("preview", False)
    if not isinstance(preview, bool):
        raise ManifestError(f"{path}: 'preview' must be true or false")
    if preview and any(raw.get(key) for key in PREVIEW_FORBIDDEN):
        raise ManifestError(f"{path}: a preview skill has no dialogue yet: no {', '.join(PREVIEW_FORBIDDEN)}")
    return Manifest(
        name=raw["name"],
        title=raw["title"].strip(),
        description=raw["description"].strip(),
        version=str(raw["version"]),
        examples=_names(raw, "examples", path),
        intents=_intents(raw, path),
        entities=entities,
        slots=_names(raw, "slots", path),
        responses=_names(raw, "responses", path),
        actions=_names(raw, "actions", path),
        forms=_names(raw, "forms", path),
        tables=_names(raw, "tables", path),
        canonical_values=_canonical_values(raw, entities, path),
        preview=preview,
    )


def owned_names(manifest: Manifest) -> List[Tuple[str, str]]:
    """(kind, name) pairs the manifest claims."""
    return [(kind, name) for kind in OWNED_KINDS for name in manifest.owned(kind)]
