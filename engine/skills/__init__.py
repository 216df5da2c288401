"""Skill packages: their manifests, where they are found, and how they are loaded."""

from engine.skills.discovery import SkillPackage, core_package, discover_skills, enabled_packages
from engine.skills.manifest import Manifest, ManifestError

__all__ = ["Manifest", "ManifestError", "SkillPackage", "core_package", "discover_skills", "enabled_packages"]
