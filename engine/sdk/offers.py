"""Offers: what the bot proposed in its last reply, so that a yes, the value the offer asks for, or a no answer it.

An action that offers something (to link an account, to set a reminder, to search once the trade is known) sends
its response with `**offer(intent, ...)`. The offer travels in the bot message's metadata, so the tracker itself
holds it and no skill keeps state for it. The engine's answer action (actions/core/answers.py) then reads the
resident's next message against it: an agreement, or a bare value of a kind the offer accepts, replays the offer as
if its button had been pressed; a refusal drops it. An offer lives only in the bot's latest reply: any other answer
of the bot (a new topic, a form's question) ends it, and a clarifying question carries it on for a few turns at most.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecuted, EventType

from engine.sdk.values import read_typed, read_yes_no

OFFER_KEY = "offer"
# How many more replies an offer survives when the bot, unsure of the answer, had to ask again.
CARRY_TURNS = 2
LISTEN = "action_listen"


@dataclass(frozen=True)
class Offer:
    """Accepting starts `intent` with `entities`; a bare value of a kind in `accepts` is taken as the answer."""

    intent: str
    entities: Mapping[str, Any] = field(default_factory=dict)
    accepts: Tuple[str, ...] = ()
    turns: int = CARRY_TURNS

    def as_metadata(self) -> Dict[str, Any]:
        return {
            "intent": self.intent,
            "entities": {k: v for k, v in self.entities.items() if v is not None},
            "accepts": list(self.accepts),
            "turns": self.turns,
        }

    @classmethod
    def from_metadata(cls, data: Any) -> Optional[Offer]:
        if not isinstance(data, dict) or not isinstance(data.get("intent"), str):
            return None
        entities = data.get("entities") if isinstance(data.get("entities"), dict) else {}
        return cls(
            intent=data["intent"],
            entities=dict(entities),
            accepts=tuple(str(a) for a in data.get("accepts") or ()),
            turns=int(data.get("turns") or 0),
        )

    def carried(self) -> Optional[Offer]:
        """The offer one turn later, or None when its turns are spent."""
        return replace(self, turns=self.turns - 1) if self.turns > 0 else None


def offer(intent: str, *, accepts: Sequence[str] = (), **entities: Any) -> Dict[str, Any]:
    """Keyword arguments for `dispatcher.utter_message` that make the message an offer to start `intent`.

    `accepts` names the entities whose bare value, typed in reply, accepts the offer with that value (the account
    number itself after "shall we link it?"); `entities` are the values the offer starts with.
    """
    return {OFFER_KEY: Offer(intent, dict(entities), tuple(accepts)).as_metadata()}


def carry(found: Optional[Offer]) -> Dict[str, Any]:
    """Keyword arguments that keep an offer open across a clarifying question (nothing when it is spent)."""
    later = found.carried() if found else None
    return {OFFER_KEY: later.as_metadata()} if later else {}


def _last_reply(events: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The bot's messages between the resident's previous message and the latest one."""
    users = [i for i, e in enumerate(events) if e.get("event") == "user"]
    if not users:
        return []
    start = users[-2] + 1 if len(users) > 1 else 0
    return [e for e in events[start : users[-1]] if e.get("event") == "bot"]


def last_reply_metadata(tracker: Tracker, key: str) -> Optional[Any]:
    """What the bot's latest reply carried under `key` in its messages' metadata (the last one that did), if any:
    values a question keeps for its answer without storing them (an offer, the candidates of "which one?")."""
    for event in reversed(_last_reply(tracker.events)):
        value = (event.get("metadata") or {}).get(key)
        if value:
            return value
    return None


def pending_offer(tracker: Tracker) -> Optional[Offer]:
    """The offer the bot made in its latest reply, if it made one."""
    return Offer.from_metadata(last_reply_metadata(tracker, OFFER_KEY))


def message_values(latest_message: Mapping[str, Any]) -> Dict[str, Any]:
    """Each entity of the message once, with its first value."""
    values: Dict[str, Any] = {}
    for entity in latest_message.get("entities") or []:
        if "value" in entity:
            values.setdefault(entity["entity"], entity["value"])
    return values


def accepted_values(found: Offer, entities: Iterable[Mapping[str, Any]], text: str = "") -> Dict[str, Any]:
    """The values of the latest message that answer the offer: entities of the kinds it accepts, or, for a kind
    the model did not tag, the value read from the text by its type (a bare account number, an address)."""
    values: Dict[str, Any] = {}
    for entity in entities:
        kind = entity.get("entity")
        if kind in found.accepts and "value" in entity and kind not in values:
            values[kind] = entity["value"]
    for kind in found.accepts:
        typed = read_typed(kind, text) if kind not in values else None
        if typed is not None:
            values[kind] = typed
    return values


def replay(tracker: Tracker, intent: str, entities: Mapping[str, Any]) -> List[EventType]:
    """Events that make the latest message mean `intent` with `entities`, as if the resident had pressed a button.

    Rasa runs its slot mappings on a user message an action returns, and the listen before it lets the rules for
    `intent` apply as they do for a typed message. The channel and its metadata are the resident's own, unchanged:
    who is writing never changes by a replay.
    """
    latest = next((e for e in reversed(tracker.events) if e.get("event") == "user"), {})
    text = tracker.latest_message.get("text") or ""
    parse_data = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "intent_ranking": [{"name": intent, "confidence": 1.0}],
        "entities": [{"entity": k, "value": v} for k, v in entities.items() if v is not None],
    }
    user = {
        "event": "user",
        "timestamp": None,
        "text": text,
        "parse_data": parse_data,
        "input_channel": tracker.get_latest_input_channel(),
        "metadata": latest.get("metadata") or {},
    }
    return [ActionExecuted(LISTEN), user]


def accepting(tracker: Tracker, agreed: Optional[bool] = None) -> Optional[List[EventType]]:
    """The replay of the bot's pending offer when the latest message accepts it: an agreement (`agreed`, or a
    message that starts with a yes word when the model was unsure what it meant), or a value of a kind the offer
    accepts ("the second" after a list); None when there is no offer or the message does not accept it."""
    found = pending_offer(tracker)
    if found is None:
        return None
    latest = tracker.latest_message
    text = latest.get("text") or ""
    values = accepted_values(found, latest.get("entities") or [], text)
    if agreed is None:
        agreed = read_yes_no(text) is True
    if values or agreed:
        return replay(tracker, found.intent, {**found.entities, **values})
    return None
