"""Places as residents mean them: the trained location spans completed and sifted after the rules ran.

DIET marks places well but not their edges or their kind: it leaves the house number out ("[Mira] 3"), takes a
lone number for a place ("pay the parking for [2] hours") and any noun after "in"/"on" ("a complaint about the
noisy [cafe]"). Three rules, in order (`nlu/lexicon/places.yml` holds their words):

- a house number with its building and flat right after a place belongs to it, and so does what DIET tagged
  there (the bare number it took for a sum), unless the rules read those words (a time, a sum in rubles);
- a place without a letter is no place;
- a place of one dictionary common noun (no capital inside the sentence, not a proper name to pymorphy3; a word
  the dictionary lacks may be a name or a typo, and stays) is kept only if a skill's gazetteer names it: "to the market", "from the station", "in the park" stay; "cafe", "singing", "in the
  street" go. The gazetteers are the manifests' `gazetteers:` files, assembled by the build into
  `build/gazetteers.yml`.
"""

from __future__ import annotations

import re
from typing import Any, Dict, FrozenSet, Iterable, List, Mapping, Sequence, Set, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu.build_files import BuildFileComponent
from nlu.lexicons import lexicon
from nlu.morphology import CYRILLIC, analyzer, fold_spelling, lemma, readings
from nlu.rule_entities import RuleEntityExtractor

LOCATION = "location"
_PLACES = lexicon("places")
BUILDING_AND_FLAT = re.compile(_PLACES["building_and_flat"], re.IGNORECASE | re.VERBOSE)
HOUSE_NUMBER = re.compile(_PLACES["house_number"] + _PLACES["building_and_flat"], re.IGNORECASE | re.VERBOSE)
PROPER_NAME_TAGS = frozenset(_PLACES["proper_name_tags"])
WORD = re.compile(r"\w+")


def place_lemmas(phrases: Iterable[str]) -> FrozenSet[str]:
    """The lemma of every word of every phrase a gazetteer names."""
    return frozenset(lemma(word) for phrase in phrases for word in WORD.findall(phrase))


def with_house_numbers(text: str, entities: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Each place extended over the house number after it. What the rules read there (a time, a sum) stops it;
    what DIET tagged there (a piece of the place, the bare number taken for a sum) becomes part of the place."""
    ruled = [(e["start"], e["end"]) for e in entities if e.get("extractor") == RuleEntityExtractor.__name__]
    result: List[Dict[str, Any]] = []
    swallowed: Set[int] = set()
    for entity in sorted(entities, key=lambda e: e["start"]):
        if id(entity) in swallowed:
            continue
        numbered = any(ch.isdigit() for ch in text[entity["start"] : entity["end"]])
        pattern = BUILDING_AND_FLAT if numbered else HOUSE_NUMBER
        match = pattern.match(text, entity["end"]) if entity.get("entity") == LOCATION else None
        end = match.end() if match and match.end() > entity["end"] else entity["end"]
        if end == entity["end"] or any(s < end and entity["end"] < e for s, e in ruled):
            result.append(entity)
            continue
        inside = [
            other for other in entities if other is not entity and entity["end"] <= other["start"] < end
        ]
        swallowed.update(id(other) for other in inside)
        end = max([end, *(other["end"] for other in inside)])
        pieces = [other for other in inside if other.get("entity") == LOCATION and other.get("role")]
        role = entity.get("role") or (pieces[0]["role"] if pieces else None)
        result.append(
            {**entity, "end": end, "value": text[entity["start"] : end], **({"role": role} if role else {})}
        )
    return result


def _unknown_common_noun(text: str, start: int, word: str, known: FrozenSet[str]) -> bool:
    """A dictionary word written small (or first) whose likeliest reading is a common noun, and none of whose
    readings is a word a gazetteer names ("parke" is a form of both "park" and "parka"). A word the dictionary
    lacks is left alone: a name or a typo of a place, likelier than a common noun."""
    capitalised = word[:1].isupper() and text[:start].strip() != ""
    if capitalised or not CYRILLIC.search(word):
        return False
    folded = fold_spelling(word).lower()
    if not analyzer().word_is_known(folded):
        return False
    found = readings(folded)
    if not found:
        return False
    tag = found[0].tag
    if "NOUN" not in tag or PROPER_NAME_TAGS & set(tag.grammemes):
        return False
    return not ({fold_spelling(r.normal_form) for r in found} | {folded}) & known


def is_known_place(text: str, entity: Mapping[str, Any], known: FrozenSet[str]) -> bool:
    """Whether a trained place can stand: it has a letter, and if it is one common noun, a gazetteer names it."""
    span = text[entity["start"] : entity["end"]]
    words = [(m.start() + entity["start"], m.group()) for m in WORD.finditer(span)]
    if not any(ch.isalpha() for ch in span):
        return False
    if len(words) != 1 or any(ch.isdigit() for ch in span):
        return True
    start, word = words[0]
    return not _unknown_common_noun(text, start, word, known)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class LocationSpans(BuildFileComponent, EntityExtractorMixin):
    """The rules of the module docstring, after RuleEntityExtractor; `gazetteers: build/gazetteers.yml`."""

    config_key = "gazetteers"
    file_name = "gazetteers.yml"

    def __init__(
        self, config: Dict[Text, Any], raw: Dict[str, Any], storage: ModelStorage, resource: Resource
    ) -> None:
        super().__init__(config, raw, storage, resource)
        self.known = place_lemmas(raw.get(LOCATION) or [])

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            entities = with_house_numbers(text, message.get(ENTITIES, []))
            kept = [e for e in entities if e.get("entity") != LOCATION or is_known_place(text, e, self.known)]
            message.set(ENTITIES, kept, add_to_output=True)
        return messages
