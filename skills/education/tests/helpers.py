"""Running the education skill's actions and forms as the action server would, in the demo store."""

from typing import Any, Dict, List, Optional, Tuple

from sqlalchemy import select

from engine.sdk import resident_for, session_scope
from engine.testing import just_set, make_tracker, run_action
from skills.education.models import EduCourse, EduEnrollment, EduLearner

Run = Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]


def course_id(title: str) -> int:
    with session_scope() as session:
        return session.execute(select(EduCourse.id).where(EduCourse.title == title)).scalar_one()


def form(
    action, name, text="", intent="inform", slots=None, new=None, entities=None, sender="resident-1"
) -> Run:
    """Runs a form's validation action: `slots` were set before, `new` were set by this very message."""
    new = new or {}
    tracker = make_tracker(
        text, intent, entities=entities, slots={**(slots or {}), **new}, sender_id=sender, active_loop=name
    )
    for slot, value in new.items():
        just_set(tracker, slot, value)
    return run_action(action, tracker)


def act(action, text="", intent="inform", slots=None, entities=None, sender="resident-1", events=None) -> Run:
    return run_action(
        action, make_tracker(text, intent, entities=entities, slots=slots, sender_id=sender, events=events)
    )


def enrollments(sender: str = "resident-1") -> List[Tuple[str, str, Optional[str]]]:
    """(course title, status, child's name or None) of the resident's enrolments, oldest first."""
    with session_scope() as session:
        resident = resident_for(session, "rest", sender)
        rows = session.execute(
            select(EduEnrollment).where(EduEnrollment.resident_id == resident).order_by(EduEnrollment.id)
        ).scalars()
        return [
            (
                session.get(EduCourse, e.course_id).title,
                e.status,
                session.get(EduLearner, e.learner_id).name if e.learner_id else None,
            )
            for e in rows
        ]
