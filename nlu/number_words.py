"""Russian cardinal number words ("two thousand five hundred"): their regex and their value.

The words are in `nlu/lexicon/numbers.yml`, by rank: units, teens, tens, hundreds and scales.
"""

from __future__ import annotations

from nlu.lexicons import lexicon, longest_first

_UNIT, _TEEN, _TEN, _HUNDRED, _SCALE = range(5)
_RANKS = {"unit": _UNIT, "teen": _TEEN, "ten": _TEN, "hundred": _HUNDRED, "scale": _SCALE}

NUMBER_WORDS: dict[str, tuple[float, int]] = {
    form: (value, _RANKS[rank])
    for rank, values in lexicon("numbers").items()
    for value, forms in values.items()
    for form in forms.split()
}
_NUMBER_WORD = "(?:" + longest_first(NUMBER_WORDS) + r")(?!\w)"
# A run of number words ("two thousand five hundred"); parse_number_words decides whether it is a well-formed number.
NUMBER_RUN = rf"{_NUMBER_WORD}(?:\s+{_NUMBER_WORD})*"


def is_scale_word(word: str) -> bool:
    """Whether a number word multiplies what comes before it (thousand, million in any form)."""
    return NUMBER_WORDS[word][1] == _SCALE


def parse_number_words(run: str) -> float | None:
    """The value of a run of Russian number words, None if they do not form one number ("two three")."""
    total = 0.0
    group = 0.0
    group_rank = _SCALE
    last_scale = float("inf")
    for word in run.split():
        value, rank = NUMBER_WORDS[word]
        if rank == _SCALE:
            if value >= last_scale:
                return None
            total += (group or 1) * value
            group, group_rank, last_scale = 0.0, _SCALE, value
        elif rank < group_rank and not (group_rank == _TEN and rank == _TEEN):
            group += value
            group_rank = rank
        else:
            return None
    return total + group
