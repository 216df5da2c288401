"""One split's evaluation: every parsed example scored once, for the summary, the skills, the confusions and the
fallback trade-off alike."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Set, Tuple

from rasa.core.constants import DEFAULT_NLU_FALLBACK_AMBIGUITY_THRESHOLD, DEFAULT_NLU_FALLBACK_THRESHOLD

from engine.evaluation.confusions import Confusions
from engine.evaluation.fallback import (
    FALLBACK_INTENT,
    FallbackSetting,
    OfferRule,
    RankedMessage,
    TradeOffRow,
    agreement,
    real_ranking,
    top_two,
    trade_off,
)
from engine.evaluation.scores import Score, SkillScore

Span = Tuple[str, int, int]
UNKNOWN_SKILL = "?"  # an expected intent no enabled package defines


@dataclass
class Report:
    examples: int = 0
    intent_correct: int = 0
    intents: Dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    entities: Dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    errors: List[Dict[str, Any]] = field(default_factory=list)
    skills: Dict[str, SkillScore] = field(default_factory=lambda: defaultdict(SkillScore))
    confusions: Confusions = field(default_factory=Confusions)
    ranked: List[RankedMessage] = field(default_factory=list)
    # How the examples are read, set before scoring: intent -> its package, the configured fallback, the offer.
    skill_of: Mapping[str, str] = field(default_factory=dict)
    fallback: FallbackSetting = field(
        default_factory=lambda: FallbackSetting(
            DEFAULT_NLU_FALLBACK_THRESHOLD, DEFAULT_NLU_FALLBACK_AMBIGUITY_THRESHOLD
        )
    )
    offer: OfferRule = top_two

    @property
    def intent_accuracy(self) -> float:
        return self.intent_correct / self.examples if self.examples else 0.0

    def entity_total(self) -> Score:
        return Score.total(self.entities.values())

    def skill(self, intent: str) -> str:
        return self.skill_of.get(intent, UNKNOWN_SKILL)

    def trade_off(self) -> List[TradeOffRow]:
        return trade_off(self.ranked, self.fallback)

    def fallback_agreement(self) -> int:
        return agreement(self.ranked, self.fallback)

    def as_dict(self) -> Dict[str, Any]:
        def scores(table: Dict[str, Score]) -> Dict[str, Dict[str, Any]]:
            return {name: score.as_dict() for name, score in sorted(table.items())}

        return {
            "examples": self.examples,
            "intent_accuracy": round(self.intent_accuracy, 4),
            "entity_f1": round(self.entity_total().f1, 4),
            "intents": scores(self.intents),
            "entities": scores(self.entities),
            "skills": {name: skill.as_dict() for name, skill in sorted(self.skills.items())},
            "confusions": self.confusions.as_dict(),
            "fallback": {
                "threshold": self.fallback.threshold,
                "ambiguity_threshold": self.fallback.ambiguity,
                "model_agreement": self.fallback_agreement(),
                "rows": [
                    {**row.as_dict(), "current": row.threshold == self.fallback.threshold}
                    for row in self.trade_off()
                ],
            },
            "errors": self.errors,
        }


def score_example(
    report: Report, expected_intent: str, expected: Set[Span], parsed: Dict[str, Any], text: str
) -> None:
    """Adds one parsed example: the intent must match; an entity counts when its type and span match exactly."""
    report.examples += 1
    skill_name = report.skill(expected_intent)
    skill = report.skills[skill_name]
    skill.examples += 1
    ranking = real_ranking(parsed)
    predicted_intent = (parsed.get("intent") or {}).get("name")
    if predicted_intent == expected_intent:
        report.intent_correct += 1
        skill.correct += 1
        report.intents[expected_intent].true_positive += 1
    else:
        skill.fallback += predicted_intent == FALLBACK_INTENT
        report.intents[expected_intent].false_negative += 1
        report.intents[str(predicted_intent)].false_positive += 1
        report.confusions.add(skill_name, expected_intent, str(predicted_intent), text, ranking)
    report.ranked.append(
        RankedMessage(
            expected=expected_intent,
            ranking=tuple(ranking),
            offered=tuple(report.offer(ranking)),
            fell_back=predicted_intent == FALLBACK_INTENT,
        )
    )
    predicted = {(e["entity"], e["start"], e["end"]) for e in parsed.get("entities") or []}
    for span in expected & predicted:
        report.entities[span[0]].true_positive += 1
        skill.entities.true_positive += 1
    for span in expected - predicted:
        report.entities[span[0]].false_negative += 1
        skill.entities.false_negative += 1
    for span in predicted - expected:
        report.entities[span[0]].false_positive += 1
        skill.entities.false_positive += 1
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
