"""The answer to an intent of a preview skill: the service is being prepared, an operator can help meanwhile."""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from engine.skills.loader import served_packages
from engine.skills.discovery import SkillPackage

PREVIEW_BUTTONS = [
    {"title": "Позвать оператора", "payload": "/human_handoff"},
    {"title": "Что ты умеешь?", "payload": "/help"},
]


def preview_text(packages: Iterable[SkillPackage], intent: Optional[str]) -> str:
    owner = next((p.manifest for p in packages if p.manifest.preview and intent in p.manifest.intents), None)
    if owner is None:
        return "Этот раздел пока готовится к запуску. Могу передать ваш вопрос оператору."
    return (
        f"Раздел «{owner.title}» пока готовится к запуску: {owner.intents[intent]} я ещё не умею. "
        "Могу передать ваш вопрос оператору — он ответит здесь же."
    )


class ActionServicePreview(Action):
    def name(self) -> str:
        return "action_service_preview"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        dispatcher.utter_message(text=preview_text(served_packages(), intent), buttons=PREVIEW_BUTTONS)
        return []
