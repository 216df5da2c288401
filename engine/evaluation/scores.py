"""Counts behind the NLU scores: one intent or entity type, and one skill's examples."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Iterable

# The targets: intent accuracy for every skill, and overall (the console marks the skills below).
SKILL_INTENT_TARGET = 0.92


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

    @classmethod
    def total(cls, scores: Iterable[Score]) -> Score:
        total = cls()
        for score in scores:
            total.true_positive += score.true_positive
            total.false_positive += score.false_positive
            total.false_negative += score.false_negative
        return total

    def as_dict(self) -> Dict[str, Any]:
        return {
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "f1": round(self.f1, 3),
            "support": self.true_positive + self.false_negative,
        }


@dataclass
class SkillScore:
    """The held-out examples whose expected intent belongs to one skill (the core counts as a skill)."""

    examples: int = 0
    correct: int = 0
    fallback: int = 0  # sent to the clarifying question instead of an answer
    entities: Score = field(default_factory=Score)  # every entity of these examples, whatever its type

    @property
    def accuracy(self) -> float:
        return self.correct / self.examples if self.examples else 0.0

    @property
    def wrong(self) -> int:
        """Answered with another intent (a fallback is not counted here)."""
        return self.examples - self.correct - self.fallback

    def as_dict(self) -> Dict[str, Any]:
        return {
            "examples": self.examples,
            "correct": self.correct,
            "accuracy": round(self.accuracy, 4),
            "wrong_intent": self.wrong,
            "fallback": self.fallback,
            "entities": self.entities.as_dict(),
        }
