"""The lead time of lesson reminders as a resident says it (an hour before, 30 minutes, half an hour, a day,
"minutes 40", "not a day before, an hour"), or reminders turned off ("turn off the lesson reminders").

The duration is read by `engine.sdk.read_minutes`; what is education's is turning reminders off and the range
allowed. OFF (0 minutes) stores reminders turned off.
"""

from __future__ import annotations

import re
from typing import List, Optional

from engine.sdk import fold_spelling, lemma, read_minutes, skill_lexicon

_WORDS = skill_lexicon(__file__)
OFF_LEMMAS = frozenset(_WORDS["off_lemmas"])
OFF_NEGATIONS = frozenset(_WORDS["off_negations"])
REMINDING = frozenset(_WORDS["reminding_lemmas"])
NOT_OFF = frozenset(_WORDS["not_off_lemmas"])

OFF = 0
MIN_LEAD, MAX_LEAD = 15, 2 * 24 * 60  # minutes: a quarter of an hour to two days
MAX_SAID = 100 * 365 * 24 * 60  # a longer lead is no lead at all (a run of typed digits), asked for again
WORD = re.compile(r"\d+(?:[.,]\d+)?|[^\W\d_]+")
NEGATION_REACH = 2  # "no need to remind": the word of reminding within two words of the negation


def _lemmas(text: str) -> List[str]:
    return [lemma(word) for word in WORD.findall(fold_spelling((text or "").lower()))]


def said_off(text: str) -> bool:
    """Whether the text turns reminders off: a word that switches off, or a negation right before a word of
    reminding ("no need to remind"); not "don't remind so early", which only finds them too early."""
    words = _lemmas(text)
    if NOT_OFF & set(words):
        return False
    if OFF_LEMMAS & set(words):
        return True
    return any(
        word in OFF_NEGATIONS and REMINDING & set(words[index + 1 : index + 1 + NEGATION_REACH])
        for index, word in enumerate(words)
    )


def read_lead(text: str) -> Optional[int]:
    """OFF when the text turns reminders off, else the lead in whole minutes it says (the first one wanted), None
    when it says neither or an absurd one (over MAX_SAID). The range is not checked here: see `lead_allowed`."""
    if said_off(text):
        return OFF
    minutes = read_minutes(text)
    return minutes if minutes is None or minutes <= MAX_SAID else None


def lead_allowed(minutes: int) -> bool:
    return minutes == OFF or MIN_LEAD <= minutes <= MAX_LEAD
