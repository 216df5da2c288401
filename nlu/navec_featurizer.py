"""Dense word features from the navec news vectors shipped inside natasha's wheel (no download)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List, Optional, Text, Type

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES, TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.utils.tensorflow.constants import MEAN_POOLING, POOLING

from nlu.morphology import source_fingerprint

DIMENSIONS = 300


@lru_cache(maxsize=1)
def navec_vectors() -> Any:
    """The navec embedding (250K words × 300, product-quantised, ~50 MB in memory), loaded once per process."""
    from natasha import NewsEmbedding

    return NewsEmbedding()


def token_vector(token: Token, vectors: Any) -> np.ndarray:
    """The vector of the token's dictionary form, else of its surface form; zeros for unknown words."""
    for candidate in (token.get("normal_form"), token.text.lower(), token.get("lemma")):
        if candidate and candidate in vectors:
            return np.asarray(vectors[candidate], dtype=np.float32)
    return np.zeros(DIMENSIONS, dtype=np.float32)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class NavecFeaturizer(DenseFeaturizer, GraphComponent):
    """Word vectors let the classifier treat unseen synonyms ("electrician" / "electrical fitter") alike."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**DenseFeaturizer.get_default_config(), POOLING: MEAN_POOLING}

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        pass

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        return source_fingerprint()

    def __init__(self, config: Dict[Text, Any], execution_context: ExecutionContext) -> None:
        super().__init__(execution_context.node_name, config)
        self._vectors = navec_vectors()

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> NavecFeaturizer:
        return cls(config, execution_context)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            for attribute in DENSE_FEATURIZABLE_ATTRIBUTES:
                tokens = message.get(TOKENS_NAMES[attribute])
                if tokens:
                    sequence = np.stack([token_vector(t, self._vectors) for t in tokens])
                    sentence = self.aggregate_sequence_features(sequence, self._config[POOLING])
                    self.add_features_to_message(sequence, sentence, attribute, message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data
