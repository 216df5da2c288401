"""How long, in minutes, from what a resident typed: "for an hour", "an hour and a half", "2 h 30 min", "for two
days", "minutes 40", "not a day before but an hour".

Every word read here lives in `values.yml`: units by lemma or by the form typed (`duration_units`), the words that
are a duration by themselves (`duration_words`, half an hour), number words beyond `nlu/lexicon/numbers.yml`
(`duration_numbers`: collective numerals, half, quarter), the prepositions of a duration and the negations.

A duration is a number (digits or words; "forty five" is one number) and a unit, or the unit then the number as
people say it ("minutes 40"); adjacent parts add up from the larger unit to the smaller ("1 hour 30 minutes"), so a
larger unit after an hour is a time of day ("at 2 o'clock of the day" is two hours, not a day more). A unit without
a number is one of it only after a preposition of a duration ("for an hour", "in an hour", "before a day"), inside
a duration, or opening the text in a form of `duration_alone` (the answer to "how long?", or what follows a
preposition the caller cut off); "day" alone is no duration.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from engine.lexicon import load_lexicon
from nlu.morphology import fold_spelling, lemma
from nlu.number_words import NUMBER_WORDS, parse_number_words

_WORDS = load_lexicon(Path(__file__).resolve().parent / "values.yml")
UNITS: Dict[str, Decimal] = {
    word: Decimal(str(minutes)) for minutes, words in _WORDS["duration_units"].items() for word in words
}
WHOLE: Dict[str, Decimal] = {
    word: Decimal(str(minutes)) for word, minutes in _WORDS["duration_words"].items()
}
NUMBERS: Dict[str, Decimal] = {
    word: Decimal(str(value)) for word, value in _WORDS["duration_numbers"].items()
}
ALONE = frozenset(_WORDS["duration_alone"])
PREPOSITIONS = frozenset(_WORDS["duration_prepositions"])
NEGATIONS = frozenset(_WORDS["duration_negations"])
# Words and numbers; a punctuation mark is kept as a token of its own: a negation before it negates nothing after
# it ("no no, for 2 hours" is 2 hours).
TOKEN = re.compile(r"\d+(?:[.,]\d+)?|[^\W\d_]+|[,;.!?]")
NEGATION_REACH = 2  # "not for a day": the negation within two words before the duration, prepositions skipped


@dataclass(frozen=True)
class _Word:
    """A word of the text, or a run of number words read as one number."""

    text: str
    number: Optional[Decimal] = None
    unit: Optional[Decimal] = None  # minutes per one
    whole: bool = False  # a duration by itself (half an hour)


def _number_word(token: str) -> Optional[str]:
    """The form of a cardinal number word that `parse_number_words` knows, by the form typed or its lemma."""
    if token in NUMBER_WORDS:
        return token
    base = lemma(token)
    return base if base in NUMBER_WORDS else None


def _run_value(run: List[str]) -> Decimal:
    """A run of number words: "forty five" is 45; words that are no one number ("two three hours") read as the last
    one, as "2-3 hours" reads 3."""
    value = parse_number_words(" ".join(run))
    if value is None:
        value = parse_number_words(run[-1])
    return Decimal(str(value))


def _word(token: str) -> _Word:
    if token[0].isdigit():
        return _Word(token, number=Decimal(token.replace(",", ".")))
    base = lemma(token)
    number = NUMBERS.get(token, NUMBERS.get(base))
    if number is not None:
        return _Word(token, number=number)
    whole = WHOLE.get(token, WHOLE.get(base))
    if whole is not None:
        return _Word(token, unit=whole, whole=True)
    return _Word(token, unit=UNITS.get(token, UNITS.get(base)))


def _words(text: str) -> List[_Word]:
    words: List[_Word] = []
    run: List[str] = []
    for token in TOKEN.findall(fold_spelling((text or "").lower())):
        number_word = _number_word(token)
        if number_word is not None:
            run.append(number_word)
            continue
        if run:
            words.append(_Word(" ".join(run), number=_run_value(run)))
            run = []
        words.append(_word(token))
    if run:
        words.append(_Word(" ".join(run), number=_run_value(run)))
    return words


def _after_preposition(words: List[_Word], index: int) -> bool:
    return index > 0 and words[index - 1].text in PREPOSITIONS


def _number_after(words: List[_Word], index: int) -> Optional[Tuple[Decimal, int]]:
    """The number said after the unit, colloquially ("minutes 40", "minutes in 40"), and its index; None when
    another unit follows it (then it is that unit's number)."""
    at = index + 1
    if at < len(words) and words[at].text in PREPOSITIONS:
        at += 1
    number = words[at].number if at < len(words) else None
    if number is None or (at + 1 < len(words) and words[at + 1].unit is not None):
        return None
    return number, at


def _negated(words: List[_Word], start: int) -> bool:
    before = [w.text for w in words[max(start - NEGATION_REACH, 0) : start] if w.text not in PREPOSITIONS]
    return bool(before) and before[-1] in NEGATIONS


def _one_alone(words: List[_Word], index: int) -> bool:
    """Whether a unit said without a number is one of it here."""
    word = words[index]
    return word.whole or _after_preposition(words, index) or (index == 0 and word.text in ALONE)


def _durations(text: str) -> List[Tuple[Decimal, bool]]:
    """Every duration the text says, in minutes and in order, each with whether a negation comes right before it."""
    words = _words(text)
    found: List[Tuple[Decimal, bool]] = []
    amount: Optional[Decimal] = None  # a number said, waiting for its unit
    amount_at = 0
    current: Optional[Decimal] = None  # the duration being read: adjacent parts add up
    smallest: Optional[Decimal] = None  # its smallest unit so far: a next part must be smaller still
    start = 0

    def close() -> None:
        nonlocal current, smallest
        if current is not None:
            found.append((current, _negated(words, start)))
        current, smallest = None, None

    index = 0
    while index < len(words):
        word = words[index]
        if word.number is not None:
            if amount is None:
                amount_at = index
            amount = word.number  # the later of two numbers counts: "2-3 hours" is 3
            index += 1
            continue
        unit = word.unit
        at = amount_at if amount is not None else index
        inverted = _number_after(words, index) if unit is not None and amount is None else None
        if unit is not None and current is not None and unit >= smallest:
            close()  # "at 2 o'clock of the day": a larger unit after a duration is no part of it
        if unit is not None and (
            amount is not None or inverted or current is not None or _one_alone(words, index)
        ):
            if inverted:
                amount, index = inverted
            if current is None:
                start = at
            current = (current or Decimal(0)) + (amount if amount is not None else Decimal(1)) * unit
            smallest = unit
        else:
            close()
        amount = None
        index += 1
    close()
    return found


def read_minutes(text: str) -> Optional[int]:
    """The first duration the text says that is not negated, in whole minutes, or None when it says none (a zero
    duration is none)."""
    for minutes, negated in _durations(text):
        whole = int(minutes.to_integral_value())
        if not negated and whole > 0:
            return whole
    return None
