"""The catalogue: courses by topic, age, price, place, day and time, as compact cards with buttons to enrol."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from engine.sdk import (
    button,
    clock,
    entity_value,
    offer,
    phrase,
    picked_position,
    register_reader,
    session_scope,
)

from ..catalog import Wanted, known_topics, matches, open_courses, wanted_from
from ..texts import course_card

LAST = "edu_last_courses"
POSITION = "edu_course_position"
SHOWN, BUTTONS = 5, 3

register_reader(POSITION, picked_position)  # «второй» alone accepts the catalogue's offer with that pick


def filters_text(domain: Dict[str, Any], wanted: Wanted) -> str:
    """What was asked besides the topic, in brackets after the heading; empty when nothing was."""
    parts = []
    if wanted.age is not None:
        parts.append(phrase(domain, "utter_edu_filter_age", age=wanted.age))
    if wanted.free:
        parts.append(phrase(domain, "utter_edu_filter_free"))
    if wanted.online:
        parts.append(phrase(domain, "utter_edu_filter_online"))
    return f" ({', '.join(parts)})" if parts else ""


class ActionEduCourses(Action):
    def name(self) -> str:
        return "action_edu_courses"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        now = clock.now()
        with session_scope() as session:
            courses = open_courses(session, now.date())
            wanted = wanted_from(
                tracker.latest_message.get("text") or "",
                known_topics(courses),
                topic=entity_value(tracker, "topic"),
                day=entity_value(tracker, "date"),
                time=entity_value(tracker, "time"),
            )
            found = [course for course in courses if matches(course, wanted)][:SHOWN]
            cards = [course_card(domain, session, course, n, now) for n, course in enumerate(found, 1)]
            buttons = [
                button(
                    phrase(domain, "utter_edu_enroll_button", title=c.title), "edu_enroll", edu_course_id=c.id
                )
                for c in found[:BUTTONS]
            ]
        if not found:
            dispatcher.utter_message(response="utter_edu_courses_none", filters=filters_text(domain, wanted))
            return [SlotSet(LAST, None)]
        dispatcher.utter_message(
            response="utter_edu_courses_found",
            filters=filters_text(domain, wanted),
            cards="\n".join(cards),
            buttons=buttons,
            **offer("edu_enroll", accepts=[POSITION]),
        )
        return [SlotSet(LAST, [course.id for course in found])]
