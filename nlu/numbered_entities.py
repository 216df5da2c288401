"""A number said in a message about a numbered record names that record, whatever the trained model tagged.

DIET tells numbers apart by the words it has seen around them, and a short message gives it few: "results for 8"
comes out as an order number, "on 2 I abstain" as a rating, and a number in words ("for the fifteenth", "appeal two
hundred thirty") often as nothing. The intent is read better than such a span, and the skills' manifests say which
entity a number means in their intents' messages (`numbered: {gov_results: proposal_id}`, assembled by the build
into `build/numbered.yml`). For a message of such an intent that holds no entity of that kind:

- one number the trained model tagged as something else becomes that entity;
- with none tagged, one number in digits, in words or as an ordinal that no entity covers becomes it.

Two candidate numbers, or a number the rules read (a date, a time, an amount), are left as they are.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Text, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu.build_files import BuildFileComponent
from nlu.morphology import is_ordinal
from nlu.number_words import NUMBER_WORDS, parse_number_words
from nlu.rule_entities import RULE_TYPES
from nlu.tokenizer import split_words

TRAINED_EXTRACTOR = "DIETClassifier"
Span = Tuple[int, int]


def _number_word(token: Token) -> bool:
    return token.text.lower() in NUMBER_WORDS


def number_spans(tokens: Sequence[Token]) -> List[Span]:
    """The numbers of a text: digits, a run of number words that forms one number, or an ordinal (also after tens
    in words, "twenty fifth")."""
    spans: List[Span] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.text.isdigit():
            spans.append((token.start, token.end))
            index += 1
            continue
        end = index
        while end < len(tokens) and _number_word(tokens[end]):
            end += 1
        run = " ".join(t.text.lower() for t in tokens[index:end])
        if end < len(tokens) and is_ordinal(tokens[end].text):
            end += 1
        elif end == index or parse_number_words(run) is None:
            index = max(end, index + 1)
            continue
        spans.append((tokens[index].start, tokens[end - 1].end))
        index = end
    return spans


def is_number(text: str) -> bool:
    """Whether the whole text is one number (digits, words or an ordinal)."""
    tokens = split_words(text)
    return bool(tokens) and number_spans(tokens) == [(tokens[0].start, tokens[-1].end)]


def _uncovered(spans: Sequence[Span], entities: Sequence[Dict[str, Any]]) -> List[Span]:
    return [
        (start, end)
        for start, end in spans
        if not any(start < e["end"] and e["start"] < end for e in entities)
    ]


def numbered(text: str, entities: List[Dict[str, Any]], kind: str, extractor: str) -> List[Dict[str, Any]]:
    """The entities of a message whose lone number means `kind` (the module docstring's two rules)."""
    if any(e.get("entity") == kind for e in entities):
        return entities
    tagged = [
        e
        for e in entities
        if e.get("extractor") == TRAINED_EXTRACTOR
        and e.get("entity") not in RULE_TYPES
        and is_number(text[e["start"] : e["end"]])
    ]
    if len(tagged) == 1:
        relabelled = {**tagged[0], "entity": kind, "extractor": extractor}
        relabelled.pop("role", None)
        relabelled.pop("group", None)
        return [relabelled if e is tagged[0] else e for e in entities]
    if tagged:
        return entities
    free = _uncovered(number_spans(split_words(text)), entities)
    if len(free) != 1:
        return entities
    start, end = free[0]
    found = {
        "entity": kind,
        "start": start,
        "end": end,
        "value": text[start:end],
        "confidence_entity": 1.0,
        "extractor": extractor,
    }
    return sorted([*entities, found], key=lambda e: e["start"])


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class NumberedEntities(BuildFileComponent, EntityExtractorMixin):
    """The rules of the module docstring, after the intent classifiers; `numbered: build/numbered.yml`."""

    config_key = "numbered"
    file_name = "numbered.yml"

    def _kind(self, message: Message) -> Optional[Text]:
        intent = message.get(INTENT) or {}
        return self.raw.get(intent.get(INTENT_NAME_KEY) or "")

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            kind = self._kind(message)
            if kind:
                entities = numbered(message.get(TEXT) or "", list(message.get(ENTITIES, [])), kind, self.name)
                message.set(ENTITIES, entities, add_to_output=True)
        return messages
