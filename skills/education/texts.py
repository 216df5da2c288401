"""How courses, lessons and learners read in answers; every sentence is a response of domain.yml."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, Mapping, Optional

from sqlalchemy.orm import Session

from engine.sdk import clock, moment_text, money, phrase, plural, skill_lexicon

from . import seats
from .lessons import next_lesson
from .models import EduCourse, EduEnrollment, EduLearner

_WORDS = skill_lexicon(__file__)
ORGANISERS: Mapping[str, str] = _WORDS["organisers"]
WEEKDAYS = _WORDS["weekdays_plural"]
AND: str = _WORDS["and_word"]
YEARS = _WORDS["years_forms"]


def days_text(weekdays: list) -> str:
    names = [WEEKDAYS[d] for d in sorted(weekdays)]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {AND} {names[-1]}"


def schedule_text(domain: Dict[str, Any], course: EduCourse) -> str:
    return phrase(domain, "utter_edu_schedule_days", days=days_text(course.weekdays), time=course.start_time)


def place_text(domain: Dict[str, Any], course: EduCourse) -> str:
    if course.online or not course.place:
        return phrase(domain, "utter_edu_place_online")
    return f"{ORGANISERS.get(course.organiser, course.organiser)}, {course.place}"


def price_text(domain: Dict[str, Any], course: EduCourse) -> str:
    if not course.price:
        return phrase(domain, "utter_edu_price_free")
    return phrase(domain, "utter_edu_price_paid", price=money(course.price, whole_rubles=True))


def ages_text(domain: Dict[str, Any], course: EduCourse) -> str:
    if course.age_min and course.age_max is not None:
        return phrase(domain, "utter_edu_ages_range", low=course.age_min, high=course.age_max)
    if course.age_min:
        return phrase(domain, "utter_edu_ages_from", low=course.age_min)
    return phrase(domain, "utter_edu_ages_any")


def next_text(domain: Dict[str, Any], course: EduCourse, now: datetime) -> str:
    lesson = next_lesson(course, now)
    return moment_text(lesson) if lesson else phrase(domain, "utter_edu_next_none")


def years(age: int) -> str:
    return plural(age, YEARS)


def learner_text(domain: Dict[str, Any], learner: Optional[EduLearner]) -> str:
    if learner is None:
        return phrase(domain, "utter_edu_learner_self")
    return f"{learner.name} ({years(learner.age)})"


def enrollment_learner(domain: Dict[str, Any], session: Session, enrollment: EduEnrollment) -> str:
    learner = session.get(EduLearner, enrollment.learner_id) if enrollment.learner_id else None
    return learner_text(domain, learner)


def course_card(
    domain: Dict[str, Any], session: Session, course: EduCourse, position: int, now: datetime
) -> str:
    free = seats.free_seats(session, course, clock.to_store(now))
    seats_line = (
        phrase(domain, "utter_edu_seats_free", count=free) if free else phrase(domain, "utter_edu_seats_none")
    )
    return phrase(
        domain,
        "utter_edu_course_card",
        position=position,
        title=course.title,
        teacher=course.teacher,
        place=place_text(domain, course),
        schedule=schedule_text(domain, course).capitalize(),
        next=next_text(domain, course, now),
        price=price_text(domain, course),
        ages=ages_text(domain, course),
        seats=seats_line,
    )
