"""Text helpers shared by the rule-based entities: folding text, the word before a match, count nouns.

The rules work on text folded by `fold_text` (lower case, yo → ye, one character for one), so the offsets of
a match are offsets into the original message.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from nlu.lexicons import alternatives, lexicon


class Found(NamedTuple):
    """One match before overlaps are resolved; offsets are into the folded, and so the original, text."""

    entity: str
    start: int
    end: int
    value: Any


_LOWER_CASE_FOLD = {
    letter: plain for letter, plain in lexicon("alphabet")["fold"].items() if letter.islower()
}
_FOLD = str.maketrans(
    {**_LOWER_CASE_FOLD, "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2013": "-", "\u2014": "-"}
)


def fold_text(text: str) -> str:
    """Lower case, yo → ye, exotic spaces and dashes → plain ones, keeping one character for each original one."""
    folded = text.lower()
    if len(folded) != len(text):  # a few characters (a dotted capital I) lower-case into two
        folded = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    return folded.translate(_FOLD)


def prev_word(norm: str, start: int) -> tuple[str, int]:
    """The word right before `start` with only spaces between, and where it begins ("" if punctuation is there)."""
    end = start
    while end > 0 and norm[end - 1].isspace():
        end -= 1
    begin = end
    while begin > 0 and norm[begin - 1].isalnum():
        begin -= 1
    return norm[begin:end], begin


# Nouns that make the number before them a count, an address or money rather than a time or a day.
STOP_NOUN = "(?:" + alternatives(lexicon("spans")["stop_nouns"]) + r")(?!\w)"
STOP_AFTER = re.compile(rf"\s*(?:\d|{STOP_NOUN})")
NOUN_AFTER = re.compile(rf"\s*{STOP_NOUN}")


def counted_by_next_word(text: str, end: int) -> bool:
    """Whether the word right after `end` is one of the stop nouns ("9th grade", "3 floors"): the number counts it."""
    return NOUN_AFTER.match(fold_text(text[end:])) is not None  # folding keeps one character for each
