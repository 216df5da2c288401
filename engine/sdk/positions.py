"""Positions in a list the bot has shown, as residents name them: "the second", "the first two", "2 and 3".

The words are in `values.yml` (`positions:`). An ordinal or a number before a month or the word for a day of the
month is a date ("the second of December"), not a position, and a weekday that starts like an ordinal (Tuesday
begins like "second") is none either.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import List, Optional

from engine.lexicon import load_lexicon
from nlu.morphology import fold_spelling

_WORDS = load_lexicon(Path(__file__).resolve().parent / "values.yml")["positions"]
ORDINALS = tuple(_WORDS["ordinals"].items())
ORDINAL_EXTRA_LETTERS = 4
FIRST_TWO = re.compile(_WORDS["first_two_pattern"])
FIRST_THREE = re.compile(_WORDS["first_three_pattern"])
WORD_OR_NUMBER = re.compile(_WORDS["word_or_number_pattern"])
WEEKDAY_STEMS = tuple(_WORDS["weekday_stems"])
DATE_WORD_STEMS = tuple(_WORDS["month_stems"]) + tuple(_WORDS["day_word_stems"])


def positions(text: str, digits: bool = True, limit: int = 10) -> List[int]:
    """Positions (from 1) a text names by ordinals, or also by digits up to `limit` ("the first two" → [1, 2],
    "2 and 3" → [2, 3]), each once, in the order said."""
    lowered = fold_spelling((text or "").lower())
    if FIRST_TWO.search(lowered):
        return [1, 2]
    if FIRST_THREE.search(lowered):
        return [1, 2, 3]
    words = WORD_OR_NUMBER.findall(lowered)
    found: List[int] = []
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        if following.startswith(DATE_WORD_STEMS):
            continue
        if word.isdigit():
            if digits and 1 <= int(word) <= limit:
                found.append(int(word))
            continue
        for stem, number in ORDINALS:
            if (
                word.startswith(stem)
                and len(word) <= len(stem) + ORDINAL_EXTRA_LETTERS
                and not word.startswith(WEEKDAY_STEMS)
            ):
                found.append(number)
                break
    return list(dict.fromkeys(found))


def picked_position(text: str) -> Optional[str]:
    """The one position a reply names by an ordinal ("the second"), as a text the way a button sends it; None
    when it names none or several."""
    found = positions(text, digits=False)
    return str(found[0]) if len(found) == 1 else None
