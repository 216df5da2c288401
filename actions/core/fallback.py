"""When the bot is unsure: an answer to its pending offer accepts it, a problem a skill knows (manifest `problems:`)
starts its task at once, and so does the likeliest intent when the message's values are of the kind that task takes
(manifest `bare_values:`). The resident's previous request is context: a value of the kind it takes asks it again
(the hot water's tariff after the electricity's), and of the two likeliest meanings the one of the same skill wins
when the other is not (what is open now, after the results of a vote). Otherwise the two likeliest meanings as
buttons, and on a second miss a human operator."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from engine.sdk.offers import accepting, carry, message_values, offer, pending_offer, replay
from engine.sdk.problems import problem_task
from engine.skills.loader import bare_value_intents, intent_skills, intent_titles

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


def previous_intent(tracker: Tracker) -> Optional[str]:
    """The meaning of the resident's message before the latest one, unless it fell to the fallback too; none while a
    form asks (its question, not the request that started it, is the context then)."""
    if tracker.active_loop_name:
        return None
    users = [e for e in reversed(tracker.events) if e.get("event") == "user"]
    if len(users) < 2:
        return None
    name = ((users[1].get("parse_data") or {}).get("intent") or {}).get("name")
    return None if name == FALLBACK_INTENT else name


def likeliest_intents(latest_message: Dict[str, Any], titles: Dict[str, str], count: int = 2) -> List[str]:
    """The likeliest intents that can be offered (titled in a manifest), best first."""
    ranked = [r.get("name") for r in latest_message.get("intent_ranking") or []]
    return [name for name in ranked if name not in NOT_OFFERED and name in titles][:count]


def in_context(candidates: List[str], earlier: Optional[str]) -> Optional[str]:
    """Of the two likeliest intents, the first when it alone is of the skill the previous request was."""
    skills = intent_skills()
    skill = skills.get(earlier or "")
    if skill is None or len(candidates) < 2:
        return None
    first, second = (skills.get(name) for name in candidates[:2])
    return candidates[0] if first == skill and second != skill else None


def _entities_payload(latest_message: Dict[str, Any]) -> str:
    entities = {e["entity"]: e["value"] for e in latest_message.get("entities") or [] if "value" in e}
    return json.dumps(entities, ensure_ascii=False) if entities else ""


def candidate_buttons(
    latest_message: Dict[str, Any], titles: Dict[str, str], count: int = 2
) -> List[Dict[str, str]]:
    """Buttons for the likeliest intents the resident may have meant, keeping the entities already found; their
    titles are the intents' titles from the manifests."""
    entities = _entities_payload(latest_message)
    return [
        {"title": titles[name].capitalize(), "payload": f"/{name}{entities}"}
        for name in likeliest_intents(latest_message, titles, count)
    ]


class ActionClarifyIntent(Action):
    def name(self) -> str:
        return "action_clarify_intent"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        accepted = accepting(
            tracker
        )  # «да, запишите меня туда», «на второй» after a list: the offer's answer
        if accepted:
            return accepted
        values = message_values(tracker.latest_message)
        task = problem_task(tracker.latest_message.get("text") or "", values)
        if task:  # a known problem in the resident's words: its task runs with the value it calls for
            return replay(tracker, *task)
        earlier = previous_intent(tracker)
        if values and earlier in bare_value_intents(values):  # the previous request again, with the new value
            return replay(tracker, earlier, values)
        titles = intent_titles()
        likeliest = likeliest_intents(tracker.latest_message, titles)
        # The likeliest intent is a task the message's values start (a trade named): the values settle it.
        if values and likeliest and likeliest[0] in bare_value_intents(values):
            return replay(tracker, likeliest[0], values)
        meant = in_context(likeliest, earlier)
        if meant:
            return replay(tracker, meant, values)
        buttons = candidate_buttons(tracker.latest_message, titles)
        if misses_in_a_row(tracker) >= 2 or not buttons:
            # its buttons: operator, help; «да» calls the operator
            dispatcher.utter_message(response="utter_clarify_offer_operator", **offer("human_handoff"))
            return []
        # A pending offer stays open while the bot asks what was meant.
        dispatcher.utter_message(
            response="utter_clarify_intent", buttons=buttons, **carry(pending_offer(tracker))
        )
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
