"""Demo data: each enabled skill with a `demo` module fills its tables once, when they are empty."""

from __future__ import annotations

import importlib
from typing import List

from engine.settings import require_development_mode, settings
from engine.skills.discovery import SkillPackage, import_package_module
from engine.store import session_scope


def load_demo_data(packages: List[SkillPackage]) -> List[str]:
    """Calls `load_demo(session)` of every package that has one; returns the skills that loaded something.
    Demo data is invented (providers, accounts, proposals): only development mode loads it."""
    require_development_mode(settings(), "load_demo_data")
    loaded = []
    for package in packages:
        if package.demo_module is None:
            continue
        import_package_module(package, package.demo_module)
        with session_scope() as session:
            if importlib.import_module(package.demo_module).load_demo(session):
                loaded.append(package.name)
    return loaded
