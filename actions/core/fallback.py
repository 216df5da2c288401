"""When the bot is unsure: offer the two likeliest meanings as buttons; on a second miss, a human operator."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from engine.skills.loader import intent_titles

FALLBACK_INTENT = "nlu_fallback"
NOT_OFFERED = {FALLBACK_INTENT, "out_of_scope", "affirm", "deny", "inform"}


def misses_in_a_row(tracker: Tracker) -> int:
    """How many of the latest user messages, counting back from the newest, fell to the fallback."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        if ((event.get("parse_data") or {}).get("intent") or {}).get("name") != FALLBACK_INTENT:
            break
        count += 1
    return count


def _entities_payload(latest_message: Dict[str, Any]) -> str:
    entities = {e["entity"]: e["value"] for e in latest_message.get("entities") or [] if "value" in e}
    return json.dumps(entities, ensure_ascii=False) if entities else ""


def candidate_buttons(
    latest_message: Dict[str, Any], titles: Dict[str, str], count: int = 2
) -> List[Dict[str, str]]:
    """Buttons for the likeliest intents the resident may have meant, keeping the entities already found; their
    titles are the intents' titles from the manifests."""
    entities = _entities_payload(latest_message)
    buttons = []
    for ranked in latest_message.get("intent_ranking") or []:
        name: Optional[str] = ranked.get("name")
        if name in NOT_OFFERED or name not in titles:
            continue
        buttons.append({"title": titles[name].capitalize(), "payload": f"/{name}{entities}"})
        if len(buttons) == count:
            break
    return buttons


class ActionClarifyIntent(Action):
    def name(self) -> str:
        return "action_clarify_intent"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        buttons = candidate_buttons(tracker.latest_message, intent_titles())
        if misses_in_a_row(tracker) >= 2 or not buttons:
            dispatcher.utter_message(response="utter_clarify_offer_operator")  # its buttons: operator, help
            return []
        dispatcher.utter_message(response="utter_clarify_intent", buttons=buttons)
        return []


class ActionDefaultFallback(Action):
    """The dialogue policies could not decide what to do next."""

    def name(self) -> str:
        return "action_default_fallback"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        dispatcher.utter_message(response="utter_fallback_confused")  # its buttons: operator, help
        return [UserUtteranceReverted()]
