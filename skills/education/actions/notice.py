"""The skill's notifications arriving in a resident's conversation: a lesson soon, a seat held, a hold ended."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from engine.sdk import clock, delivered_now, entity_value, moment_text, offer, record_id, session_scope

from .. import seats
from ..leads import OFF
from ..learners import SELF
from ..lessons import next_lesson
from ..models import EduCourse, EduEnrollment
from ..reminders import (
    ENROLLMENT,
    KIND,
    LESSON,
    OFFER_EXPIRED,
    SEAT_OFFERED,
    schedule_lesson_reminder,
    tell_seat_offered,
)
from ..texts import enrollment_learner, place_text


class ActionEduNotice(Action):
    def name(self) -> str:
        return "action_edu_notice"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        kind, enrollment_id = entity_value(tracker, KIND), entity_value(tracker, ENROLLMENT)
        now = clock.now()
        with session_scope() as session:
            if not delivered_now(session, tracker) or record_id(enrollment_id) is None:
                return []  # cancelled, said already, or typed by hand
            enrollment = session.get(EduEnrollment, record_id(enrollment_id))
            course = session.get(EduCourse, enrollment.course_id) if enrollment else None
            if enrollment is None or course is None:
                return []
            values = {"title": course.title, "learner": enrollment_learner(domain, session, enrollment)}
            if kind == LESSON and enrollment.status == seats.ACTIVE and enrollment.reminder_minutes != OFF:
                lesson = next_lesson(course, now)
                if lesson is not None:
                    dispatcher.utter_message(
                        response="utter_edu_lesson_reminder",
                        when=moment_text(lesson),
                        place=place_text(domain, course),
                        **values,
                    )
                    schedule_lesson_reminder(session, tracker, enrollment, course, lesson)
            elif kind == SEAT_OFFERED and enrollment.status == seats.OFFERED:
                until = clock.to_local(enrollment.offered_until)
                learner = str(enrollment.learner_id) if enrollment.learner_id else SELF
                dispatcher.utter_message(
                    response="utter_edu_seat_offered",
                    until=moment_text(until),
                    **values,
                    **offer("edu_enroll", edu_course_id=course.id, edu_learner_id=learner),
                )
            elif kind == OFFER_EXPIRED and enrollment.status == seats.OFFERED:
                until = clock.to_local(enrollment.offered_until)
                for next_in_line in seats.expire_offer(session, enrollment.id, clock.to_store(now)):
                    tell_seat_offered(session, next_in_line)
                dispatcher.utter_message(
                    response="utter_edu_offer_expired", until=moment_text(until), **values
                )
        return []
