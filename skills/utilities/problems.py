"""Requests to the management company: emergency or regular, decided by keywords (lemmas, lexicon.yml).

Emergency: a problem the manifest's `problems:` lists as one, and anything that threatens safety or property right now (gas smell, flooding and leaks, burst pipes,
sparking wiring, a stuck lift, smoke: `emergency_lemmas`), and outages: the negation together with water, heating
or electricity (`outage_lemmas`). Everything else (a dead bulb on the landing, cleaning, rubbish, a broken door or
intercom) is regular.
"""

from __future__ import annotations

from typing import List

from engine.sdk import lemma, problem_value, skill_lexicon

_WORDS = skill_lexicon(__file__)
EMERGENCY_LEMMAS = frozenset(_WORDS["emergency_lemmas"])
OUTAGE_NEGATION: str = _WORDS["outage_negation"]
OUTAGE_LEMMAS = frozenset(_WORDS["outage_lemmas"])
STATUS_QUESTIONS = tuple(frozenset(group) for group in _WORDS["status_questions"])
GENERIC_LEMMAS = frozenset(_WORDS["generic_lemmas"])

EMERGENCY, REGULAR = "emergency", "regular"
CATEGORY = "utilities_request_category"


def lemmas_of(text: str) -> List[str]:
    return [lemma(word) for word in text.replace(",", " ").replace(".", " ").split()]


def category_of(text: str) -> str:
    """EMERGENCY or REGULAR: a problem listed as regular never hides an emergency word ("the lift is stuck")."""
    words = set(lemmas_of(text))
    if problem_value(text, CATEGORY) == EMERGENCY or EMERGENCY_LEMMAS & words:
        return EMERGENCY
    return EMERGENCY if OUTAGE_NEGATION in words and OUTAGE_LEMMAS & words else REGULAR


def is_status_question(text: str) -> bool:
    words = set(lemmas_of(text))
    return any(group <= words for group in STATUS_QUESTIONS)


def is_description(text: str) -> bool:
    """Whether the message says what is wrong, not only "I want to file a request"."""
    return len([w for w in lemmas_of(text) if w not in GENERIC_LEMMAS]) >= 2
