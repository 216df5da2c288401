"""The catalogue: what a resident asks for (English for children, free at the library, on Saturday evenings,
for an eight-year-old) read into filters, and the courses that pass them.

The topic is matched by lemma against the courses' own topic words, so a topic the model did not tag is still
found; a topic the model tagged that no course teaches finds nothing, and a message naming no topic at all
filters by the rest only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, FrozenSet, List, Mapping, Optional, Sequence, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.sdk import read_age, skill_lexicon, words_of

from .models import EduCourse

_WORDS = skill_lexicon(__file__)
FREE = frozenset(_WORDS["free_lemmas"])
ONLINE = frozenset(_WORDS["online_lemmas"])
AUDIENCES: Mapping[str, str] = _WORDS["audience_lemmas"]
AUDIENCE_AGES: Mapping[str, Tuple[int, int]] = {k: tuple(v) for k, v in _WORDS["audience_ages"].items()}
ORGANISERS: Mapping[str, str] = _WORDS["organiser_lemmas"]
WEEKDAYS: Mapping[str, int] = _WORDS["weekday_lemmas"]


@dataclass(frozen=True)
class Wanted:
    """What the resident asked for; None or empty is "any"."""

    topics: FrozenSet[str] = frozenset()  # lemmas of the topic
    age: Optional[int] = None
    ages: Optional[Tuple[int, int]] = None  # an audience said without an age («для детей»)
    free: bool = False
    online: bool = False
    organiser: Optional[str] = None
    weekday: Optional[int] = None
    hours: Optional[Tuple[str, str]] = None  # local "HH:MM" from, to


def _lemmas(text: str) -> List[str]:
    return words_of(text.lower())


def _hours(time_value: Any) -> Optional[Tuple[str, str]]:
    if isinstance(time_value, dict) and time_value.get("from") and time_value.get("to"):
        return str(time_value["from"]), str(time_value["to"])
    if isinstance(time_value, str) and len(time_value) == 5:
        return time_value, f"{int(time_value[:2]) + 1:02d}:{time_value[3:]}"
    return None


def wanted_from(
    text: str,
    known_topics: FrozenSet[str],
    topic: Optional[str] = None,
    day: Optional[str] = None,
    time: Any = None,
) -> Wanted:
    """The filters of a message; `topic`, `day` (ISO date) and `time` are the model's entities when it found
    them, `known_topics` the topic lemmas of the catalogue."""
    said = _lemmas(text) + (_lemmas(topic) if topic else [])
    words = set(said)
    topics = words & known_topics
    if topic and not set(_lemmas(topic)) & known_topics:  # a topic no course teaches: nothing, not everything
        topics = frozenset(_lemmas(topic))
    audience = next((AUDIENCES[w] for w in said if w in AUDIENCES), None)
    weekday = next((WEEKDAYS[w] for w in said if w in WEEKDAYS), None)
    if weekday is None and day:
        try:
            weekday = date.fromisoformat(str(day)[:10]).weekday()
        except ValueError:
            weekday = None
    return Wanted(
        topics=frozenset(topics),
        age=read_age(text),
        ages=AUDIENCE_AGES.get(audience) if audience else None,
        free=bool(FREE & words),
        online=bool(ONLINE & words),
        organiser=next((ORGANISERS[w] for w in said if w in ORGANISERS), None),
        weekday=weekday,
        hours=_hours(time),
    )


def fits_age(course: EduCourse, age: int) -> bool:
    return (course.age_min or 0) <= age <= (course.age_max if course.age_max is not None else 200)


def matches(course: EduCourse, wanted: Wanted) -> bool:
    """Whether the course passes every filter asked for."""
    if wanted.topics and not wanted.topics & set(course.topic_words):
        return False
    if wanted.age is not None and not fits_age(course, wanted.age):
        return False
    if wanted.age is None and wanted.ages is not None:
        low, high = wanted.ages
        if (course.age_min or 0) > high or (course.age_max if course.age_max is not None else 200) < low:
            return False
    if wanted.free and course.price > 0:
        return False
    if wanted.online and not course.online:
        return False
    if wanted.organiser and course.organiser != wanted.organiser:
        return False
    if wanted.weekday is not None and wanted.weekday not in course.weekdays:
        return False
    return not wanted.hours or wanted.hours[0] <= course.start_time < wanted.hours[1]


def open_courses(session: Session, today: date) -> List[EduCourse]:
    """Courses that have not ended, by title."""
    return list(
        session.execute(
            select(EduCourse).where(EduCourse.ends_on >= today).order_by(EduCourse.title)
        ).scalars()
    )


def known_topics(courses: Sequence[EduCourse]) -> FrozenSet[str]:
    return frozenset(word for course in courses for word in course.topic_words)


def find_courses(session: Session, wanted: Wanted, today: date) -> List[EduCourse]:
    return [course for course in open_courses(session, today) if matches(course, wanted)]


def courses_named(session: Session, text: str, today: date) -> List[EduCourse]:
    """The open courses whose topic words or title the text names."""
    courses = open_courses(session, today)
    said = set(_lemmas(text)) & known_topics(courses)
    by_topic = [c for c in courses if said & set(c.topic_words)]
    if by_topic:
        return by_topic
    lowered = (text or "").lower()
    return [c for c in courses if c.title.lower() in lowered]
