"""Command words that always mean one intent, whatever the trained classifier makes of the rest of the message.

"Cancel" must always work inside a form, but a resident rarely types the bare word: "changed my mind, no need"
reads to DIET as a "no" to the form's question, and "cancel, I left the ruling at home" as half a request to pay a
fine. A message whose first clause is only a command and fillers (nlu/lexicon/commands.yml says which words, and
when more may follow) gets the command's intent with confidence 1.0, ahead of the classifier's ranking. Runs after
DIET and before the FallbackClassifier. Typos are left to DIET: a lemma either is a command word or is not.
"""

from __future__ import annotations

import re
from typing import Any, Dict, FrozenSet, Iterator, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu.lexicons import lexicon
from nlu.morphology import lemma, source_fingerprint
from nlu.tokenizer import split_words

CLAUSE_END = re.compile(r"[,.;:!?\u2013\u2014]+|\s-\s")
# A command with its fillers is a few words; a clause longer than this is a request of its own.
MAX_WORDS = 8


class Command:
    """One command's words: `strong` ones hold whatever follows, `weak` ones only with nothing said after."""

    def __init__(self, intent: str, strong: List[str], weak: List[str]) -> None:
        self.intent = intent
        self.strong: FrozenSet[str] = frozenset(strong)
        self.weak: FrozenSet[str] = frozenset(weak)


def _commands() -> List[Command]:
    raw = lexicon("commands")["commands"]
    return [Command(intent, words.get("strong", []), words.get("weak", [])) for intent, words in raw.items()]


FILLERS: FrozenSet[str] = frozenset(lexicon("commands")["fillers"])
COMMANDS = _commands()


def _clauses_with_content(text: str) -> Iterator[List[str]]:
    """The lemmas of each clause that holds more than fillers, in order; at most MAX_WORDS + 1 of a clause (a
    longer one is no command), and read lazily: a long message is cut short as soon as the answer is known."""
    for part in CLAUSE_END.split(text):
        words = [lemma(token.text) for token in split_words(part, MAX_WORDS + 1)]
        if any(word not in FILLERS for word in words):
            yield words


def command_intent(text: str) -> Optional[str]:
    """The intent the message commands, or None when it is for the classifier to read."""
    clauses = _clauses_with_content(text)
    first = next(clauses, None)
    if first is None or len(first) > MAX_WORDS:
        return None
    said = [word for word in first if word not in FILLERS]
    for command in COMMANDS:
        if not all(word in command.strong or word in command.weak for word in said):
            continue
        if any(word in command.strong for word in said) or next(clauses, None) is None:
            return command.intent
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class CommandIntentClassifier(GraphComponent, IntentClassifier):
    """Puts a command's intent first, with confidence 1.0, when the message is that command."""

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        return source_fingerprint()

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CommandIntentClassifier:
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = command_intent(message.get(TEXT) or "")
            if intent is None:
                continue
            ranking = [
                entry for entry in message.get(INTENT_RANKING_KEY) or [] if entry.get("name") != intent
            ]
            message.set(INTENT, {"name": intent, "confidence": 1.0}, add_to_output=True)
            message.set(
                INTENT_RANKING_KEY, [{"name": intent, "confidence": 1.0}, *ranking], add_to_output=True
            )
        return messages
