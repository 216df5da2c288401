"""Running the governance skill's actions as the action server would, and who is who in its demo store."""

from typing import Optional

from sqlalchemy.orm import Session

from engine.sdk import resident_for, session_scope
from engine.testing import run_form as form
from engine.testing import run_plain as act
from engine.testing import said

__all__ = ["act", "form", "resident", "said"]


def resident(sender: str, session: Optional[Session] = None) -> int:
    """The resident writing as `sender` over the REST channel (created on first use), in `session` if one is open:
    a second unit of work in the same thread would wait for the first one's SQLite lock."""
    if session is not None:
        return resident_for(session, "rest", sender)
    with session_scope() as own:
        return resident_for(own, "rest", sender)
