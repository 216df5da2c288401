"""`help`: what the assistant can do, read from the manifests of the enabled skills."""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from engine.sdk import phrase
from engine.skills.discovery import CORE_NAME, SkillPackage
from engine.skills.loader import served_packages


def help_answer(domain: Dict[str, Any], packages: List[SkillPackage]) -> Tuple[str, Dict[str, str]]:
    """(response, its values): the served skills with an example each, the skills being prepared, and what the core
    itself does. The titles, descriptions and examples come from the skills' manifests."""
    skills = [p.manifest for p in packages if p.name != CORE_NAME and not p.manifest.preview]
    coming = [p.manifest.title for p in packages if p.name != CORE_NAME and p.manifest.preview]
    lines = []
    for manifest in skills:
        values = {"title": manifest.title, "description": manifest.description}
        if manifest.examples:
            lines.append(
                phrase(domain, "utter_help_skill_line_with_example", example=manifest.examples[0], **values)
            )
        else:
            lines.append(phrase(domain, "utter_help_skill_line", **values))
    if coming:
        lines.append(phrase(domain, "utter_help_coming_line", titles=", ".join(coming)))
    features = phrase(domain, "utter_help_core_features")
    lines.append(phrase(domain, "utter_help_core_line", features=features) if skills else features)
    return ("utter_help" if skills else "utter_help_without_skills"), {"lines": "\n".join(lines)}


class ActionHelp(Action):
    def name(self) -> str:
        return "action_help"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        response, values = help_answer(domain, list(served_packages()))
        dispatcher.utter_message(response=response, **values)
        return []
