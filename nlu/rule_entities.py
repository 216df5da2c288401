"""Rule-based entities (dates, times, money, phones, account numbers) with normalised values.

Runs after DIET: a rule match replaces any trained entity it overlaps; a trained entity of a rule type that
the rules did not find keeps its span with a normalised value, or is dropped if its text cannot be read. A place
the trained extractor cut in pieces ("central | market", "street | Pushkina 10") is joined back into one.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Dict, List, Optional, Text
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu.morphology import source_fingerprint
from nlu.rule_extraction import RuleEntity, extract_rule_entities, with_prepositions
from nlu.text_spans import counted_by_next_word

RULE_TYPES = ("date", "time", "amount", "phone", "account_number")
# Trained entities whose pieces, next to each other with only spaces between, are one span: a place has no
# neighbour of its own kind without a word or a comma between ("из центра в аэропорт").
JOINED_TYPES = ("location",)
METADATA_KEY = "metadata"
BARE_NUMBER = re.compile(r"\d+(?:[.,]\d{1,2})?")


def joined_pieces(text: str, entities: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Entities of JOINED_TYPES with the same role and only spaces between them, as one entity over both (its
    value the joined text, its confidence the lower one)."""
    joined: List[Dict[str, Any]] = []
    for entity in sorted(entities, key=lambda e: e["start"]):
        last = joined[-1] if joined else None
        if (
            last is not None
            and entity.get("entity") in JOINED_TYPES
            and (last.get("entity"), last.get("role")) == (entity.get("entity"), entity.get("role"))
            and last["end"] <= entity["start"]
            and not text[last["end"] : entity["start"]].strip()
        ):
            confidence = min(last.get("confidence_entity", 1.0), entity.get("confidence_entity", 1.0))
            joined[-1] = {
                **last,
                "end": entity["end"],
                "value": text[last["start"] : entity["end"]],
                "confidence_entity": confidence,
            }
        else:
            joined.append(entity)
    return joined


def _overlaps(a: Dict[str, Any], start: int, end: int) -> bool:
    return a["start"] < end and start < a["end"]


def resident_now(message: Message, default_timezone: str) -> datetime:
    """Now in the resident's time zone: the channel may pass `timezone` in the message metadata (a name the
    zone database does not know, or anything but a name, means the default zone)."""
    metadata = message.get(METADATA_KEY)
    name = metadata.get("timezone") if isinstance(metadata, dict) else None
    if not isinstance(name, str) or not name:
        name = default_timezone
    try:
        return datetime.now(ZoneInfo(name))
    except (ZoneInfoNotFoundError, ValueError):
        return datetime.now(ZoneInfo(default_timezone))


def reparse_value(entity: Dict[str, Any], now: datetime) -> Optional[Any]:
    """The normalised value of a trained entity of a rule type, or None when its text means nothing usable.

    A trained date or time the rules cannot read (the word "chat" taken for a weekday) is noise: nothing can act on it.
    A bare number taken for an amount ("up to 2000" with the currency left out) is still a sum of rubles, unless a
    count noun follows it (RuleEntityExtractor.process).
    """
    text = entity.get("value") if isinstance(entity.get("value"), str) else None
    if not text:
        return None
    matches = [m for m in extract_rule_entities(text, now) if m.entity == entity["entity"]]
    if len(matches) == 1:
        return matches[0].value
    digits = text.replace(" ", "").replace("\u00a0", "")
    if entity["entity"] == "amount" and BARE_NUMBER.fullmatch(digits):
        return float(digits.replace(",", "."))
    if entity["entity"] == "account_number" and digits.isdigit() and 6 <= len(digits) <= 12:
        return digits
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class RuleEntityExtractor(GraphComponent, EntityExtractorMixin):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"timezone": "Europe/Moscow"}

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        return source_fingerprint()

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._timezone = config["timezone"]

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RuleEntityExtractor:
        return cls(config)

    def _as_dict(self, match: RuleEntity) -> Dict[str, Any]:
        return {
            "entity": match.entity,
            "start": match.start,
            "end": match.end,
            "value": match.value,
            "confidence_entity": 1.0,
            "extractor": self.name,
        }

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            now = resident_now(message, self._timezone)
            text = message.get(TEXT) or ""
            matches = with_prepositions(text, extract_rule_entities(text, now))
            kept = []
            for entity in message.get(ENTITIES, []):
                if any(_overlaps(entity, m.start, m.end) for m in matches):
                    continue
                if entity.get("entity") in RULE_TYPES:
                    value = reparse_value(entity, now)
                    # "9th grade" is no 9 rubles: a number the rules did not read as money, with a count noun
                    # after it, is no amount (money the rules read, "9 rub", replaced it already).
                    if value is None or (
                        entity["entity"] == "amount" and counted_by_next_word(text, entity["end"])
                    ):
                        continue
                    kept.append({**entity, "value": value})
                else:
                    kept.append(entity)
            entities = sorted(
                joined_pieces(text, kept) + [self._as_dict(m) for m in matches], key=lambda e: e["start"]
            )
            message.set(ENTITIES, entities, add_to_output=True)
        return messages
