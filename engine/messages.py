"""What the engine's command line says, in Russian, from `messages.yml` beside this module."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict

from engine.lexicon import load_lexicon

MESSAGES_FILE = Path(__file__).resolve().parent / "messages.yml"


@lru_cache(maxsize=1)
def _messages() -> Dict[str, Any]:
    return load_lexicon(MESSAGES_FILE)


def say(key: str, **values: Any) -> str:
    """The message `key` (dotted for nested ones, e.g. "help.build") filled with `values`."""
    entry: Any = _messages()
    for part in key.split("."):
        entry = entry[part]
    return str(entry).format(**values) if values else str(entry).replace("{{", "{").replace("}}", "}")
