"""Finding skill packages: folders under the skill paths, and installed distributions with an entry point.

A third-party skill is a Python package that carries `manifest.yml` (and the rest of the skill layout) as
package data and declares, in its distribution metadata::

    [project.entry-points."city_assistant.skills"]
    my_skill = "my_skill_package"

The entry point's name must equal the manifest's `name`.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import cached_property
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml

from engine.settings import PROJECT_ROOT, Settings
from engine.settings import settings as current_settings
from engine.skills.manifest import Manifest, ManifestError, load_manifest

ENTRY_POINT_GROUP = "city_assistant.skills"
MANIFEST_FILE = "manifest.yml"
CORE_NAME = "core"
# Kinds of names a package owns; two packages may never own the same name of one kind. All but the tables are
# declared in the package's domain.yml, the tables in its manifest.
DOMAIN_KINDS: Tuple[str, ...] = ("intents", "entities", "slots", "responses", "actions", "forms")
OWNED_KINDS: Tuple[str, ...] = (*DOMAIN_KINDS, "tables")


@dataclass(frozen=True)
class SkillPackage:
    """One package of intents, data and actions: the core or a skill."""

    manifest: Manifest
    root: Path  # holds manifest.yml, domain.yml and data/
    origin: str  # where it was found, for error messages
    actions_module: Optional[str]
    models_module: Optional[str]
    tests_dir: Path
    demo_module: Optional[str] = None  # `load_demo(session) -> bool`: demo data for an empty store

    @property
    def name(self) -> str:
        return self.manifest.name

    @property
    def domain_file(self) -> Path:
        return self.root / "domain.yml"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @cached_property
    def domain(self) -> Dict[str, Any]:
        """The package's domain fragment as written (read once)."""
        try:
            content = yaml.safe_load(self.domain_file.read_text(encoding="utf-8")) or {}
        except FileNotFoundError as error:
            raise ManifestError(f"skill '{self.name}': {self.domain_file} is missing") from error
        except (OSError, yaml.YAMLError) as error:
            raise ManifestError(f"{self.domain_file}: not valid YAML: {error}") from error
        if not isinstance(content, dict):
            raise ManifestError(f"{self.domain_file}: expected a mapping at the top level")
        return content

    def owned(self, kind: str) -> Tuple[str, ...]:
        """The names of one kind the package owns: from its domain fragment, tables from its manifest."""
        if kind == "tables":
            return self.manifest.tables
        value = self.domain.get(kind) or []
        if isinstance(value, dict):
            return tuple(value)
        return tuple(next(iter(item)) if isinstance(item, dict) else str(item) for item in value)


def core_package() -> SkillPackage:
    """The engine's own intents and actions, laid out like a skill so the build treats both alike."""
    root = PROJECT_ROOT / "domain"
    return SkillPackage(
        manifest=load_manifest(root / MANIFEST_FILE),
        root=root,
        origin=str(root),
        actions_module="actions.core",
        models_module="engine.store.models",
        tests_dir=PROJECT_ROOT / "tests" / "core",
    )


def _submodule_if_present(package: str, root: Path, name: str) -> Optional[str]:
    present = (root / f"{name}.py").exists() or (root / name / "__init__.py").exists()
    return f"{package}.{name}" if present else None


def _import_folder_skill(root: Path) -> None:
    """Makes sure the folder holding this skill is on the search path of the `skills` package."""
    skills_package = importlib.import_module("skills")
    parent = str(root.parent)
    if parent not in skills_package.__path__:
        skills_package.__path__.append(parent)


def _skill_package(manifest: Manifest, root: Path, module: str, origin: str) -> SkillPackage:
    """A skill laid out by convention: optional `actions`, `models` and `demo` modules, tests in `tests/`."""
    return SkillPackage(
        manifest=manifest,
        root=root,
        origin=origin,
        actions_module=_submodule_if_present(module, root, "actions"),
        models_module=_submodule_if_present(module, root, "models"),
        tests_dir=root / "tests",
        demo_module=_submodule_if_present(module, root, "demo"),
    )


def _folder_package(root: Path) -> SkillPackage:
    manifest = load_manifest(root / MANIFEST_FILE)
    if manifest.name != root.name:
        raise ManifestError(f"{root}: the folder must be named after the skill ('{manifest.name}')")
    if not (root / "__init__.py").is_file():
        raise ManifestError(f"{root}: a skill folder is a Python package and needs an __init__.py")
    return _skill_package(manifest, root, f"skills.{manifest.name}", f"folder {root}")


def _entry_point_package(entry_name: str, module_name: str, distribution: str) -> SkillPackage:
    module = importlib.import_module(module_name)
    root = Path(module.__file__ or "").resolve().parent
    manifest = load_manifest(root / MANIFEST_FILE)
    if manifest.name != entry_name:
        raise ManifestError(
            f"entry point '{entry_name}' of {distribution}: its manifest names the skill '{manifest.name}'"
        )
    return _skill_package(
        manifest, root, module_name, f"entry point '{entry_name}' of distribution {distribution}"
    )


def discover_skills(config: Optional[Settings] = None) -> Dict[str, SkillPackage]:
    """Every skill that can be found, enabled or not, by name. Two skills with one name are an error."""
    config = config or current_settings()
    found: Dict[str, SkillPackage] = {}

    def add(package: SkillPackage) -> None:
        if package.name == CORE_NAME:
            raise ManifestError(f"{package.origin}: the name 'core' belongs to the engine")
        if package.name in found:
            raise ManifestError(
                f"two skills are named '{package.name}': {found[package.name].origin} and {package.origin}"
            )
        found[package.name] = package

    for skill_path in config.skill_paths:
        if not skill_path.is_dir():
            continue
        for root in sorted(p for p in skill_path.iterdir() if (p / MANIFEST_FILE).is_file()):
            add(_folder_package(root.resolve()))
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        distribution = entry.dist.name if entry.dist else "unknown distribution"
        add(_entry_point_package(entry.name, entry.value, distribution))
    return found


def enabled_packages(config: Optional[Settings] = None) -> List[SkillPackage]:
    """The core first, then every enabled skill in name order."""
    config = config or current_settings()
    skills = discover_skills(config)
    unknown = [name for name in config.enabled_skills if name != "*" and name not in skills]
    if unknown:
        raise ManifestError(
            f"enabled skills not found: {', '.join(unknown)} (found: {', '.join(skills) or 'none'})"
        )
    return [core_package()] + [skills[name] for name in sorted(skills) if config.skill_enabled(name)]


def import_package_module(package: SkillPackage, module_name: Optional[str]) -> None:
    """Imports one of a package's Python modules (actions or models), with its submodules if it is a package."""
    if module_name is None:
        return
    if module_name.startswith("skills."):
        _import_folder_skill(package.root)
    module = importlib.import_module(module_name)
    for submodule in pkgutil.walk_packages(getattr(module, "__path__", []), prefix=f"{module_name}."):
        importlib.import_module(submodule.name)
