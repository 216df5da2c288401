"""Enrolment: which course, who (the resident or a child, whose name and age are asked once), then a
confirmation; a full course offers its waiting list instead. Never more enrolments than seats (seats.py)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from engine.sdk import (
    TextAnswers,
    audit_record,
    button,
    clock,
    entity_value,
    phrase,
    picked_position,
    read_age,
    record_id,
    resident_id,
    session_scope,
    yes_no_extraction,
)

from .. import seats
from ..catalog import courses_named, fits_age, known_topics, open_courses
from ..learners import (
    MAX_CHILD_AGE,
    NEW,
    SELF,
    child_name,
    children_of,
    current_age,
    name_with_child,
    named_child,
    own_learner,
    said_child,
    said_self,
    same_child,
)
from ..models import EduCourse, EduLearner
from ..reminders import lead_text, schedule_lesson_reminder
from ..texts import ages_text, learner_text, next_text, place_text, price_text, schedule_text
from .catalog import LAST, POSITION

COURSE, LEARNER, NAME, AGE = "edu_course", "edu_learner", "edu_child_name", "edu_child_age"
CONFIRM = "edu_enroll_confirm"
ENROLL_SLOTS = (COURSE, LEARNER, NAME, AGE, CONFIRM)
SKILL = "education"
MAX_BUTTONS = 5


def shown_pick(tracker: Tracker, named: List[EduCourse]) -> Optional[int]:
    """The course of the latest catalogue the message picks by its place ("the second"), or the only one shown
    when the enrolment starts without naming another (`named`: the courses the message names)."""
    shown = tracker.get_slot(LAST) or []
    position = entity_value(tracker, POSITION) or picked_position(tracker.latest_message.get("text") or "")
    if len(shown) == 1 and tracker.get_slot(COURSE) is None and not position:
        return shown[0] if not named else None
    index = (record_id(position) or 0) - 1
    return shown[index] if shown and 0 <= index < len(shown) else None


def chosen_course(session: Session, value: Any) -> Optional[EduCourse]:
    number = record_id(value)
    course = session.get(EduCourse, number) if number is not None else None
    return course if course is not None and course.ends_on >= clock.today() else None


def adults_admitted(course: EduCourse) -> bool:
    return course.age_max is None or course.age_max >= 18


def new_child_from(tracker: Tracker) -> Optional[EduLearner]:
    if tracker.get_slot(LEARNER) != NEW or not tracker.get_slot(NAME) or tracker.get_slot(AGE) is None:
        return None
    return EduLearner(name=tracker.get_slot(NAME), age=int(tracker.get_slot(AGE)), age_on=clock.today())


class ValidateEduEnrollForm(TextAnswers, FormValidationAction):
    def name(self) -> Text:
        return "validate_edu_enroll_form"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        """The name and age are asked only for a child not yet on the resident's profile."""
        if tracker.get_slot(LEARNER) not in (None, NEW):
            return [slot for slot in domain_slots if slot not in (NAME, AGE)]
        return domain_slots

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        """A new child's age, however it came (with the request, with the answer to who), must fit the course."""
        events = await super().get_validation_events(dispatcher, tracker, domain)
        slots = {**tracker.slots, **{e["name"]: e["value"] for e in events if e.get("event") == "slot"}}
        if slots.get(LEARNER) != NEW or slots.get(AGE) is None or slots.get(CONFIRM) is False:
            return events
        with session_scope() as session:
            course = chosen_course(session, slots.get(COURSE))
            if course is None or fits_age(course, int(slots[AGE])):
                return events
            dispatcher.utter_message(
                response="utter_edu_age_does_not_fit",
                title=course.title,
                ages=ages_text(domain, course),
                learner=slots.get(NAME) or "",
                age=slots[AGE],
            )
        return [*events, SlotSet(CONFIRM, False)]

    async def extract_edu_course(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """A pick from the catalogue shown, or the one course the message names by topic or title."""
        with session_scope() as session:
            named = courses_named(session, tracker.latest_message.get("text") or "", clock.today())
        picked = shown_pick(tracker, named)
        if picked is not None:
            return {COURSE: picked}
        if entity_value(tracker, "edu_course_id"):
            return {}
        current = tracker.get_slot(COURSE)
        if len(named) == 1 and str(named[0].id) != str(current):  # named first, or another one named instead
            return {COURSE: named[0].id, **({CONFIRM: None} if current is not None else {})}
        return {}

    async def extract_edu_learner(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """ "Enrol me" is the resident; "enrol my son" a child: the one on the profile, or a new one."""
        if tracker.get_slot(LEARNER) is not None or tracker.get_slot("requested_slot") is not None:
            return {}
        text = tracker.latest_message.get("text") or ""
        if said_self(text) and not said_child(text):
            return {LEARNER: SELF}
        if not said_child(text):
            return {}
        with session_scope() as session:
            children = children_of(session, resident_id(session, tracker))
        if not children:
            with session_scope() as session:
                name = name_with_child(text, known_topics(open_courses(session, clock.today())))
            age = read_age(text)
            return {LEARNER: NEW, **({NAME: name} if name else {}), **({AGE: age} if age else {})}
        named = named_child(children, text)
        return {LEARNER: str(named.id)} if named else {}

    async def extract_edu_enroll_confirm(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return yes_no_extraction(tracker, CONFIRM)

    def validate_edu_course(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        with session_scope() as session:
            course = chosen_course(session, slot_value)
            if course is None:
                dispatcher.utter_message(response="utter_edu_course_unknown")
                return {COURSE: None}
            return {COURSE: course.id, CONFIRM: None}

    def validate_edu_learner(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        text = str(slot_value or "")
        with session_scope() as session:
            resident = resident_id(session, tracker)
            course = chosen_course(session, tracker.get_slot(COURSE))
            children = children_of(session, resident)
            if text in (SELF, NEW):
                learner: Optional[str] = text
            elif own_learner(session, resident, text) is not None:
                learner = text
            elif named_child(children, text) is not None:
                learner = str(named_child(children, text).id)
            elif said_child(text):  # «сына тимура, ему 9»: the name and the age may come with it
                named, age = name_with_child(text), read_age(text)
                return {LEARNER: NEW, **({NAME: named} if named else {}), **({AGE: age} if age else {})}
            elif said_self(text):
                learner = SELF
            elif child_name(text):  # a new child named straight away
                return {LEARNER: NEW, NAME: child_name(text)}
            else:
                return {LEARNER: None}  # asked again, with its buttons
            if course is None:
                return {LEARNER: learner}
            if learner == SELF and not adults_admitted(course):
                dispatcher.utter_message(
                    response="utter_edu_course_for_children",
                    title=course.title,
                    ages=ages_text(domain, course),
                )
                return {LEARNER: None}
            known = own_learner(session, resident, learner)
            if known is not None and not fits_age(course, current_age(known, clock.today())):
                age = current_age(known, clock.today())
                dispatcher.utter_message(
                    response="utter_edu_age_does_not_fit",
                    title=course.title,
                    ages=ages_text(domain, course),
                    learner=learner_text(domain, known),
                    age=age,
                )
                return {LEARNER: learner, CONFIRM: False}
        return {LEARNER: learner}

    def validate_edu_child_name(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        name = child_name(str(slot_value or ""))
        if name is None:
            dispatcher.utter_message(response="utter_edu_child_name_unreadable")
        return {NAME: name}

    def validate_edu_child_age(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        age = read_age(str(slot_value or ""), bare=True)
        if age is None or age > MAX_CHILD_AGE:
            dispatcher.utter_message(response="utter_edu_child_age_unreadable")
            return {AGE: None}
        return {AGE: age}


class ActionAskEduCourse(Action):
    """Which course: buttons for the catalogue shown last, or for the courses the message named."""

    def name(self) -> str:
        return "action_ask_edu_course"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        with session_scope() as session:
            named = courses_named(session, tracker.latest_message.get("text") or "", clock.today())
            shown = [chosen_course(session, c) for c in tracker.get_slot(LAST) or []]
            courses = named if len(named) > 1 else [c for c in shown if c is not None]
            buttons = [button(c.title, "edu_enroll", edu_course_id=c.id) for c in courses[:MAX_BUTTONS]]
        response = "utter_edu_course_which" if len(named) > 1 else "utter_ask_edu_course"
        dispatcher.utter_message(response=response, buttons=buttons)
        return []


class ActionAskEduLearner(Action):
    """Who: the resident when the course admits adults, each child it fits, and a new child."""

    def name(self) -> str:
        return "action_ask_edu_learner"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        with session_scope() as session:
            course = chosen_course(session, tracker.get_slot(COURSE))
            children = children_of(session, resident_id(session, tracker))
            buttons = []
            if course is None or adults_admitted(course):
                buttons.append(
                    button(phrase(domain, "utter_edu_learner_self_button"), "inform", edu_learner_id=SELF)
                )
            for child in children:
                if course is None or fits_age(course, current_age(child, clock.today())):
                    buttons.append(button(child.name, "inform", edu_learner_id=str(child.id)))
            new = "utter_edu_learner_other_button" if children else "utter_edu_learner_new_button"
            buttons.append(button(phrase(domain, new), "inform", edu_learner_id=NEW))
            title = course.title if course else ""
        dispatcher.utter_message(response="utter_ask_edu_learner", title=title, buttons=buttons)
        return []


class ActionAskEduEnrollConfirm(Action):
    def name(self) -> str:
        return "action_ask_edu_enroll_confirm"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        now = clock.now()
        with session_scope() as session:
            course = chosen_course(session, tracker.get_slot(COURSE))
            if course is None:
                dispatcher.utter_message(response="utter_edu_course_gone")
                return [SlotSet(COURSE, None)]
            resident = resident_id(session, tracker)
            learner = own_learner(session, resident, tracker.get_slot(LEARNER)) or new_child_from(tracker)
            values = {
                "title": course.title,
                "learner": learner_text(domain, learner),
                "schedule": schedule_text(domain, course).capitalize(),
                "next": next_text(domain, course, now),
                "place": place_text(domain, course),
                "price": price_text(domain, course),
            }
            full = seats.free_seats(session, course, clock.to_store(now)) == 0
        response = "utter_ask_edu_waitlist_confirm" if full else "utter_ask_edu_enroll_confirm"
        dispatcher.utter_message(response=response, **values)
        return []


class ActionEduEnrollDone(Action):
    def name(self) -> str:
        return "action_edu_enroll_done"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        cleared: List[EventType] = [SlotSet(slot, None) for slot in ENROLL_SLOTS]
        if not tracker.get_slot(CONFIRM):
            dispatcher.utter_message(response="utter_edu_enroll_declined")
            return cleared
        now = clock.now()
        with session_scope() as session:
            resident = resident_id(session, tracker)
            course = chosen_course(session, tracker.get_slot(COURSE))
            if course is None:
                dispatcher.utter_message(response="utter_edu_course_gone")
                return cleared
            seats.lock_course(session, course.id)  # one confirmation sent twice at once: one after the other
            learner = own_learner(session, resident, tracker.get_slot(LEARNER))
            if learner is None and tracker.get_slot(LEARNER) != SELF:
                learner = new_child_from(tracker)
                if learner is None:
                    dispatcher.utter_message(response="utter_edu_enroll_declined")
                    return cleared
                kept = same_child(children_of(session, resident), learner.name, learner.age, clock.today())
                if kept is not None:  # the same confirmation again: the child kept by the first one
                    learner = kept
                else:
                    learner.resident_id = resident
                    session.add(learner)
                    session.flush()
            result = seats.enrol(
                session, course, resident, learner.id if learner else None, clock.to_store(now)
            )
            values = {
                "title": course.title,
                "learner": learner_text(domain, learner),
                "next": next_text(domain, course, now),
                "place": place_text(domain, course),
                "position": result.position,
            }
            if result.status == seats.ACTIVE:
                schedule_lesson_reminder(session, tracker, result.enrollment, course, now)
                values["lead"] = lead_text(result.enrollment.reminder_minutes)
            if result.status != "already":
                audit_record(
                    session,
                    skill=SKILL,
                    action=f"enrollment_{result.status}",
                    resident_id=resident,
                    details={"course_id": course.id, "enrollment_id": result.enrollment.id},
                )
            status, waiting = result.status, result.enrollment.status == seats.WAITING
        if status == seats.ACTIVE:
            response = "utter_edu_enrolled"
        elif status == seats.WAITING:
            response = "utter_edu_waiting"
        else:
            response = "utter_edu_already_waiting" if waiting else "utter_edu_already"
        dispatcher.utter_message(response=response, **values)
        return cleared
