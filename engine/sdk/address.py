"""Reading a street address from what a resident typed: a street and a house number, or what is missing.

A street name or type before a house number is an address, with the flat, entrance and floor after it; an hour,
a day, a phone or a bare number is not, and the reading says what is missing, so that a form asks again for what
it lacks instead of taking an hour for an address. The words come from `address.yml` beside this module. A city
gazetteer, when a skill ships one, can then check the street itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import FrozenSet, Optional, Tuple

from engine.lexicon import load_lexicon
from nlu.morphology import fold_spelling
from nlu.rule_extraction import extract_rule_entities

_WORDS = load_lexicon(Path(__file__).resolve().parent / "address.yml")
STREET_TYPES: FrozenSet[str] = frozenset(_WORDS["street_types"])
HOUSE_WORDS: FrozenSet[str] = frozenset(_WORDS["house_words"])
NOT_STREET: FrozenSet[str] = frozenset(_WORDS["not_street"])
LEAD = re.compile(_WORDS["lead_pattern"], re.IGNORECASE)
# A house number with its letter and fraction ("14a", "7/2"), or a word (letters of any alphabet, with a hyphen).
TOKEN = re.compile(r"\d+(?:[^\W\d_](?![^\W\d_]))?(?:/\d+)?|[^\W\d_]+(?:-[^\W\d_]+)?")
HOUSE = re.compile(r"^\d+")
HOUSE_LEADS: FrozenSet[str] = frozenset(_WORDS["house_leads"])
LONGEST = 200
# Values of other kinds that never belong in an address: their spans are cut out before reading it.
NOT_ADDRESS_ENTITIES = ("time", "date", "phone", "amount")

STREET, HOUSE_NUMBER = "street", "house"


@dataclass(frozen=True)
class AddressReading:
    """The address as typed (lead words dropped, spaces tidied) when it has a street and a house; otherwise
    None and which parts are missing."""

    address: Optional[str]
    missing: Tuple[str, ...] = ()


def _without_other_values(text: str) -> str:
    """The text with hours, dates, phones and sums blanked out."""
    found = extract_rule_entities(text, datetime.now(timezone.utc))
    chars = list(text)
    for entity in found:
        if entity.entity in NOT_ADDRESS_ENTITIES:
            chars[entity.start : entity.end] = " " * (entity.end - entity.start)
    return "".join(chars)


def read_address(text: str) -> AddressReading:
    """An address needs a street (a street type or a name word that is no time or date word) before a house
    number; both may be preceded by "my address is" and followed by flat, entrance and floor."""
    tidy = LEAD.sub("", " ".join(str(text or "").split())).strip(" ,.")
    if not tidy or len(tidy) > LONGEST or tidy.startswith("/"):
        return AddressReading(None, (STREET, HOUSE_NUMBER))
    blanked = _without_other_values(tidy)
    street = house = False
    # Where the address begins and ends in the text: an hour before or after it, and its prepositions, are dropped.
    start: Optional[int] = None
    end = 0
    previous_word = ""
    for match in TOKEN.finditer(blanked):
        word = fold_spelling(match.group().lower())
        if HOUSE.match(word):
            # the house: a number after a street word (not after "flat" or "floor"), or after "house"
            if previous_word in HOUSE_LEADS or (street and previous_word not in HOUSE_WORDS):
                house = True
            end = match.end() if start is not None else end
            continue
        if word.strip(".") in STREET_TYPES or (
            word not in NOT_STREET and word not in HOUSE_WORDS and len(word) >= 3
        ):
            street = True
            start = match.start() if start is None else start
            end = match.end()
        elif word in HOUSE_LEADS and start is None:
            start = match.start()
        elif word in HOUSE_WORDS and house and len(word) > 1:  # "second entrance", "flat" after the house
            end = match.end()
        previous_word = word
    if street and house and start is not None:
        return AddressReading(" ".join(tidy[start:end].split()).strip(" ,."))
    missing = tuple(part for part, found in ((STREET, street), (HOUSE_NUMBER, house)) if not found)
    return AddressReading(None, missing)
