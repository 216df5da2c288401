"""The manifest of a skill (`manifest.yml`): who it is, its titles, its canonical values and its tables.

The names a skill's dialogue owns (intents, entities, slots, responses, actions, forms) are declared once, in its
`domain.yml`; the manifest gives each intent its Russian title and names the skill's prefix, which every one of
those names (and every table) must carry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Dict, List, Mapping, Tuple, Union

import yaml

SKILL_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
PREFIX = re.compile(r"^[a-z][a-z0-9_]*$")
KNOWN_KEYS = frozenset(
    {
        "name",
        "prefix",
        "title",
        "description",
        "version",
        "examples",
        "intents",
        "contract_entities",
        "canonical_values",
        "tables",
        "preview",
        "bare_values",
        "problems",
        "urgent_problems",
        "parameters",
        "gazetteers",
        "numbered",
    }
)
# The lists of a gazetteer file that name places: `names` of a street, `aliases` and `categories` of a landmark.
GAZETTEER_KEYS = ("names", "aliases", "categories")


class ManifestError(ValueError):
    """A manifest that cannot be used, with the file and the reason."""


@dataclass(frozen=True)
class CanonicalEntity:
    """A closed-class entity: canonical values and the Russian phrases (any word form) that mean them."""

    values: Mapping[str, Tuple[str, ...]]
    # Also looked up in messages where the model tagged none: everywhere (true), never (false), or only in the
    # messages of these intents of the skill (a list: the vote words in a vote, where «за» is no preposition).
    find_in_text: Union[bool, Tuple[str, ...]] = True


@dataclass(frozen=True)
class ParameterSpec:
    """A parameter of the cooperative the skill reads (engine/cooperative.py), as its manifest declares it."""

    name: str
    skill: str
    title: str  # Russian, in the nominative: «комиссия кооператива»
    unit: str  # shown after the value: "%", "₽"
    default: Decimal
    minimum: Decimal
    maximum: Decimal
    words: Tuple[str, ...]  # how residents name it: «комиссия», «процент кооператива»


@dataclass(frozen=True)
class Manifest:
    name: str
    prefix: str  # every name the skill owns starts with it ("" for the core, which owns the shared names)
    title: str
    description: str
    version: str
    examples: Tuple[str, ...]
    intents: Mapping[
        str, str
    ]  # intent name -> short Russian title, shown when the bot asks "did you mean ...?"
    tables: Tuple[str, ...]
    # Entities whose names the NLU contract fixes; they keep those names and need no prefix.
    contract_entities: Tuple[str, ...] = ()
    canonical_values: Mapping[str, CanonicalEntity] = field(default_factory=dict)
    # A skill announced before it ships: the engine recognises its intents and answers them with
    # `action_service_preview` (the service is being prepared, an operator can help meanwhile).
    preview: bool = False
    # entity -> the skill's intents that a bare value of it can start, likeliest first: when a resident types only
    # such a value with nothing asked, the bot offers these tasks as buttons.
    bare_values: Mapping[str, Tuple[str, ...]] = field(default_factory=dict)
    # entity -> canonical value -> problems in residents' words that call for it («течёт кран»: plumber);
    # engine.sdk.problems matches them.
    problems: Mapping[str, Mapping[str, Tuple[str, ...]]] = field(default_factory=dict)
    # entity -> the canonical values of `problems` that are urgent: a task of another skill started on such a
    # message («пахнет газом» read as an appeal to the city) gives way to this skill's (engine.sdk.urgent_task)
    urgent_problems: Mapping[str, Tuple[str, ...]] = field(default_factory=dict)
    # the cooperative's parameters the skill reads; members change them by vote
    parameters: Tuple[ParameterSpec, ...] = ()
    # entity -> every phrase the skill's gazetteer files name (`gazetteers: {location: gazetteer.yml}`): the NLU
    # keeps a lone common noun as that entity only if some skill names it (nlu/location_spans.py)
    gazetteers: Mapping[str, Tuple[str, ...]] = field(default_factory=dict)
    # intent -> the entity a number said in its messages names («итоги по 8»: the proposal, not an order); the
    # NLU gives a lone number that entity (nlu/numbered_entities.py)
    numbered: Mapping[str, str] = field(default_factory=dict)


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


def _canonical_values(
    raw: Dict[str, Any], intents: Mapping[str, str], path: Path
) -> Dict[str, CanonicalEntity]:
    result: Dict[str, CanonicalEntity] = {}
    for entity, spec in (raw.get("canonical_values") or {}).items():
        if not isinstance(spec, dict) or not isinstance(spec.get("values"), dict):
            raise ManifestError(f"{path}: canonical_values.{entity} needs 'values: {{canonical: [phrases]}}'")
        values = {}
        for canonical, phrases in spec["values"].items():
            if not isinstance(phrases, list) or not phrases:
                raise ManifestError(f"{path}: canonical_values.{entity}.{canonical} needs a list of phrases")
            values[str(canonical)] = tuple(str(p) for p in phrases)
        result[entity] = CanonicalEntity(
            values=values, find_in_text=_find_in_text(spec, entity, intents, path)
        )
    return result


def _find_in_text(
    spec: Dict[str, Any], entity: str, intents: Mapping[str, str], path: Path
) -> Union[bool, Tuple[str, ...]]:
    value = spec.get("find_in_text", True)
    if isinstance(value, bool):
        return value
    if not isinstance(value, list) or not value or any(name not in intents for name in value):
        raise ManifestError(
            f"{path}: canonical_values.{entity}.find_in_text must be true, false or a list of the skill's intents"
        )
    return tuple(value)


def _bare_values(raw: Dict[str, Any], intents: Mapping[str, str], path: Path) -> Dict[str, Tuple[str, ...]]:
    value = raw.get("bare_values") or {}
    if not isinstance(value, dict):
        raise ManifestError(f"{path}: 'bare_values' must map an entity to a list of the skill's intents")
    result = {}
    for entity in value:
        result[str(entity)] = _names(value, entity, path)
        foreign = [name for name in result[str(entity)] if name not in intents]
        if foreign:
            raise ManifestError(
                f"{path}: bare_values.{entity} names intents the manifest does not list: {foreign}"
            )
    return result


def _problems(
    raw: Dict[str, Any], canonical: Mapping[str, CanonicalEntity], path: Path
) -> Dict[str, Dict[str, Tuple[str, ...]]]:
    value = raw.get("problems") or {}
    if not isinstance(value, dict):
        raise ManifestError(f"{path}: 'problems' must map an entity to {{canonical value: [phrases]}}")
    result: Dict[str, Dict[str, Tuple[str, ...]]] = {}
    for entity, values in value.items():
        if entity not in canonical or not isinstance(values, dict):
            raise ManifestError(
                f"{path}: problems.{entity}: the entity needs canonical_values in this manifest"
            )
        for canonical_value, phrases in values.items():
            if canonical_value not in canonical[entity].values:
                raise ManifestError(f"{path}: problems.{entity}.{canonical_value} is not a canonical value")
            if (
                not isinstance(phrases, list)
                or not phrases
                or not all(isinstance(p, str) and p for p in phrases)
            ):
                raise ManifestError(f"{path}: problems.{entity}.{canonical_value} needs a list of phrases")
            result.setdefault(str(entity), {})[str(canonical_value)] = tuple(phrases)
    return result


def _urgent_problems(
    raw: Dict[str, Any], problems: Mapping[str, Mapping[str, Tuple[str, ...]]], path: Path
) -> Dict[str, Tuple[str, ...]]:
    value = raw.get("urgent_problems") or {}
    if not isinstance(value, dict):
        raise ManifestError(f"{path}: 'urgent_problems' must map an entity to [canonical values]")
    result: Dict[str, Tuple[str, ...]] = {}
    for entity, values in value.items():
        if not isinstance(values, list) or not values:
            raise ManifestError(f"{path}: urgent_problems.{entity} needs a list of canonical values")
        unknown = [v for v in values if v not in (problems.get(entity) or {})]
        if unknown:
            raise ManifestError(
                f"{path}: urgent_problems.{entity}: {', '.join(map(str, unknown))} has no problems in this manifest"
            )
        result[str(entity)] = tuple(str(v) for v in values)
    return result


def _gazetteer_phrases(node: Any) -> List[str]:
    if isinstance(node, dict):
        return [
            phrase
            for key, value in node.items()
            for phrase in (
                [v for v in value if isinstance(v, str)]
                if key in GAZETTEER_KEYS and isinstance(value, list)
                else _gazetteer_phrases(value)
            )
        ]
    return [phrase for item in node for phrase in _gazetteer_phrases(item)] if isinstance(node, list) else []


def _gazetteers(raw: Dict[str, Any], path: Path) -> Dict[str, Tuple[str, ...]]:
    """entity -> the phrases of the skill's gazetteer files (`names`, `aliases`, `categories` lists anywhere in
    the file), in the order written, each once."""
    value = raw.get("gazetteers") or {}
    if not isinstance(value, dict) or not all(isinstance(f, str) for f in value.values()):
        raise ManifestError(f"{path}: 'gazetteers' must map an entity to a YAML file of the skill")
    result: Dict[str, Tuple[str, ...]] = {}
    for entity, name in value.items():
        file = path.parent / name
        try:
            content = yaml.safe_load(file.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as error:
            raise ManifestError(f"{path}: gazetteers.{entity}: {name} cannot be read: {error}") from error
        phrases = tuple(dict.fromkeys(p.strip() for p in _gazetteer_phrases(content) if p.strip()))
        if not phrases:
            raise ManifestError(
                f"{path}: gazetteers.{entity}: {name} names no place ({', '.join(GAZETTEER_KEYS)})"
            )
        result[str(entity)] = phrases
    return result


def _numbered(raw: Dict[str, Any], intents: Mapping[str, str], path: Path) -> Dict[str, str]:
    value = raw.get("numbered") or {}
    if not isinstance(value, dict) or not all(isinstance(e, str) and e for e in value.values()):
        raise ManifestError(f"{path}: 'numbered' must map an intent of the skill to an entity")
    foreign = [name for name in value if name not in intents]
    if foreign:
        raise ManifestError(f"{path}: numbered names intents the manifest does not list: {foreign}")
    return {str(intent): entity for intent, entity in value.items()}


def _decimal(spec: Dict[str, Any], key: str, where: str) -> Decimal:
    try:
        return Decimal(str(spec[key]))
    except (KeyError, InvalidOperation) as error:
        raise ManifestError(f"{where}.{key} must be a number") from error


def _parameters(raw: Dict[str, Any], skill: str, path: Path) -> Tuple[ParameterSpec, ...]:
    value = raw.get("parameters") or {}
    if not isinstance(value, dict):
        raise ManifestError(
            f"{path}: 'parameters' must map a parameter's name to its title, unit, bounds and words"
        )
    result = []
    for name, spec in value.items():
        where = f"{path}: parameters.{name}"
        if not SKILL_NAME.match(str(name)) or not isinstance(spec, dict):
            raise ManifestError(
                f"{where}: a lower-case name mapping to title, unit, default, min, max, words"
            )
        words = spec.get("words")
        if not isinstance(spec.get("title"), str) or not isinstance(words, list) or not words:
            raise ManifestError(f"{where} needs a title and a list of words")
        low, default, high = (_decimal(spec, key, where) for key in ("min", "default", "max"))
        if not low <= default <= high:
            raise ManifestError(f"{where}: default must lie between min and max")
        result.append(
            ParameterSpec(
                name=str(name),
                skill=skill,
                title=spec["title"],
                unit=str(spec.get("unit", "")),
                default=default,
                minimum=low,
                maximum=high,
                words=tuple(str(word) for word in words),
            )
        )
    return tuple(result)


def load_manifest(path: Path) -> Manifest:
    """Reads and checks one `manifest.yml`."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ManifestError(f"{path}: cannot be read: {error}") from error
    if not isinstance(raw, dict):
        raise ManifestError(f"{path}: a manifest is a mapping")
    unknown = sorted(set(raw) - KNOWN_KEYS)
    if unknown:
        raise ManifestError(
            f"{path}: unknown keys {unknown} (slots, responses, actions and forms are declared in domain.yml)"
        )
    for key in ("name", "title", "description", "version"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise ManifestError(f"{path}: '{key}' is required")
    if not SKILL_NAME.match(raw["name"]):
        raise ManifestError(f"{path}: name '{raw['name']}' must be lower-case latin letters, digits and '_'")
    prefix = raw.get("prefix", "")
    if raw["name"] != "core" and (not isinstance(prefix, str) or not PREFIX.match(prefix)):
        raise ManifestError(
            f"{path}: 'prefix' is required: lower-case latin letters and digits, e.g. 'market'"
        )
    preview = raw.get("preview", False)
    if not isinstance(preview, bool):
        raise ManifestError(f"{path}: 'preview' must be true or false")
    intents = _intents(raw, path)
    canonical = _canonical_values(raw, intents, path)
    problems = _problems(raw, canonical, path)
    return Manifest(
        name=raw["name"],
        prefix=prefix or "",
        title=raw["title"].strip(),
        description=raw["description"].strip(),
        version=str(raw["version"]),
        examples=_names(raw, "examples", path),
        intents=intents,
        bare_values=_bare_values(raw, intents, path),
        tables=_names(raw, "tables", path),
        contract_entities=_names(raw, "contract_entities", path),
        canonical_values=canonical,
        problems=problems,
        urgent_problems=_urgent_problems(raw, problems, path),
        parameters=_parameters(raw, raw["name"], path),
        gazetteers=_gazetteers(raw, path),
        numbered=_numbered(raw, intents, path),
        preview=preview,
    )
