"""Running the education skill's actions and forms as the action server would, in the demo store."""

from typing import List, Optional, Tuple

from sqlalchemy import select

from engine.sdk import resident_for, session_scope
from engine.testing import run_form as form
from engine.testing import run_plain as act
from skills.education.models import EduCourse, EduEnrollment, EduLearner

__all__ = ["act", "course_id", "enrollments", "form"]


def course_id(title: str) -> int:
    with session_scope() as session:
        return session.execute(select(EduCourse.id).where(EduCourse.title == title)).scalar_one()


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
