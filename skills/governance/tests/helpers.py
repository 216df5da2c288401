"""Running the governance skill's actions as the action server would, and who is who in its demo store."""

from engine.sdk import resident_for, session_scope
from engine.testing import run_form as form
from engine.testing import run_plain as act
from engine.testing import said

__all__ = ["act", "form", "resident", "said"]


def resident(sender: str) -> int:
    """The resident writing as `sender` over the REST channel (created on first use)."""
    with session_scope() as session:
        return resident_for(session, "rest", sender)
