"""The resident's own courses: the schedule across all courses and children, and the courses' materials."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.sdk import clock, day_month, moment_text, phrase, resident_id, session_scope

from .. import seats
from ..catalog import courses_named
from ..lessons import next_lesson
from ..models import EduCourse, EduEnrollment, EduMaterial
from ..texts import enrollment_learner, place_text


def enrollments_of(session: Session, resident: int, statuses: tuple = seats.HOLDING) -> List[EduEnrollment]:
    return list(
        session.execute(
            select(EduEnrollment)
            .where(EduEnrollment.resident_id == resident, EduEnrollment.status.in_(statuses))
            .order_by(EduEnrollment.id)
        ).scalars()
    )


class ActionEduSchedule(Action):
    """Every active enrolment by its next lesson, then the waiting list and the seats held."""

    def name(self) -> str:
        return "action_edu_schedule"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        now = clock.now()
        with session_scope() as session:
            lessons, others = [], []
            for enrollment in enrollments_of(session, resident_id(session, tracker)):
                course = session.get(EduCourse, enrollment.course_id)
                values = {"title": course.title, "learner": enrollment_learner(domain, session, enrollment)}
                if enrollment.status == seats.ACTIVE:
                    lesson = next_lesson(course, now)
                    if lesson is not None:
                        line = phrase(
                            domain,
                            "utter_edu_schedule_line",
                            when=moment_text(lesson),
                            place=place_text(domain, course),
                            **values,
                        )
                        lessons.append((lesson, line))
                elif enrollment.status == seats.WAITING:
                    position = seats.waiting_position(session, enrollment)
                    others.append(
                        phrase(domain, "utter_edu_schedule_waiting_line", position=position, **values)
                    )
                else:
                    until = moment_text(clock.to_local(enrollment.offered_until))
                    others.append(phrase(domain, "utter_edu_schedule_offered_line", until=until, **values))
        lines = [line for _, line in sorted(lessons, key=lambda pair: pair[0])] + others
        if not lines:
            dispatcher.utter_message(response="utter_edu_schedule_empty")
        else:
            dispatcher.utter_message(response="utter_edu_schedule", lines="\n".join(lines))
        return []


def materials_lines(domain: Dict[str, Any], session: Session, course: EduCourse) -> List[str]:
    rows = session.execute(
        select(EduMaterial)
        .where(EduMaterial.course_id == course.id)
        .order_by(EduMaterial.lesson_on, EduMaterial.id)
    ).scalars()
    lines = []
    for material in rows:
        if material.lesson_on is None:
            lines.append(f"• {material.title}: {material.body}")
        else:
            lines.append(
                phrase(
                    domain,
                    "utter_edu_material_lesson_line",
                    day=day_month(material.lesson_on),
                    title=material.title,
                    body=material.body,
                )
            )
    return lines


class ActionEduMaterials(Action):
    """Materials of the course named, or of every course the resident is on."""

    def name(self) -> str:
        return "action_edu_materials"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        with session_scope() as session:
            mine = [
                e.course_id for e in enrollments_of(session, resident_id(session, tracker), (seats.ACTIVE,))
            ]
            named = [
                c.id for c in courses_named(session, tracker.latest_message.get("text") or "", clock.today())
            ]
            chosen: Optional[List[int]] = [c for c in named if c in mine] or mine
            if not chosen:
                dispatcher.utter_message(response="utter_edu_materials_no_course")
                return []
            for course_id in dict.fromkeys(chosen):
                course = session.get(EduCourse, course_id)
                lines = materials_lines(domain, session, course)
                if lines:
                    dispatcher.utter_message(
                        response="utter_edu_materials", title=course.title, lines="\n".join(lines)
                    )
                else:
                    dispatcher.utter_message(response="utter_edu_materials_none", title=course.title)
        return []
