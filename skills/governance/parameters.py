"""A change of one of the cooperative's parameters read from a proposal's words: "lower the commission to 7%",
"membership fee 400 rubles", "raise the fee by 100 rubles from 1 January".

Parameters are declared by the skills that read them (their manifests' `parameters:`, engine.sdk
`declared_parameters`): a parameter is recognised by its words compared by lemma, its value checked against the
declared bounds. A value "by" some amount is taken relative to the value in force.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Callable, List, Mapping, Optional, Tuple

from engine.sdk import ParameterSpec, declared_parameters, fold_spelling, lemmas, month_genitive, read_typed

from .ballots import WORDS

TOKEN = re.compile(r"\d+(?:[.,]\d+)?|[^\W\d_]+")
DATE_WINDOW = 4  # words after "from" that may hold the date
MONTHS = frozenset(month_genitive(month) for month in range(1, 13))

# What reading a parameter change found.
FOUND = "found"  # a parameter and a value within bounds
NO_VALUE = "no_value"  # a parameter named without a value
OUT_OF_BOUNDS = "out_of_bounds"  # a value outside the declared bounds


@dataclass(frozen=True)
class Change:
    spec: ParameterSpec
    status: str
    value: Optional[Decimal] = None  # the new value (also when out of bounds, to say it)
    effective_from: Optional[date] = None


@lru_cache(maxsize=1)
def specs() -> Mapping[str, ParameterSpec]:
    """The parameters members may change, by name (the enabled skills do not change while the process runs)."""
    return declared_parameters()


def _tokens(text: str) -> List[Tuple[str, str]]:
    """(word as typed, lemma or number) of a text."""
    raw = TOKEN.findall(fold_spelling((text or "").lower()))
    return [(word, word if word[0].isdigit() else lemmas([word])[0]) for word in raw]


def mentioned(text: str, declared: Mapping[str, ParameterSpec]) -> Optional[Tuple[ParameterSpec, int]]:
    """The parameter the text names and the index of the word after its name; of several, the longest name."""
    found = [lemma for _, lemma in _tokens(text)]
    best: Optional[Tuple[int, int, ParameterSpec]] = None
    for spec in declared.values():
        for words in spec.words:
            name = lemmas(fold_spelling(words.lower()).split())
            for start in range(len(found) - len(name) + 1):
                if found[start : start + len(name)] == name and (best is None or len(name) > best[0]):
                    best = (len(name), start + len(name), spec)
    return (best[2], best[1]) if best else None


def _number(word: str) -> Optional[Decimal]:
    try:
        return Decimal(word.replace(",", "."))
    except InvalidOperation:
        return None


def _value_tokens(tokens: List[Tuple[str, str]]) -> List[Tuple[int, Decimal]]:
    """(index, number) of the numbers that are not parts of a date ("1 January", "January 2027")."""
    found = []
    for index, (word, _) in enumerate(tokens):
        if not word[0].isdigit():
            continue
        following = tokens[index + 1][0] if index + 1 < len(tokens) else ""
        preceding = tokens[index - 1][0] if index > 0 else ""
        if following in MONTHS or preceding in MONTHS:
            continue
        number = _number(word)
        if number is not None:
            found.append((index, number))
    return found


def effective_date(text: str) -> Optional[date]:
    """The day a change applies from, said as "from 1 January"."""
    tokens = TOKEN.findall(fold_spelling((text or "").lower()))
    starts = set(WORDS["from_day_words"])
    for index, word in enumerate(tokens):
        if word in starts:
            value = read_typed("date", " ".join(tokens[index : index + 1 + DATE_WINDOW]))
            if value:
                try:
                    return date.fromisoformat(str(value)[:10])
                except ValueError:
                    continue
    return None


def read_change(
    text: str, declared: Mapping[str, ParameterSpec], current: Callable[[ParameterSpec], Decimal]
) -> Optional[Change]:
    """The parameter change a proposal's text asks for, or None when it names no parameter. `current(spec)` is the
    value in force, for a change "by" an amount."""
    named = mentioned(text, declared)
    if named is None:
        return None
    spec, after = named
    tokens = _tokens(text)
    numbers = _value_tokens(tokens)
    chosen = next(((i, n) for i, n in numbers if i >= after), None) or (numbers[-1] if numbers else None)
    when = effective_date(text)
    if chosen is None:
        return Change(spec, NO_VALUE, effective_from=when)
    index, number = chosen
    lemmas_said = {lemma for _, lemma in tokens}
    before = tokens[index - 1][1] if index > 0 else ""
    if before in WORDS["by_words"]:
        if lemmas_said & set(WORDS["decrease_words"]):
            number = current(spec) - number
        elif lemmas_said & set(WORDS["increase_words"]):
            number = current(spec) + number
    value = bounded(spec, number)
    if value is None:
        return Change(spec, OUT_OF_BOUNDS, number, when)
    return Change(spec, FOUND, value, when)


def bounded(spec: ParameterSpec, value: Optional[Decimal]) -> Optional[Decimal]:
    """The value if the parameter may take it (within its bounds, in hundredths), else None."""
    if value is None or not spec.minimum <= value <= spec.maximum:
        return None
    return (
        value.quantize(Decimal("0.01")) if value != value.to_integral_value() else value.quantize(Decimal(1))
    )


def read_value(text: str) -> Optional[Decimal]:
    """A bare value typed in answer to "what value?": the one number of the text that is not part of a date."""
    numbers = _value_tokens(_tokens(text))
    values = {number for _, number in numbers}
    return values.pop() if len(values) == 1 else None
