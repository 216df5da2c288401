"""Loads the actions of the core and of every enabled skill into the action server.

rasa-sdk registers every `Action` subclass imported in the process, so only enabled skills are imported.
Each action must be declared in its package's manifest, and no two packages may define one action name
(rasa-sdk would silently keep the last one).
"""

from __future__ import annotations

import inspect
from functools import lru_cache
from typing import Dict, Iterable, List, Tuple

from rasa_sdk import Action
from rasa_sdk.utils import all_subclasses

from engine.skills.discovery import CORE_NAME, SkillPackage, enabled_packages, import_package_module
from engine.skills.guard import guard


class ActionLoadError(RuntimeError):
    """Actions that cannot be served as they are; the message names the skills and actions."""


def _defined_in(action_class: type, package: SkillPackage) -> bool:
    module = package.actions_module or ""
    return action_class.__module__ == module or action_class.__module__.startswith(module + ".")


def load_actions(packages: List[SkillPackage]) -> Dict[str, Tuple[str, type]]:
    """Imports the packages' actions, guards them and returns {action name: (skill, class)}."""
    for package in packages:
        import_package_module(package, package.actions_module)
    found: Dict[str, Tuple[str, type]] = {}
    concrete = [c for c in all_subclasses(Action) if not inspect.isabstract(c)]
    for package in packages:
        for action_class in concrete:
            if package.actions_module is None or not _defined_in(action_class, package):
                continue
            name = action_class().name()
            if name in found and found[name][1] is not action_class:
                raise ActionLoadError(
                    f"action '{name}' is defined by both skill '{found[name][0]}' and skill '{package.name}'"
                )
            if name not in package.owned("actions"):
                raise ActionLoadError(
                    f"skill '{package.name}': action '{name}' is not declared in its manifest"
                )
            guard(action_class, package.name)
            found[name] = (package.name, action_class)
    return found


@lru_cache(maxsize=1)
def served_packages() -> Tuple[SkillPackage, ...]:
    """The packages this action server serves (the core first)."""
    return tuple(enabled_packages())


def intent_titles() -> Dict[str, str]:
    """Short Russian titles of every served intent, for "did you mean ...?" buttons."""
    return {
        intent: title for package in served_packages() for intent, title in package.manifest.intents.items()
    }


def intent_skills() -> Dict[str, str]:
    """The skill that serves each intent of a served skill (the core's intents are left out)."""
    return {
        intent: package.name
        for package in served_packages()
        if package.name != CORE_NAME
        for intent in package.manifest.intents
    }


def bare_value_intents(entities: Iterable[str]) -> List[str]:
    """The served intents that a bare value of these entities can start (manifests' `bare_values`), likeliest
    first and each once."""
    found: List[str] = []
    for entity in entities:
        for package in served_packages():
            found += [i for i in package.manifest.bare_values.get(entity, ()) if i not in found]
    return found
