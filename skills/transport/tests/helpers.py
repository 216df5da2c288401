"""Running the transport skill's actions and forms as the action server would, in the demo store."""

from typing import Any, Dict, Optional

from engine.testing import Run, said
from engine.testing import run_form as form
from engine.testing import run_plain as act

__all__ = ["Run", "act", "form", "location", "said"]


def location(value: str, role: Optional[str] = None, text: str = "") -> Dict[str, Any]:
    """A location entity as the model tags it, at its place in `text`."""
    start = text.find(value) if text else 0
    entity = {"entity": "location", "value": value, "start": max(start, 0), "end": max(start, 0) + len(value)}
    return {**entity, **({"role": role} if role else {})}
