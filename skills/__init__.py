"""Skill packages found as folders, importable as `skills.<name>`.

Folders named in the `skill_paths` setting (and ASSISTANT_SKILL_PATHS) join this package's search path,
so a skill kept outside the project imports exactly like one inside it.
"""

from engine.settings import settings

__path__ = list(__path__) + [str(p) for p in settings().skill_paths if str(p) not in __path__]
