"""One typo in a word the training data never had, mended before the featurizers see it.

Residents type fast on phones: a letter missing, doubled, wrong or two swapped, in the very word that tells the
intent. The word counts then see a word they never met, and the character n-grams of its lemma are not much
help either: pymorphy3 guesses a strange lemma for a word it does not know. This component learns the word
forms of the training examples; at prediction time a word that neither the training data nor pymorphy3's
dictionary knows, and that is one edit (Damerau) away from a word of the training data, becomes that word (the
most frequent of several). Short words are left alone: a five-letter word is one edit away from too many others.
The text of the message is never changed, only the tokens the featurizers read, so entity spans keep their
places.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any, Dict, Iterable, List, Optional, Set, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.canonical import TYPO_LENGTH, one_typo_apart
from nlu.morphology import analyzer, lemma, normal_form, source_fingerprint

WORDS_FILE = "word_forms.json"


def _deletions(word: str) -> Set[str]:
    return {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}


class WordForms:
    """The training data's word forms with their counts, indexed by every form with one letter deleted, so that
    the words one edit away from a typo are found without comparing it with every word."""

    def __init__(self, counts: Dict[str, int]) -> None:
        self.counts = counts
        self._index: Dict[str, List[str]] = {}
        for word in sorted(counts):
            if len(word) > TYPO_LENGTH:
                for key in _deletions(word):
                    self._index.setdefault(key, []).append(word)

    def correction(self, word: str) -> Optional[str]:
        """The training word a typed word stands for, or None when it is known or no single edit explains it."""
        if len(word) <= TYPO_LENGTH or word in self.counts or not word.isalpha():
            return None
        if analyzer().word_is_known(word):
            return None
        candidates = {found for key in _deletions(word) for found in self._index.get(key, ())}
        near = [found for found in candidates if one_typo_apart(word, found)]
        return min(near, key=lambda found: (-self.counts[found], found)) if near else None


def word_forms(tokens: Iterable[Token]) -> Iterable[str]:
    return (token.text.lower() for token in tokens if token.text.isalpha())


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class TypoCorrector(GraphComponent):
    """After the tokenizer, before every featurizer (module docstring)."""

    @classmethod
    def required_components(cls) -> List[type]:
        return [Tokenizer]

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        return source_fingerprint()

    def __init__(self, words: WordForms, storage: ModelStorage, resource: Resource) -> None:
        self.words = words
        self._storage = storage
        self._resource = resource

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TypoCorrector:
        return cls(WordForms({}), model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> TypoCorrector:
        with model_storage.read_from(resource) as directory:
            counts = json.loads((directory / WORDS_FILE).read_text(encoding="utf-8"))
        return cls(WordForms(counts), model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        counts = Counter(
            word
            for example in training_data.training_examples
            for word in word_forms(example.get(TOKENS_NAMES[TEXT]) or [])
        )
        self.words = WordForms(dict(counts))
        with self._storage.write_to(self._resource) as directory:
            (directory / WORDS_FILE).write_text(
                json.dumps(self.words.counts, ensure_ascii=False), encoding="utf-8"
            )
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data  # every word of the training data is in the vocabulary: nothing to mend

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            for token in message.get(TOKENS_NAMES[TEXT]) or []:
                corrected = self.words.correction(token.text.lower())
                if corrected is not None:
                    token.text = corrected
                    token.lemma = lemma(corrected)
                    token.set("normal_form", normal_form(corrected))
        return messages
