"""NLU evaluation on the held-out examples of the core and the enabled skills.

Rasa's own `rasa test nlu` scores each entity extractor separately; here the entities are those the model
finally returns (trained, rule-based and canonical together), which is what the dialogue sees.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Set, Tuple

from rasa.shared.nlu.training_data.loading import load_data

from engine.messages import say

if TYPE_CHECKING:
    from rasa.core.agent import Agent

Span = Tuple[str, int, int]


@dataclass
class Score:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 0.0

    @property
    def recall(self) -> float:
        expected = self.true_positive + self.false_negative
        return self.true_positive / expected if expected else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    examples: int = 0
    intent_correct: int = 0
    intents: Dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    entities: Dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    errors: List[Dict[str, Any]] = field(default_factory=list)

    @property
    def intent_accuracy(self) -> float:
        return self.intent_correct / self.examples if self.examples else 0.0

    def entity_total(self) -> Score:
        total = Score()
        for score in self.entities.values():
            total.true_positive += score.true_positive
            total.false_positive += score.false_positive
            total.false_negative += score.false_negative
        return total

    def as_dict(self) -> Dict[str, Any]:
        def scores(table: Dict[str, Score]) -> Dict[str, Dict[str, float]]:
            return {
                name: {
                    "precision": round(s.precision, 3),
                    "recall": round(s.recall, 3),
                    "f1": round(s.f1, 3),
                    "support": s.true_positive + s.false_negative,
                }
                for name, s in sorted(table.items())
            }

        return {
            "examples": self.examples,
            "intent_accuracy": round(self.intent_accuracy, 4),
            "entity_f1": round(self.entity_total().f1, 4),
            "intents": scores(self.intents),
            "entities": scores(self.entities),
            "errors": self.errors,
        }


def score_example(
    report: Report, expected_intent: str, expected: Set[Span], parsed: Dict[str, Any], text: str
) -> None:
    """Adds one parsed example: the intent must match; an entity counts when its type and span match exactly."""
    report.examples += 1
    predicted_intent = (parsed.get("intent") or {}).get("name")
    if predicted_intent == expected_intent:
        report.intent_correct += 1
        report.intents[expected_intent].true_positive += 1
    else:
        report.intents[expected_intent].false_negative += 1
        report.intents[str(predicted_intent)].false_positive += 1
    predicted = {(e["entity"], e["start"], e["end"]) for e in parsed.get("entities") or []}
    for span in expected & predicted:
        report.entities[span[0]].true_positive += 1
    for span in expected - predicted:
        report.entities[span[0]].false_negative += 1
    for span in predicted - expected:
        report.entities[span[0]].false_positive += 1
    if predicted_intent != expected_intent or predicted != expected:
        report.errors.append(
            {
                "text": text,
                "intent": expected_intent,
                "predicted_intent": predicted_intent,
                "entities": sorted(expected),
                "predicted_entities": sorted(predicted),
            }
        )


def holdout_examples(folder: Path) -> Iterable[Tuple[str, str, Set[Span]]]:
    for path in sorted(folder.rglob("*.yml")):
        for message in load_data(str(path)).intent_examples:
            spans = {(e["entity"], e["start"], e["end"]) for e in message.get("entities") or []}
            yield message.get("text"), message.get("intent"), spans


def load_agent(model: Path) -> Agent:
    """The model loaded for in-process evaluation, with Rasa's per-parse debug logging silenced."""
    import structlog
    from rasa.core.agent import Agent

    # Rasa logs every parse through structlog at debug level; a report of hundreds of parses drowns in it.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    return Agent.load(str(model))


async def _score(agent: Agent, holdout: Path) -> Report:
    report = Report()
    for text, intent, spans in holdout_examples(holdout):
        score_example(report, intent, spans, await agent.parse_message(text), text)
    return report


def evaluate(agent: Agent, holdout: Path, out: Path, name: str = "nlu_report.json") -> Report:
    """Scores the agent on every held-out file under `holdout` and writes `out/<name>`."""
    report = asyncio.run(_score(agent, holdout))
    out.mkdir(parents=True, exist_ok=True)
    (out / name).write_text(json.dumps(report.as_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
    return report


def summary(report: Report) -> str:
    lines = [
        say(
            "evaluate_summary",
            examples=report.examples,
            accuracy=f"{report.intent_accuracy:.3f}",
            entity_f1=f"{report.entity_total().f1:.3f}",
        )
    ]
    for name, score in sorted(report.intents.items()):
        lines.append(
            say(
                "evaluate_intent_line",
                name=name,
                f1=f"{score.f1:.3f}",
                tp=score.true_positive,
                fn=score.false_negative,
                fp=score.false_positive,
            )
        )
    for name, score in sorted(report.entities.items()):
        lines.append(
            f"  [{name}]{' ' * max(1, 30 - len(name))}F1 {score.f1:.3f}  P {score.precision:.3f} R {score.recall:.3f}"
        )
    return "\n".join(lines)
