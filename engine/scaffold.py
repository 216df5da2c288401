"""`python -m engine skill new NAME`: a new skill from the template, ready to pass its own tests."""

from __future__ import annotations

from pathlib import Path
from string import Template

from engine.messages import say
from engine.settings import PROJECT_ROOT
from engine.skills.manifest import SKILL_NAME

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates" / "skill"
TEMPLATE_SUFFIX = ".tmpl"


class ScaffoldError(ValueError):
    pass


def new_skill(name: str, title: str, target_root: Path = PROJECT_ROOT / "skills") -> Path:
    """Writes `target_root/name` from the template; refuses to overwrite anything."""
    if not SKILL_NAME.match(name) or name == "core":
        raise ScaffoldError(say("skill_name_invalid", name=name))
    target = target_root / name
    if target.exists():
        raise ScaffoldError(say("skill_exists", target=target))
    values = {"name": name, "title": title, "class_name": "".join(p.capitalize() for p in name.split("_"))}
    for source in sorted(TEMPLATE_DIR.rglob(f"*{TEMPLATE_SUFFIX}")):
        relative = Path(Template(str(source.relative_to(TEMPLATE_DIR))).substitute(values))
        destination = target / str(relative)[: -len(TEMPLATE_SUFFIX)]
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(
            Template(source.read_text(encoding="utf-8")).substitute(values), encoding="utf-8"
        )
    return target
