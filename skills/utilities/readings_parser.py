"""Pairs meters with values in a resident's message, e.g. cold and hot water in one message, or an electricity
meter's day and night registers.

DIET tags `meter_type` and `reading` spans but does not say which value belongs to which meter, so the pairing
is done here, left to right: a meter word (by lemma, from the manifest's canonical values, or a trained
`meter_type` entity) sets the resource; a zone word or code (lexicon.yml `zone_lemmas`, "t1"/"t2") sets the zone
and a place word (`place_lemmas`) the place of the next value only; every number is one value for the resource
named last.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any, Dict, Iterable, List, Optional, Tuple

from engine.sdk import canonical_values, is_numeral, lemma, skill_lexicon

_WORDS = skill_lexicon(__file__)
TOKEN = re.compile(_WORDS["reading_tokens"], re.IGNORECASE)
WATER = ("cold_water", "hot_water")
WATER_LEMMAS = frozenset(_WORDS["water_lemmas"])
ZONE_LEMMAS: Dict[str, str] = dict(_WORDS["zone_lemmas"])
ZONE_CODES = {"1": "day", "2": "night"}
PLACE_LEMMAS: Dict[str, str] = dict(_WORDS["place_lemmas"])


@dataclass(frozen=True)
class ParsedReading:
    resources: Tuple[str, ...]  # canonical meter types it may be; empty: the message did not say
    zone: Optional[str]
    place: Optional[str]
    value: Optional[Decimal]  # None: the resident wrote the value in words or otherwise unreadably
    text: str  # the value as written


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    lemma: str
    start: int
    end: int


@lru_cache(maxsize=1)
def meter_phrases() -> List[Tuple[Tuple[str, ...], str]]:
    """(lemmas of a phrase, canonical meter type), longest first, from the manifest."""
    pairs = [
        (tuple(lemma(word) for word in phrase.split()), canonical)
        for canonical, phrases in canonical_values(__file__, "meter_type").items()
        for phrase in phrases
    ]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


def _tokens(text: str) -> List[_Token]:
    tokens = []
    for match in TOKEN.finditer(text):
        kind = match.lastgroup or "word"
        surface = match.group()
        tokens.append(
            _Token(kind, surface, lemma(surface) if kind == "word" else surface.lower(), *match.span())
        )
    return tokens


def _entity_meter_at(token: _Token, entities: Iterable[Dict[str, Any]]) -> Optional[Tuple[str, int]]:
    """(canonical value, end offset) of a trained meter_type entity that starts within the token."""
    for entity in entities:
        if entity.get("entity") == "meter_type" and entity["start"] <= token.start < entity["end"]:
            value = entity.get("value")
            if isinstance(value, str) and value in {c for _, c in meter_phrases()}:
                return value, entity["end"]
    return None


def _phrase_at(tokens: List[_Token], index: int) -> Optional[Tuple[str, int]]:
    """(canonical meter type, tokens used) of the longest meter phrase starting at `index`."""
    for phrase, canonical in meter_phrases():
        window = tokens[index : index + len(phrase)]
        if len(window) == len(phrase) and all(
            t.kind == "word" and t.lemma == p for t, p in zip(window, phrase, strict=True)
        ):
            return canonical, len(phrase)
    return None


def parse_readings(text: str, entities: Iterable[Dict[str, Any]] = ()) -> List[ParsedReading]:
    """Every value in the message with the meter it was written for."""
    entities = list(entities)
    tokens = _tokens(text)
    found: List[ParsedReading] = []
    resources: Tuple[str, ...] = ()
    zone: Optional[str] = None
    place: Optional[str] = None
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.kind == "number":
            value = Decimal(token.text.replace(",", "."))
            found.append(ParsedReading(resources, zone, place, value, token.text))
            zone = place = None
        elif token.kind == "zone":
            zone = ZONE_CODES[token.text[-1]]
        elif (by_entity := _entity_meter_at(token, entities)) is not None:
            resources, end = (by_entity[0],), by_entity[1]
            while index + 1 < len(tokens) and tokens[index + 1].start < end:
                index += 1
        elif (by_phrase := _phrase_at(tokens, index)) is not None:
            resources = (by_phrase[0],)
            index += by_phrase[1] - 1
        elif token.lemma in WATER_LEMMAS:
            resources = WATER
        elif token.lemma in ZONE_LEMMAS:
            zone = ZONE_LEMMAS[token.lemma]
        elif token.lemma in PLACE_LEMMAS:
            place = PLACE_LEMMAS[token.lemma]
        elif resources and token.kind == "word" and is_numeral(token.text):
            found.append(ParsedReading(resources, zone, place, None, token.text))
        index += 1
    return found
