"""Free-text answers the model read as a yes or a no.

A form's free-text slot (a name, an address, a description, an order number) usually excludes `affirm` and
`deny` in its `from_text` mapping, so that a "yes" said while the form waits for the answer does not become a name
or an address. The model of word forms sometimes reads a short answer as one of them, though: a name as affirm,
an address as deny. `TextAnswers` takes such a message as the answer all the same, unless it holds nothing but
words of yes and no (`values.yml`): a slot needs no list of its own, the domain's mapping says which intents it
excludes, and the slot's `validate_<slot>` checks the text as it checks any other answer.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from engine.sdk.values import YES_NO_ONLY_WORDS, folded_words

YES_NO_INTENTS = ("affirm", "deny")


def only_yes_or_no(text: str) -> bool:
    """True when every word of the text is a word of yes or no or a filler ("yes", "no thanks", "well, yes")."""
    words = folded_words(text)
    return bool(words) and all(word in YES_NO_ONLY_WORDS for word in words)


def _mapping_applies(mapping: Dict[str, Any], form: Optional[str], slot: str) -> bool:
    conditions = mapping.get("conditions") or []
    return not conditions or any(
        condition.get("active_loop") == form and condition.get("requested_slot") in (None, slot)
        for condition in conditions
    )


def excluded_yes_no(domain: DomainDict, slot: str, form: Optional[str]) -> List[str]:
    """The intents of yes and no that the slot's `from_text` mappings for this form exclude."""
    mappings: Iterable[Dict[str, Any]] = (domain.get("slots", {}).get(slot) or {}).get("mappings") or []
    return [
        intent
        for mapping in mappings
        if mapping.get("type") == "from_text" and _mapping_applies(mapping, form, slot)
        for intent in YES_NO_INTENTS
        if intent in (mapping.get("not_intent") or [])
    ]


def misread_answer(tracker: Tracker, domain: DomainDict) -> Dict[str, str]:
    """{asked slot: the message} when the message answers a free-text question but the model read it as a yes or
    a no that the slot's mapping excludes; empty otherwise (a button's payload is never free text)."""
    asked = tracker.get_slot(REQUESTED_SLOT)
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    text = (tracker.latest_message.get("text") or "").strip()
    if not asked or not text or text.startswith("/") or only_yes_or_no(text):
        return {}
    form = (tracker.active_loop or {}).get("name")
    return {asked: text} if intent in excluded_yes_no(domain, asked, form) else {}


class TextAnswers:
    """A form validation action's mixin (before `FormValidationAction` in the bases): a free-text answer the model
    read as a yes or a no is still the answer to the slot the form asks (module docstring)."""

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        events: List[EventType] = await super().get_extraction_events(  # type: ignore[misc]
            dispatcher, tracker, domain
        )
        taken = {event["name"] for event in events if event.get("event") == "slot"}
        answer = {slot: text for slot, text in misread_answer(tracker, domain).items() if slot not in taken}
        tracker.slots.update(answer)
        return events + [SlotSet(slot, text) for slot, text in answer.items()]
