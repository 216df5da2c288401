"""What the clarifying question would cost and save at other thresholds, from the ranking each message got.

Rasa's FallbackClassifier (rasa/nlu/classifiers/fallback_classifier.py, `_should_fallback`) answers nlu_fallback
when the top intent's confidence is below `threshold`, or else when the ranking holds two intents or more and the
first leads the second by less than `ambiguity_threshold`; both comparisons are strict. The rule is applied here to
the classifier's own ranking (the parse's `intent_ranking` without nlu_fallback), so one parse per message gives the
whole sweep. The clarifying action then offers two intents as buttons; which two is its own rule, passed in as an
`OfferRule` (engine/evaluate.py takes it from actions/core/fallback.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

import yaml
from rasa.core.constants import DEFAULT_NLU_FALLBACK_AMBIGUITY_THRESHOLD, DEFAULT_NLU_FALLBACK_THRESHOLD
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME

FALLBACK_INTENT = DEFAULT_NLU_FALLBACK_INTENT_NAME
FALLBACK_COMPONENT = "FallbackClassifier"
THRESHOLDS: Tuple[float, ...] = tuple(round(0.20 + 0.05 * step, 2) for step in range(11))  # 0.20 … 0.70
BELOW_THRESHOLD, AMBIGUOUS = "threshold", "ambiguity"

Ranked = Tuple[str, float]  # (intent, confidence)
OfferRule = Callable[[Sequence[Ranked]], List[str]]  # a ranking -> the intents offered as buttons


@dataclass(frozen=True)
class FallbackSetting:
    threshold: float
    ambiguity: float


def read_setting(config: Path) -> FallbackSetting:
    """The FallbackClassifier's thresholds in a Rasa config (Rasa's defaults for a key left out); without the
    component every message is answered, which thresholds of zero reproduce."""
    content = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    for component in content.get("pipeline") or []:
        if isinstance(component, dict) and component.get("name") == FALLBACK_COMPONENT:
            return FallbackSetting(
                threshold=float(component.get("threshold", DEFAULT_NLU_FALLBACK_THRESHOLD)),
                ambiguity=float(
                    component.get("ambiguity_threshold", DEFAULT_NLU_FALLBACK_AMBIGUITY_THRESHOLD)
                ),
            )
    return FallbackSetting(0.0, 0.0)


def real_ranking(parsed: Dict[str, Any]) -> List[Ranked]:
    """The intent classifier's ranking, best first, with the nlu_fallback the FallbackClassifier put on top removed."""
    ranking = [
        (str(ranked.get("name")), float(ranked.get("confidence") or 0.0))
        for ranked in parsed.get("intent_ranking") or []
        if ranked.get("name") != FALLBACK_INTENT
    ]
    intent = parsed.get("intent") or {}
    if not ranking and intent.get("name") not in (None, FALLBACK_INTENT):
        ranking = [(str(intent["name"]), float(intent.get("confidence") or 0.0))]
    return ranking


def fallback_reason(ranking: Sequence[Ranked], setting: FallbackSetting) -> Optional[str]:
    """Why Rasa's FallbackClassifier would answer nlu_fallback for this ranking, or None when it would not."""
    if not ranking or ranking[0][1] < setting.threshold:
        return BELOW_THRESHOLD
    if len(ranking) >= 2 and ranking[0][1] - ranking[1][1] < setting.ambiguity:
        return AMBIGUOUS
    return None


def top_two(ranking: Sequence[Ranked]) -> List[str]:
    """The plain offer: the two best intents. The clarifying action's own rule is stricter (engine/evaluate.py)."""
    return [name for name, _ in ranking[:2]]


@dataclass(frozen=True)
class RankedMessage:
    expected: str
    ranking: Tuple[Ranked, ...]  # nlu_fallback removed
    offered: Tuple[str, ...]  # what the clarifying question would offer for it
    fell_back: bool  # the model's own answer was nlu_fallback

    @property
    def top(self) -> Optional[str]:
        return self.ranking[0][0] if self.ranking else None


@dataclass(frozen=True)
class TradeOffRow:
    """All messages at one threshold: asked to clarify, or answered with the top intent."""

    threshold: float
    ambiguity: float
    examples: int
    clarified: int  # sent to the clarifying question
    by_ambiguity: int  # of them, only because the top two were too close
    offered_right: int  # of them, the right intent among the offered buttons
    top_right: int  # of them, the top intent was right: an answer the question cost
    confident: int  # answered with the top intent
    confident_wrong: int  # of them, wrongly

    @property
    def confident_right(self) -> int:
        return self.confident - self.confident_wrong

    @property
    def accuracy(self) -> float:
        """Answered and right, among all messages: what the evaluation's intent accuracy would be."""
        return self.confident_right / self.examples if self.examples else 0.0

    @property
    def with_clarification(self) -> float:
        """Right at once or after the resident presses the right button."""
        return (self.confident_right + self.offered_right) / self.examples if self.examples else 0.0

    def as_dict(self) -> Dict[str, Any]:
        return {
            "threshold": self.threshold,
            "ambiguity_threshold": self.ambiguity,
            "clarified": self.clarified,
            "clarified_by_ambiguity": self.by_ambiguity,
            "offered_contains_right": self.offered_right,
            "clarified_top_was_right": self.top_right,
            "confident": self.confident,
            "confident_wrong": self.confident_wrong,
            "accuracy": round(self.accuracy, 4),
            "accuracy_with_clarification": round(self.with_clarification, 4),
        }


def trade_off_row(messages: Sequence[RankedMessage], setting: FallbackSetting) -> TradeOffRow:
    clarified = by_ambiguity = offered_right = top_right = confident_wrong = 0
    for message in messages:
        reason = fallback_reason(message.ranking, setting)
        if reason is None:
            confident_wrong += message.top != message.expected
            continue
        clarified += 1
        by_ambiguity += reason == AMBIGUOUS
        offered_right += message.expected in message.offered
        top_right += message.top == message.expected
    return TradeOffRow(
        threshold=setting.threshold,
        ambiguity=setting.ambiguity,
        examples=len(messages),
        clarified=clarified,
        by_ambiguity=by_ambiguity,
        offered_right=offered_right,
        top_right=top_right,
        confident=len(messages) - clarified,
        confident_wrong=confident_wrong,
    )


def trade_off(
    messages: Sequence[RankedMessage], setting: FallbackSetting, thresholds: Iterable[float] = THRESHOLDS
) -> List[TradeOffRow]:
    """One row per threshold (the configured one included), each with the configured ambiguity threshold."""
    values = sorted({*thresholds, setting.threshold})
    return [trade_off_row(messages, FallbackSetting(value, setting.ambiguity)) for value in values]


def agreement(messages: Sequence[RankedMessage], setting: FallbackSetting) -> int:
    """Messages where the reproduced rule decides as the model's FallbackClassifier did: all, when the rule and the
    configuration match the model."""
    return sum((fallback_reason(m.ranking, setting) is not None) == m.fell_back for m in messages)
