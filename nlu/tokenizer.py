"""A Russian tokenizer for Rasa: keeps numbers, phones, amounts and house numbers whole, sets pymorphy3 lemmas."""

from __future__ import annotations

from itertools import islice
from typing import Any, Dict, List, Optional, Text

import regex
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message

from nlu import quick_load
from nlu.lexicons import lexicon
from nlu.morphology import RUSSIAN_LETTERS, fold_spelling, lemma, normal_form, source_fingerprint

# Every pipeline of this project starts with this tokenizer, and Rasa imports all of a model's components
# before it loads any: this is where DIET and TED are switched to the quick load.
quick_load.install()

# The connectors refuse messages over 4096 characters (docs/channels.md): a resident's message of that length has a
# few hundred words. Should a text with more tokens reach the pipeline anyway (a string of single characters, or a
# message that bypassed the connectors), the featurizers and DIET see only its first MAX_TOKENS tokens: DIET's
# transformer costs the square of the number of tokens, and a million characters would exhaust memory. The
# rule-based extractors still read the whole text. Cutting here costs nothing: the rest is never scanned.
MAX_TOKENS = 1024

_SPACE = r"[ \u00a0\u202f]"
_CURRENCY = lexicon("tokenizer")["currency_after_amount"]
_LETTER = f"[{RUSSIAN_LETTERS}a-z]"
TOKEN_PATTERN = regex.compile(
    "|".join(
        [
            # phone numbers: +7 912 345-67-89, 8 (912) 345 67 89
            r"(?<!\d)(?:\+7|8)[\s\-]*\(?\d{3}\)?[\s\-]*\d{3}[\s\-]*\d{2}[\s\-]*\d{2}(?!\d)",
            # amounts with thousand separators, only before a currency word: 1 500,50 ₽
            rf"(?<!\d)\d{{1,3}}(?:{_SPACE}\d{{3}})+(?:[.,]\d+)?(?={_SPACE}*(?:{_CURRENCY}))",
            # house and flat numbers: digits with one or two letters (building 12 block 2, flat 5a), 12/3
            rf"\d+(?:/\d+)?{_LETTER}{{1,2}}\d*(?!{_LETTER})",
            r"\d+/\d+",
            # numbers, decimals, times and dates: 120,5 18:00 15.03.2026
            r"\d+(?:[.,:]\d+)*",
            # abbreviations with a slash: ж/д (railway), л/с (personal account), б/у
            r"(?<![^\W\d_])[^\W\d_]{1,2}/[^\W\d_]{1,2}(?![^\W\d_])",
            # words, hyphenated words (adverbs and place names joined by hyphens)
            r"[^\W\d_]+(?:-[^\W\d_]+)*",
            r"[₽%№]",
        ]
    ),
    regex.IGNORECASE,
)


def split_words(text: str, limit: Optional[int] = None) -> List[Token]:
    """Tokens with offsets into `text`; token text has spelling folded (same length), lemma set. At most `limit`
    tokens when one is given: the first ones, and the rest of the text is not even scanned."""
    tokens = []
    for match in islice(TOKEN_PATTERN.finditer(text), limit):
        surface = match.group()
        token = Token(fold_spelling(surface), match.start(), match.end(), lemma=lemma(surface))
        token.set("normal_form", normal_form(fold_spelling(surface).lower()))
        tokens.append(token)
    return tokens


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class RussianTokenizer(Tokenizer):
    """Tokens for Russian resident messages; lemmas make all inflected forms of a word ("plumbers", "plumber") one."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"intent_tokenization_flag": False, "intent_split_symbol": "_", "token_pattern": None}

    @staticmethod
    def supported_languages() -> Optional[List[Text]]:
        return ["ru"]

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RussianTokenizer:
        return cls(config)

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        return source_fingerprint()

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        text = message.get(attribute) or ""
        tokens = split_words(text, limit=MAX_TOKENS)
        if not tokens:
            # Rasa needs at least one token per message (e.g. a message of emoji only).
            tokens = [Token(text, 0, len(text), lemma=text.lower())]
        return self._apply_token_pattern(tokens)
