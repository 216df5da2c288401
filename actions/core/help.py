"""`help`: what the assistant can do, read from the manifests of the enabled skills."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from engine.skills.loader import served_packages
from engine.skills.discovery import CORE_NAME, SkillPackage


def help_text(packages: List[SkillPackage]) -> str:
    skills = [p.manifest for p in packages if p.name != CORE_NAME and not p.manifest.preview]
    coming = [p.manifest.title for p in packages if p.name != CORE_NAME and p.manifest.preview]
    lines = ["Вот с чем я могу помочь:"] if skills else ["Городские услуги пока не подключены. Сейчас я умею:"]
    for manifest in skills:
        example = f" Например: «{manifest.examples[0]}»." if manifest.examples else ""
        lines.append(f"• {manifest.title} — {manifest.description}{example}")
    if coming:
        lines.append(f"Готовятся к запуску: {', '.join(coming)} — пока с этим поможет оператор.")
    lines.append(
        ("А ещё: " if skills else "")
        + "«мой профиль», «привяжи телефон» (один профиль для всех каналов), "
        "«отмена» — прервать любое действие, «позови оператора» — связаться с человеком."
    )
    return "\n".join(lines)


class ActionHelp(Action):
    def name(self) -> str:
        return "action_help"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        dispatcher.utter_message(text=help_text(list(served_packages())))
        return []
