"""Who is enrolled: the resident, or a child kept on the resident's profile (name and age, asked once)."""

from __future__ import annotations

import re
from datetime import date
from typing import FrozenSet, List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.sdk import lemma, read_yes_no, record_id, skill_lexicon, words_of

from .models import EduLearner

_WORDS = skill_lexicon(__file__)
SELF_LEMMAS = frozenset(_WORDS["self_lemmas"])
CHILD_LEMMAS = frozenset(_WORDS["child_lemmas"])
FILLER_LEMMAS = frozenset(_WORDS["name_filler_lemmas"])
SELF, NEW = "self", "new"  # values of the learner slot besides a child's id
NAME = re.compile(r"^[^\W\d_]+(?:-[^\W\d_]+)?$")
MAX_NAME = 40
WORD = re.compile(r"[^\W\d_]+")
MAX_CHILD_AGE = 17


def _lemmas(text: str) -> set:
    return set(words_of((text or "").lower()))


def said_self(text: str) -> bool:
    return bool(SELF_LEMMAS & _lemmas(text))


def _words(text: str) -> set:
    """The lemmas and the surface forms of the words (pymorphy reads some colloquial forms as verbs)."""
    surface = set(WORD.findall((text or "").lower()))
    return surface | {lemma(word) for word in surface}


def said_child(text: str) -> bool:
    return bool(CHILD_LEMMAS & _words(text))


def child_name(text: str) -> Optional[str]:
    """A child's name as typed (one or two words, a hyphen allowed), capitalised; None for anything that is no
    name."""
    cleaned = " ".join((text or "").strip().strip(".!").split())
    if not cleaned or len(cleaned) > MAX_NAME or not NAME.match(cleaned) or read_yes_no(cleaned) is not None:
        return None
    if said_self(cleaned) or said_child(cleaned):
        return None
    return "-".join(part[:1].upper() + part[1:].lower() for part in cleaned.split("-"))


def name_with_child(text: str, topics: FrozenSet[str] = frozenset()) -> Optional[str]:
    """The name said with the word for the child ("enrol my daughter Polina, 9, on chess" in any case form), in
    the nominative; None when the rest of the message, without the courses' `topics`, is not one name."""
    ignored = CHILD_LEMMAS | FILLER_LEMMAS | SELF_LEMMAS | topics
    rest = [w for w in WORD.findall((text or "").lower()) if w not in ignored and lemma(w) not in ignored]
    return child_name(lemma(rest[0])) if len(rest) == 1 and said_child(text) else None


def current_age(learner: EduLearner, today: date) -> int:
    """The age told, plus the years since it was told."""
    return learner.age + max(
        today.year
        - learner.age_on.year
        - ((today.month, today.day) < (learner.age_on.month, learner.age_on.day)),
        0,
    )


def children_of(session: Session, resident: int) -> List[EduLearner]:
    return list(
        session.execute(
            select(EduLearner).where(EduLearner.resident_id == resident).order_by(EduLearner.id)
        ).scalars()
    )


def own_learner(session: Session, resident: int, value: object) -> Optional[EduLearner]:
    """The resident's own child by id; None for another resident's child (a typed payload) or no such id."""
    number = record_id(value)
    learner = session.get(EduLearner, number) if number is not None else None
    return learner if learner is not None and learner.resident_id == resident else None


def same_child(children: List[EduLearner], name: str, age: int, today: date) -> Optional[EduLearner]:
    """The child kept on the profile with this name and age already: a new child confirmed twice is one child."""
    return next(
        (c for c in children if c.name.lower() == name.lower() and current_age(c, today) == age), None
    )


def named_child(children: List[EduLearner], text: str) -> Optional[EduLearner]:
    said = _lemmas(text)
    return next((c for c in children if lemma(c.name.lower()) in said or c.name.lower() in said), None)
