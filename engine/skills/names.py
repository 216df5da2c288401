"""What a package may declare: its domain fragment's keys, its skill prefix, titles for its intents, and names
that no other package owns. Used by the build and by `skill check`."""

from __future__ import annotations

import re
from typing import Dict, Iterable, List, Tuple

from engine.skills.discovery import CORE_NAME, DOMAIN_KINDS, OWNED_KINDS, SkillPackage

CORE_ONLY_DOMAIN_KEYS = ("session_config", "config")
# What a preview skill may not own: the engine answers its intents, so it has no dialogue of its own yet
# (its store may already exist: tables are allowed).
PREVIEW_FORBIDDEN = ("slots", "responses", "actions", "forms")
# How each kind of name carries the skill's prefix P: "P_x" plus these leading words.
PREFIX_LEADS = {
    "intents": ("", "EXTERNAL_"),
    "entities": ("",),
    "slots": ("",),
    "responses": ("utter_", "utter_ask_"),
    "actions": ("action_", "validate_", "action_ask_"),
    "forms": ("",),
    "tables": ("",),
}


def fragment_problems(package: SkillPackage) -> List[str]:
    """Why the package's domain fragment and manifest cannot be used together (empty when they can)."""
    fragment, manifest = package.domain, package.manifest
    problems = []
    unknown_keys = set(fragment) - set(DOMAIN_KINDS) - {"version"} - set(CORE_ONLY_DOMAIN_KEYS)
    if unknown_keys:
        problems.append(f"{package.domain_file}: unknown domain keys {sorted(unknown_keys)}")
    if package.name != CORE_NAME and set(fragment) & set(CORE_ONLY_DOMAIN_KEYS):
        problems.append(f"{package.domain_file}: session settings belong to the core domain only")
    if manifest.preview:
        owned = [kind for kind in PREVIEW_FORBIDDEN if package.owned(kind)]
        if owned:
            problems.append(
                f"skill '{package.name}': a preview skill has no dialogue yet: no {', '.join(owned)}"
            )
    intents = set(package.owned("intents"))
    untitled, stray = sorted(intents - set(manifest.intents)), sorted(set(manifest.intents) - intents)
    if untitled:
        problems.append(f"skill '{package.name}': manifest.yml gives no Russian title to intents {untitled}")
    if stray:
        problems.append(
            f"skill '{package.name}': manifest.yml titles intents {stray} that domain.yml does not define"
        )
    entities = set(package.owned("entities"))
    for entity in sorted(set(manifest.canonical_values) - entities):
        problems.append(
            f"skill '{package.name}': canonical_values for '{entity}', an entity this skill does not own"
        )
    for entity in sorted(set(manifest.contract_entities) - entities):
        problems.append(f"skill '{package.name}': contract entity '{entity}' is not in its domain.yml")
    return problems + prefix_problems(package)


def has_prefix(name: str, prefix: str, kind: str) -> bool:
    return any(name.startswith(f"{lead}{prefix}_") for lead in PREFIX_LEADS[kind])


def prefix_problems(package: SkillPackage) -> List[str]:
    """Names of a skill without its prefix (the core owns the shared names and has none)."""
    if package.name == CORE_NAME:
        return []
    prefix, exempt = package.manifest.prefix, set(package.manifest.contract_entities)
    problems = []
    for kind in OWNED_KINDS:
        outside = [
            n
            for n in package.owned(kind)
            if not has_prefix(n, prefix, kind) and not (kind == "entities" and n in exempt)
        ]
        if outside:
            problems.append(f"skill '{package.name}': {kind} {outside} lack the skill's prefix '{prefix}_'")
    return problems


def ownership_problems(packages: Iterable[SkillPackage]) -> List[str]:
    """Names of one kind owned by two packages, and two skills with one prefix."""
    owners: Dict[Tuple[str, str], str] = {}
    prefixes: Dict[str, str] = {}
    problems = []
    for package in packages:
        prefix = package.manifest.prefix
        if prefix and prefixes.setdefault(prefix, package.name) != package.name:
            problems.append(
                f"prefix '{prefix}' is declared by both skill '{prefixes[prefix]}' and '{package.name}'"
            )
        for kind in OWNED_KINDS:
            for name in package.owned(kind):
                other = owners.setdefault((kind, name), package.name)
                if other != package.name:
                    problems.append(
                        f"{kind[:-1]} '{name}' is owned by both skill '{other}' and skill '{package.name}'"
                    )
        for spec in package.manifest.parameters:
            other = owners.setdefault(("parameters", spec.name), package.name)
            if other != package.name:
                problems.append(
                    f"parameter '{spec.name}' is declared by both skill '{other}' and skill '{package.name}'"
                )
    return problems


_PLACEHOLDER = re.compile(r"{([^\n{}]+?)}")


def placeholders(text: str) -> List[str]:
    """The `{name}` placeholders of a response text, as Rasa's interpolation reads them."""
    return _PLACEHOLDER.findall(text or "")
