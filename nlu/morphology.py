"""Russian word normalisation shared by the NLU components: yo/ye folding, Latin look-alikes, pymorphy3 lemmas."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import List

import pymorphy3
from pymorphy3.analyzer import Parse

from nlu.lexicons import LEXICON_DIR, lexicon

NLU_PACKAGE = Path(__file__).resolve().parent

_ALPHABET = lexicon("alphabet")
RUSSIAN_LETTERS: str = _ALPHABET["letters"]  # a regex character range
CYRILLIC = re.compile(f"[{RUSSIAN_LETTERS}]", re.IGNORECASE)
LATIN = re.compile(r"[a-z]", re.IGNORECASE)
# Latin letters that look like Cyrillic ones, as typed by people whose keyboard layout slipped.
LOOKALIKES = str.maketrans(_ALPHABET["lookalikes"]["latin"], _ALPHABET["lookalikes"]["cyrillic"])
FOLD_YO = str.maketrans(_ALPHABET["fold"])


def fold_spelling(word: str) -> str:
    """Yo → ye, and Latin look-alikes → Cyrillic inside words that are mostly Cyrillic. Length is kept."""
    if LATIN.search(word) and CYRILLIC.search(word):
        word = word.translate(LOOKALIKES)
    return word.translate(FOLD_YO)


@lru_cache(maxsize=1)
def analyzer() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer()


def readings(word: str) -> List[Parse]:
    """pymorphy3's readings of a word, likeliest first; none for a word with a letter Unicode gives no name
    (pymorphy3's shape check calls unicodedata.name on every letter, which raises for Tangut ideographs)."""
    try:
        return analyzer().parse(word)
    except ValueError:
        return []


@lru_cache(maxsize=200_000)
def normal_form(word: str) -> str:
    """The dictionary form of a word as pymorphy3 gives it (lower case, yo kept), the word itself if not Russian."""
    lowered = word.lower()
    found = readings(lowered) if CYRILLIC.search(lowered) else []
    return found[0].normal_form if found else lowered


def lemma(word: str) -> str:
    """The form the classifiers see: the dictionary form with spelling folded."""
    return normal_form(fold_spelling(word)).translate(FOLD_YO)


def lemmas(words: List[str]) -> List[str]:
    return [lemma(word) for word in words]


def is_numeral(word: str) -> bool:
    """Whether the likeliest reading of a word is a numeral (part of speech NUMR, in any case form)."""
    found = readings(word.lower())
    return bool(found) and "NUMR" in found[0].tag


def is_ordinal(word: str) -> bool:
    """Whether the likeliest reading of a word is an ordinal ("third", "the fifteenth" in any case form)."""
    found = readings(word.lower())
    return bool(found) and "Anum" in found[0].tag


def source_fingerprint() -> str:
    """Hash of the NLU package's source and vocabularies: Rasa's training cache keys on a component class only
    (see field notes), so a changed rule or word must change every custom component's fingerprint."""
    digest = hashlib.sha256()
    for path in [*sorted(NLU_PACKAGE.glob("*.py")), *sorted(LEXICON_DIR.glob("*.yml"))]:
        digest.update(path.read_bytes())
    return digest.hexdigest()
