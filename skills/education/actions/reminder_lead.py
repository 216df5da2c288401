"""Changing how long before a lesson its reminder comes, or turning reminders off, for the course the resident
names or for all of their active enrolments.

With no lead said (or one out of range), a question with buttons (30 minutes … a day, or none) asks for one; it
is an offer too, so that a lead typed alone answers it. The buttons and the offer carry the enrolments asked about
(`edu_reminder_enrollments`, ids joined by commas): only the resident's own active ones among them are changed.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from engine.sdk import (
    audit_record,
    button,
    clock,
    entity_value,
    offer,
    pending_offer,
    phrase,
    record_id,
    register_reader,
    resident_id,
    session_scope,
)

from .. import seats
from ..catalog import courses_named
from ..leads import OFF, lead_allowed, read_lead
from ..models import EduCourse, EduEnrollment, EduLearner
from ..reminders import change_lead, lead_text
from .mine import enrollments_of

INTENT = "edu_reminder_lead"
MINUTES, ENROLLMENTS = "edu_reminder_minutes", "edu_reminder_enrollments"
SKILL = "education"
CHOICES = (
    (30, "utter_edu_reminder_choice_30"),
    (60, "utter_edu_reminder_choice_60"),
    (120, "utter_edu_reminder_choice_120"),
    (24 * 60, "utter_edu_reminder_choice_day"),
    (OFF, "utter_edu_reminder_choice_off"),
)

register_reader(MINUTES, read_lead)  # a lead typed alone («за час») answers the question's offer


def _minutes(value: Any) -> Optional[int]:
    """A lead carried by a button or an offer ("60", 60, "0" for none), None for anything else."""
    text = str(value if value is not None else "").strip()
    return 0 if text == "0" else record_id(text)


def _ids(value: Any) -> List[int]:
    return [number for number in map(record_id, str(value or "").split(",")) if number is not None]


def carried_enrollments(tracker: Tracker) -> Optional[List[int]]:
    """The enrolments a button carries, or the question's offer this message answers; None when neither."""
    value = entity_value(tracker, ENROLLMENTS)
    if value is None:
        asked = pending_offer(tracker)
        value = asked.entities.get(ENROLLMENTS) if asked and asked.intent == INTENT else None
    return _ids(value) if value is not None else None


def course_line(domain: Dict[str, Any], session: Session, enrollment: EduEnrollment) -> str:
    """The course's title and the child's name, or the word for the resident."""
    learner = session.get(EduLearner, enrollment.learner_id) if enrollment.learner_id else None
    name = learner.name if learner else phrase(domain, "utter_edu_learner_self")
    return f"«{session.get(EduCourse, enrollment.course_id).title}» ({name})"


def courses_text(domain: Dict[str, Any], session: Session, chosen: Sequence[EduEnrollment]) -> str:
    return ", ".join(course_line(domain, session, e) for e in chosen)


def choice_buttons(domain: Dict[str, Any], chosen: Sequence[EduEnrollment]) -> List[Dict[str, str]]:
    ids = ",".join(str(e.id) for e in chosen)
    return [
        button(phrase(domain, title), INTENT, **{MINUTES: minutes, ENROLLMENTS: ids})
        for minutes, title in CHOICES
    ]


class ActionEduReminderLead(Action):
    def name(self) -> str:
        return "action_edu_reminder_lead"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        text = tracker.latest_message.get("text") or ""
        minutes = _minutes(entity_value(tracker, MINUTES))
        if minutes is None and not text.startswith("/"):
            minutes = read_lead(text)
        carried = carried_enrollments(tracker)
        now = clock.now()
        with session_scope() as session:
            resident = resident_id(session, tracker)
            mine = enrollments_of(session, resident, (seats.ACTIVE,))
            if not mine:
                dispatcher.utter_message(response="utter_edu_reminder_no_courses")
                return []
            chosen, every, refusal = self._chosen(session, mine, text, carried)
            if refusal is not None:
                response, values = refusal
                dispatcher.utter_message(
                    response=response, courses=courses_text(domain, session, mine), **values
                )
                return []
            courses = courses_text(domain, session, chosen)
            if minutes is None or not lead_allowed(minutes):
                ids = ",".join(str(e.id) for e in chosen)
                values = {"lead": lead_text(minutes)} if minutes is not None else {}
                dispatcher.utter_message(
                    response="utter_edu_reminder_lead_question"
                    if minutes is None
                    else "utter_edu_reminder_lead_out_of_range",
                    courses=courses,
                    buttons=choice_buttons(domain, chosen),
                    **values,
                    **offer(INTENT, accepts=[MINUTES], **{ENROLLMENTS: ids}),
                )
                return []
            for enrollment in chosen:
                change_lead(
                    session, tracker, enrollment, session.get(EduCourse, enrollment.course_id), minutes, now
                )
            audit_record(
                session,
                skill=SKILL,
                action="reminder_lead_changed",
                resident_id=resident,
                details={"enrollment_ids": [e.id for e in chosen], "minutes": minutes},
            )
        if minutes == OFF:
            response = "utter_edu_reminder_off_all" if every else "utter_edu_reminder_off"
            dispatcher.utter_message(response=response, courses=courses)
        else:
            response = "utter_edu_reminder_lead_set_all" if every else "utter_edu_reminder_lead_set"
            dispatcher.utter_message(response=response, lead=lead_text(minutes), courses=courses)
        return []

    @staticmethod
    def _chosen(
        session: Session, mine: List[EduEnrollment], text: str, carried: Optional[List[int]]
    ) -> Tuple[List[EduEnrollment], bool, Optional[Tuple[str, Dict[str, Any]]]]:
        """(the enrolments to change, whether they are all the resident's, a refusal: response and values).

        A course named in the message wins over what a button or the question carried; none named and nothing
        carried is every active enrolment (when that is more than one, the answer says so)."""
        named = [] if text.startswith("/") else courses_named(session, text, clock.today())
        if named:
            ids = {c.id for c in named}
            chosen = [e for e in mine if e.course_id in ids]
            if not chosen:
                titles = ", ".join(f"«{c.title}»" for c in named)
                return [], False, ("utter_edu_reminder_not_enrolled", {"titles": titles})
        elif carried is not None:
            chosen = [e for e in mine if e.id in carried]
            if not chosen:  # left since, or never this resident's (a typed payload)
                return [], False, ("utter_edu_reminder_enrollment_unknown", {})
        else:
            chosen = mine
        return chosen, not named and len(mine) > 1 and len(chosen) == len(mine), None
