"""The console text of `make evaluate` (its Russian lives in engine/messages.yml under evaluate_*)."""

from __future__ import annotations

from typing import Any, List, Sequence

from engine.evaluation.confusions import MAX_EXAMPLES, Confusion
from engine.evaluation.fallback import FALLBACK_INTENT
from engine.evaluation.report import Report
from engine.evaluation.scores import SKILL_INTENT_TARGET
from engine.messages import say

CONFUSIONS_PER_SKILL = 10


def _ratio(value: float) -> str:
    return f"{value:.3f}"


def _header(row_key: str, columns_key: str, fields: Sequence[str]) -> str:
    """A table's column titles, laid out by the same format as its rows."""
    return say(row_key, **{name: say(f"{columns_key}.{name}") for name in fields}, mark="").rstrip()


def summary(report: Report) -> str:
    lines = [
        say(
            "evaluate_summary",
            examples=report.examples,
            accuracy=_ratio(report.intent_accuracy),
            entity_f1=_ratio(report.entity_total().f1),
        )
    ]
    for name, score in sorted(report.intents.items()):
        lines.append(
            say(
                "evaluate_intent_line",
                name=name,
                f1=_ratio(score.f1),
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


SKILL_FIELDS = ("skill", "examples", "correct", "accuracy", "wrong", "fallback", "f1", "precision", "recall")


def skill_table(report: Report) -> str:
    lines = [
        say("evaluate_skills_header", target=_ratio(SKILL_INTENT_TARGET)),
        _header("evaluate_skill_row", "evaluate_skill_columns", SKILL_FIELDS),
    ]
    for name, skill in sorted(report.skills.items()):
        lines.append(
            say(
                "evaluate_skill_row",
                skill=name,
                examples=skill.examples,
                correct=skill.correct,
                accuracy=_ratio(skill.accuracy),
                wrong=skill.wrong,
                fallback=skill.fallback,
                f1=_ratio(skill.entities.f1),
                precision=_ratio(skill.entities.precision),
                recall=_ratio(skill.entities.recall),
                mark=say("evaluate_skill_below") if skill.accuracy < SKILL_INTENT_TARGET else "",
            )
        )
    return "\n".join(lines)


def _ranking(ranking: Sequence[Sequence[Any]]) -> str:
    return ", ".join(f"{name} {confidence:.2f}" for name, confidence in ranking)


def _confusion(pair: Confusion) -> List[str]:
    predicted = say("evaluate_confusion_fallback") if pair.predicted == FALLBACK_INTENT else pair.predicted
    lines = [say("evaluate_confusion_line", count=pair.count, expected=pair.expected, predicted=predicted)]
    for example in pair.examples:
        lines.append(
            say("evaluate_confusion_example", text=example["text"], ranking=_ranking(example["ranking"]))
        )
    return lines


def confusion_list(report: Report, limit: int = CONFUSIONS_PER_SKILL) -> str:
    """The most frequent (expected → predicted) pairs of every skill, each with a few of its messages."""
    lines = [say("evaluate_confusions_header", limit=limit, examples=MAX_EXAMPLES)]
    grouped = report.confusions.by_skill()
    if not grouped:
        lines.append(say("evaluate_confusions_none"))
    for skill, pairs in grouped.items():
        score = report.skills[skill]
        lines.append(
            say("evaluate_confusions_skill", skill=skill, wrong=score.wrong, fallback=score.fallback)
        )
        for pair in pairs[:limit]:
            lines += _confusion(pair)
        if len(pairs) > limit:
            lines.append(say("evaluate_confusions_more", count=len(pairs) - limit))
    return "\n".join(lines)


FALLBACK_FIELDS = (
    "threshold",
    "clarified",
    "by_ambiguity",
    "offered_right",
    "top_right",
    "confident",
    "confident_wrong",
    "accuracy",
    "with_clarification",
)


def fallback_table(report: Report) -> str:
    """The trade-off of the clarifying question over thresholds, the configured one marked."""
    setting = report.fallback
    lines = [
        say(
            "evaluate_fallback_header",
            threshold=f"{setting.threshold:.2f}",
            ambiguity=f"{setting.ambiguity:.2f}",
        ),
        _header("evaluate_fallback_row", "evaluate_fallback_columns", FALLBACK_FIELDS),
    ]
    for row in report.trade_off():
        lines.append(
            say(
                "evaluate_fallback_row",
                threshold=f"{row.threshold:.2f}",
                clarified=row.clarified,
                by_ambiguity=row.by_ambiguity,
                offered_right=row.offered_right,
                top_right=row.top_right,
                confident=row.confident,
                confident_wrong=row.confident_wrong,
                accuracy=_ratio(row.accuracy),
                with_clarification=_ratio(row.with_clarification),
                mark=say("evaluate_fallback_current") if row.threshold == setting.threshold else "",
            )
        )
    lines += [f"  {line}" for line in say("evaluate_fallback_legend").rstrip().splitlines()]
    agreed = report.fallback_agreement()
    if agreed != report.examples:
        lines.append(say("evaluate_fallback_disagreement", agreed=agreed, examples=report.examples))
    return "\n".join(lines)


def details(report: Report) -> str:
    """What `make evaluate` prints after the summary, a blank line before each part: skills, confusions, the
    fallback trade-off."""
    return "\n" + "\n\n".join((skill_table(report), confusion_list(report), fallback_table(report)))
