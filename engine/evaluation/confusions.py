"""Which intent the model gave instead of the expected one, counted per pair with a few of the messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Sequence, Tuple

from engine.evaluation.fallback import FALLBACK_INTENT, Ranked

MAX_EXAMPLES = 3  # messages kept per pair


@dataclass
class Confusion:
    """One (expected → predicted) pair; `predicted` is nlu_fallback when the clarifying question was asked."""

    skill: str  # the expected intent's skill
    expected: str
    predicted: str
    count: int = 0
    # The message and the classifier's two best intents (nlu_fallback removed), as [[name, confidence], ...].
    examples: List[Dict[str, Any]] = field(default_factory=list)

    @property
    def is_fallback(self) -> bool:
        return self.predicted == FALLBACK_INTENT

    def as_dict(self) -> Dict[str, Any]:
        return {
            "expected": self.expected,
            "predicted": self.predicted,
            "fallback": self.is_fallback,
            "count": self.count,
            "examples": self.examples,
        }


@dataclass
class Confusions:
    pairs: Dict[Tuple[str, str], Confusion] = field(default_factory=dict)

    def add(self, skill: str, expected: str, predicted: str, text: str, ranking: Sequence[Ranked]) -> None:
        pair = self.pairs.setdefault((expected, predicted), Confusion(skill, expected, predicted))
        pair.count += 1
        if len(pair.examples) < MAX_EXAMPLES:
            top = [[name, round(confidence, 3)] for name, confidence in ranking[:2]]
            pair.examples.append({"text": text, "ranking": top})

    def by_skill(self) -> Dict[str, List[Confusion]]:
        """Skills by name; within a skill the most frequent pairs first (ties by intent names)."""
        grouped: Dict[str, List[Confusion]] = {}
        for pair in sorted(self.pairs.values(), key=lambda c: (c.skill, -c.count, c.expected, c.predicted)):
            grouped.setdefault(pair.skill, []).append(pair)
        return grouped

    def as_dict(self) -> Dict[str, List[Dict[str, Any]]]:
        return {skill: [pair.as_dict() for pair in pairs] for skill, pairs in self.by_skill().items()}
