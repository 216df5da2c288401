"""Leaving a course (or its waiting list), with a confirmation; the freed seat goes to the first in line."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from engine.sdk import (
    TextAnswers,
    audit_record,
    button,
    clock,
    picked_position,
    record_id,
    resident_id,
    session_scope,
    yes_no_extraction,
)

from .. import seats
from ..catalog import courses_named
from ..models import EduCourse, EduEnrollment
from ..reminders import cancel_lesson_reminders, tell_seat_offered
from ..texts import enrollment_learner
from .mine import enrollments_of

ENROLLMENT, CONFIRM = "edu_enrollment", "edu_leave_confirm"
LEAVE_SLOTS = (ENROLLMENT, CONFIRM)
SKILL = "education"
MAX_BUTTONS = 5


def own_enrollment(session: Session, resident: int, value: Any) -> Optional[EduEnrollment]:
    """The resident's own enrolment that still holds or awaits a seat; None for another's (a typed payload)."""
    number = record_id(value)
    enrollment = session.get(EduEnrollment, number) if number is not None else None
    if enrollment is None or enrollment.resident_id != resident or enrollment.status not in seats.HOLDING:
        return None
    return enrollment


def named_enrollment(session: Session, mine: List[EduEnrollment], text: str) -> Optional[EduEnrollment]:
    """The one enrolment the text names: by the course's topic or title, by its place in the buttons, or the
    only one there is."""
    if len(mine) == 1 and not text.startswith("/"):
        return mine[0]
    position = picked_position(text)
    if position and int(position) <= len(mine):
        return mine[int(position) - 1]
    named = {c.id for c in courses_named(session, text, clock.today())}
    matching = [e for e in mine if e.course_id in named]
    return matching[0] if len(matching) == 1 else None


class ValidateEduLeaveForm(TextAnswers, FormValidationAction):
    def name(self) -> Text:
        return "validate_edu_leave_form"

    async def extract_edu_enrollment(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """At the form's start: the enrolment the request names (by the course's topic), or the only one."""
        if tracker.get_slot(ENROLLMENT) is not None or tracker.get_slot("requested_slot") is not None:
            return {}
        with session_scope() as session:
            mine = enrollments_of(session, resident_id(session, tracker))
            found = named_enrollment(session, mine, tracker.latest_message.get("text") or "")
        return {ENROLLMENT: found.id} if found else {}

    async def extract_edu_leave_confirm(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return yes_no_extraction(tracker, CONFIRM)

    def validate_edu_enrollment(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        with session_scope() as session:
            resident = resident_id(session, tracker)
            found = own_enrollment(session, resident, slot_value) or named_enrollment(
                session, enrollments_of(session, resident), str(slot_value or "")
            )
            if found is None:
                dispatcher.utter_message(response="utter_edu_enrollment_unknown")
                return {ENROLLMENT: None}
            return {ENROLLMENT: found.id}


class ActionAskEduEnrollment(Action):
    """Which course: a button for each; with none, the form ends at once."""

    def name(self) -> str:
        return "action_ask_edu_enrollment"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        with session_scope() as session:
            mine = enrollments_of(session, resident_id(session, tracker))
            buttons = [
                button(
                    f"«{session.get(EduCourse, e.course_id).title}» ({enrollment_learner(domain, session, e)})",
                    "inform",
                    edu_enrollment_id=e.id,
                )
                for e in mine[:MAX_BUTTONS]
            ]
        if not mine:
            dispatcher.utter_message(response="utter_edu_nothing_to_leave")
            return [
                ActiveLoop(None),
                SlotSet("requested_slot", None),
                *[SlotSet(s, None) for s in LEAVE_SLOTS],
            ]
        dispatcher.utter_message(response="utter_ask_edu_enrollment", buttons=buttons)
        return []


class ActionAskEduLeaveConfirm(Action):
    def name(self) -> str:
        return "action_ask_edu_leave_confirm"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        with session_scope() as session:
            found = own_enrollment(session, resident_id(session, tracker), tracker.get_slot(ENROLLMENT))
            if found is None:
                dispatcher.utter_message(response="utter_edu_enrollment_unknown")
                return [SlotSet(ENROLLMENT, None)]
            title = session.get(EduCourse, found.course_id).title
            learner = enrollment_learner(domain, session, found)
        dispatcher.utter_message(response="utter_ask_edu_leave_confirm", title=title, learner=learner)
        return []


class ActionEduLeaveDone(Action):
    def name(self) -> str:
        return "action_edu_leave_done"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        cleared: List[EventType] = [SlotSet(slot, None) for slot in LEAVE_SLOTS]
        if not tracker.get_slot(CONFIRM):
            dispatcher.utter_message(response="utter_edu_leave_declined")
            return cleared
        with session_scope() as session:
            resident = resident_id(session, tracker)
            found = own_enrollment(session, resident, tracker.get_slot(ENROLLMENT))
            if (
                found is not None
            ):  # the same confirmation sent twice at once: the second reads the first's end
                seats.lock_course(session, found.course_id)
                session.refresh(found)
                found = found if found.status in seats.HOLDING else None
            if found is None:  # left already (a repeated confirmation) or never theirs
                dispatcher.utter_message(response="utter_edu_nothing_to_leave")
                return cleared
            title = session.get(EduCourse, found.course_id).title
            learner = enrollment_learner(domain, session, found)
            for offered in seats.leave(session, found, clock.to_store(clock.now())):
                tell_seat_offered(session, offered)
            cancel_lesson_reminders(session, tracker, found)
            audit_record(
                session,
                skill=SKILL,
                action="enrollment_left",
                resident_id=resident,
                details={"enrollment_id": found.id},
            )
        dispatcher.utter_message(response="utter_edu_left", title=title, learner=learner)
        return cleared
