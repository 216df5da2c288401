"""Reading what residents type: lemmas of Russian words, spelling folded, phone numbers."""

from __future__ import annotations

from datetime import datetime
from typing import List, Optional

from nlu.morphology import fold_spelling, is_numeral, lemma, lemmas, readings
from nlu.rule_extraction import extract_rule_entities

__all__ = [
    "fold_spelling",
    "is_numeral",
    "lemma",
    "lemmas",
    "parse_phone",
    "plain_words",
    "readings",
    "words_of",
]


def parse_phone(text: str) -> Optional[str]:
    """+7XXXXXXXXXX if the text holds exactly one Russian phone number."""
    phones = [e.value for e in extract_rule_entities(text, datetime.now()) if e.entity == "phone"]
    return phones[0] if len(phones) == 1 else None


def words_of(text: str) -> List[str]:
    """The lemmas of the words of a text, in order."""
    return lemmas(plain_words(text))


def plain_words(text: str) -> List[str]:
    """The words and numbers of a text as typed, punctuation dropped."""
    return "".join(ch if ch.isalnum() else " " for ch in (text or "")).split()
