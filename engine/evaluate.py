"""NLU evaluation on the held-out examples of the core and the enabled skills.

Rasa's own `rasa test nlu` scores each entity extractor separately; here the entities are those the model
finally returns (trained, rule-based and canonical together), which is what the dialogue sees.

Each message is parsed once; that parse gives the scores, the per-skill table, the confusions and the trade-off of
the clarifying fallback (engine/evaluation/). How to read the output: docs/training.md.
"""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

from rasa.shared.nlu.training_data.loading import load_data

from engine.evaluation.fallback import OfferRule, Ranked, read_setting
from engine.evaluation.render import details, summary
from engine.evaluation.report import Report, Span, score_example
from engine.evaluation.scores import Score
from engine.settings import PROJECT_ROOT

if TYPE_CHECKING:
    from rasa.core.agent import Agent

    from engine.skills.discovery import SkillPackage

__all__ = [
    "Report",
    "Score",
    "clarifying_offer",
    "details",
    "evaluate",
    "holdout_examples",
    "intent_skills",
    "intent_titles",
    "load_agent",
    "new_report",
    "score_example",
    "summary",
]

CONFIG = PROJECT_ROOT / "config.yml"


def holdout_examples(folder: Path) -> Iterable[Tuple[str, str, Set[Span]]]:
    for path in sorted(folder.rglob("*.yml")):
        for message in load_data(str(path)).intent_examples:
            spans = {(e["entity"], e["start"], e["end"]) for e in message.get("entities") or []}
            yield message.get("text"), message.get("intent"), spans


def intent_skills(packages: Sequence[SkillPackage]) -> Dict[str, str]:
    """intent -> the package whose domain.yml defines it ("core" for domain/)."""
    return {intent: package.name for package in packages for intent in package.owned("intents")}


def intent_titles(packages: Sequence[SkillPackage]) -> Dict[str, str]:
    """The manifests' titles, as the clarifying action reads them (engine.skills.loader.intent_titles)."""
    return {intent: title for package in packages for intent, title in package.manifest.intents.items()}


def clarifying_offer(titles: Mapping[str, str]) -> OfferRule:
    """The intents the clarifying question offers for a ranking: its own `candidate_buttons` (actions/core/fallback.py),
    the first two of the ranking that have a title and are not in its NOT_OFFERED."""
    from actions.core.fallback import candidate_buttons

    titles = dict(titles)

    def offer(ranking: Sequence[Ranked]) -> List[str]:
        # Without entities in the message a button's payload is exactly "/<intent>".
        message = {
            "intent_ranking": [{"name": name, "confidence": confidence} for name, confidence in ranking]
        }
        return [button["payload"][1:] for button in candidate_buttons(message, titles)]

    return offer


def load_agent(model: Path) -> Agent:
    """The model loaded for in-process evaluation, with Rasa's per-parse debug logging silenced."""
    import structlog
    from rasa.core.agent import Agent

    # Rasa logs every parse through structlog at debug level; a report of hundreds of parses drowns in it.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    return Agent.load(str(model))


async def _score(agent: Agent, holdout: Path, report: Report) -> Report:
    for text, intent, spans in holdout_examples(holdout):
        score_example(report, intent, spans, await agent.parse_message(text), text)
    return report


def new_report(packages: Sequence[SkillPackage], config: Path = CONFIG) -> Report:
    """An empty report that reads intents by the packages' skills, the fallback by `config`'s FallbackClassifier
    and the clarifying question's offer by its action."""
    return Report(
        skill_of=intent_skills(packages),
        fallback=read_setting(config),
        offer=clarifying_offer(intent_titles(packages)),
    )


def evaluate(
    agent: Agent,
    holdout: Path,
    out: Path,
    name: str = "nlu_report.json",
    packages: Optional[Sequence[SkillPackage]] = None,
    config: Path = CONFIG,
) -> Report:
    """Scores the agent on every held-out file under `holdout` and writes `out/<name>`. `packages` name the skills
    (the enabled ones by default); `config` holds the fallback thresholds the model was trained with."""
    if packages is None:
        from engine.skills.discovery import enabled_packages

        packages = enabled_packages()
    report = asyncio.run(_score(agent, holdout, new_report(packages, config)))
    out.mkdir(parents=True, exist_ok=True)
    (out / name).write_text(json.dumps(report.as_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
    return report
