"""Closed-class entities normalised to canonical values by lemma, not by listing every word form.

The vocabulary (`build/canonical_values.yml`, assembled from the manifests) maps each canonical value to
Russian phrases. A phrase matches a span when their lemmas match word by word, so every case form of the
word for "plumber" becomes `plumber` from the single phrase in its dictionary form. Entities marked
`find_in_text` are also looked up in messages where the trained extractor missed them: in every message, or only in
those of the intents it lists.
"""

from __future__ import annotations

from typing import Any, Dict, FrozenSet, Iterable, Iterator, List, Optional, Sequence, Text, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu.build_files import BuildFileComponent
from nlu.tokenizer import split_words

VOCABULARY_FILE = "canonical_values.yml"
MIN_STEM = 5  # shortest common prefix that counts as the same word (a typo in the ending still matches)

Phrase = Tuple[str, ...]


def words_match(said: str, known: str) -> bool:
    """Same lemma, or a shared stem long enough to forgive a typo or a derived form."""
    if said == known:
        return True
    shortest = min(len(said), len(known))
    if shortest < MIN_STEM + 1:
        return False
    common = 0
    for a, b in zip(said, known, strict=False):
        if a != b:
            break
        common += 1
    return common >= max(MIN_STEM, shortest - 2)


TYPO_LENGTH = 5  # words at least this long may carry one typo (a letter missing, extra, wrong or swapped)


def one_typo_apart(said: str, known: str) -> bool:
    """Whether two words differ by at most one edit (Damerau: a swap of neighbours counts as one)."""
    if said == known:
        return True
    if min(len(said), len(known)) < TYPO_LENGTH or abs(len(said) - len(known)) > 1:
        return False
    if len(said) == len(known):
        diff = [i for i, (a, b) in enumerate(zip(said, known, strict=True)) if a != b]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and said[diff[0]] == known[diff[1]]
            and said[diff[1]] == known[diff[0]]
        )
    shorter, longer = sorted((said, known), key=len)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


class Vocabulary:
    """Canonical values of each closed-class entity with the lemmatised phrases that mean them."""

    def __init__(self, raw: Dict[str, Dict[str, Any]]) -> None:
        self.raw = raw
        self.phrases: Dict[str, List[Tuple[Phrase, str]]] = {}
        # entity -> the intents in whose messages it is looked up in free text (None: in every message)
        self.searchable: Dict[str, Optional[FrozenSet[str]]] = {}
        for entity, spec in raw.items():
            pairs = []
            for canonical, phrases in spec["values"].items():
                for phrase in phrases:
                    pairs.append((tuple(t.lemma for t in split_words(phrase)), canonical))
            # Longer phrases first: "hot water" must win over "water".
            self.phrases[entity] = sorted(pairs, key=lambda pair: -len(pair[0]))
            where = spec.get("find_in_text", True)
            if where is True:
                self.searchable[entity] = None
            elif where:
                self.searchable[entity] = frozenset(where)

    def canonical(self, entity: str, span_lemmas: Sequence[str]) -> Optional[str]:
        """The canonical value of a span: an exact phrase first, then the longest phrase inside the span."""
        candidates = self.phrases.get(entity, [])
        for phrase, value in candidates:
            if tuple(span_lemmas) == phrase:
                return value
        for phrase, value in candidates:
            if _find(phrase, span_lemmas, fuzzy=True) is not None:
                return value
        return None


def _find(phrase: Phrase, lemmas: Sequence[str], fuzzy: bool, start: int = 0) -> Optional[int]:
    size = len(phrase)
    for index in range(start, len(lemmas) - size + 1):
        window = lemmas[index : index + size]
        if all((w == p) or (fuzzy and words_match(w, p)) for w, p in zip(window, phrase, strict=True)):
            return index
    return None


def _exact_matches(phrase: Phrase, lemmas: Sequence[str], positions: Dict[str, List[int]]) -> Iterator[int]:
    """Every index where `phrase` starts in `lemmas`, in order; `positions` lists each lemma's indices. Only the
    places of the phrase's first word are tried, so a long message costs no more per phrase than it has such words."""
    if not phrase:
        return
    size = len(phrase)
    for index in positions.get(phrase[0], ()):
        if tuple(lemmas[index : index + size]) == phrase:
            yield index


class _Spans:
    """Spans of text that already hold an entity. Whether a new span overlaps one takes time proportional to the
    new span's length (`covered` marks their characters), not to how many there are: linear on a long message."""

    def __init__(self, size: int, entities: Iterable[Dict[str, Any]]) -> None:
        self.covered = bytearray(size)
        self.odd: List[Tuple[Any, Any]] = []  # empty spans or spans outside the text: compared one by one
        for entity in entities:
            self.add(entity["start"], entity["end"])

    def add(self, start: Any, end: Any) -> None:
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(self.covered):
            self.covered[start:end] = b"\x01" * (end - start)
        else:
            self.odd.append((start, end))

    def overlaps(self, start: int, end: int) -> bool:
        """Whether the span (non-empty, within the text) overlaps any span added."""
        return self.covered.find(1, start, end) != -1 or any(s < end and start < e for s, e in self.odd)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class CanonicalEntityNormalizer(BuildFileComponent, EntityExtractorMixin):
    config_key = "vocabulary"
    file_name = VOCABULARY_FILE

    @classmethod
    def required_components(cls) -> List[type]:
        return [Tokenizer]

    def __init__(
        self, config: Dict[Text, Any], raw: Dict[str, Any], storage: ModelStorage, resource: Resource
    ) -> None:
        super().__init__(config, raw, storage, resource)
        self.vocabulary = Vocabulary(raw)

    def _normalised(self, entity: Dict[str, Any], text: str) -> Optional[Dict[str, Any]]:
        span = [t.lemma for t in split_words(text[entity["start"] : entity["end"]])]
        value = self.vocabulary.canonical(entity["entity"], span)
        return {**entity, "value": value} if value is not None else None

    def _found_in_text(
        self, text: str, taken: List[Dict[str, Any]], intent: str = ""
    ) -> List[Dict[str, Any]]:
        tokens = split_words(text)
        lemmas = [t.lemma for t in tokens]
        positions: Dict[str, List[int]] = {}
        for index, word in enumerate(lemmas):
            positions.setdefault(word, []).append(index)
        spans = _Spans(len(text), taken)
        found: List[Dict[str, Any]] = []
        for entity, intents in self.vocabulary.searchable.items():
            if intents is not None and intent not in intents:
                continue
            for phrase, value in self.vocabulary.phrases[entity]:
                for index in _exact_matches(phrase, lemmas, positions):
                    start, end = tokens[index].start, tokens[index + len(phrase) - 1].end
                    if not spans.overlaps(start, end):
                        spans.add(start, end)
                        found.append(
                            {
                                "entity": entity,
                                "start": start,
                                "end": end,
                                "value": value,
                                "confidence_entity": 1.0,
                                "extractor": self.name,
                            }
                        )
        return found

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            entities = []
            for entity in message.get(ENTITIES, []):
                if entity.get("entity") in self.vocabulary.phrases:
                    # A closed-class span that means none of the canonical values is dropped, not passed on raw.
                    normalised = self._normalised(entity, text)
                    if normalised is not None:
                        entities.append(normalised)
                else:
                    entities.append(entity)
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY) or ""
            entities += self._found_in_text(text, entities, intent)
            message.set(ENTITIES, sorted(entities, key=lambda e: e["start"]), add_to_output=True)
        return messages
