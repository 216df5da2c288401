"""The answer to an intent of a preview skill: the service is being prepared, an operator can help meanwhile.

A message read as a preview skill's intent that describes a problem a served skill handles (manifests'
`problems:`) goes to that skill's task instead: a gas smell is the management company's today, whatever the
model thought.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from engine.sdk.offers import message_values, offer, replay
from engine.sdk.problems import problem_task
from engine.skills.discovery import SkillPackage
from engine.skills.loader import served_packages


def preview_answer(packages: Iterable[SkillPackage], intent: Optional[str]) -> Tuple[str, Dict[str, str]]:
    """(response, its values): the preview skill that owns the intent, by its title and the intent's title (both
    from its manifest); the operator buttons are the response's own."""
    owner = next((p.manifest for p in packages if p.manifest.preview and intent in p.manifest.intents), None)
    if owner is None:
        return "utter_preview_unknown", {}
    return "utter_preview_service", {"service": owner.title, "task": owner.intents[intent]}


class ActionServicePreview(Action):
    def name(self) -> str:
        return "action_service_preview"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        task = problem_task(tracker.latest_message.get("text") or "", message_values(tracker.latest_message))
        if task:
            return replay(tracker, *task)
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        response, values = preview_answer(served_packages(), intent)
        dispatcher.utter_message(
            response=response, **values, **offer("human_handoff")
        )  # «да» calls the operator
        return []
