"""One pass over hand-made parses (no model): the per-skill table, entities per skill, the confusions with their
messages, the JSON report and the console text of `make evaluate`."""

import json
from typing import Any, Dict, List, Sequence, Tuple

import pytest

from engine.evaluate import Report, details, evaluate, score_example, summary
from engine.evaluation.confusions import MAX_EXAMPLES
from engine.evaluation.fallback import FallbackSetting
from engine.evaluation.render import confusion_list, fallback_table, skill_table

SKILL_OF = {
    "greet": "core",
    "help": "core",
    "affirm": "core",
    "transport_route": "transport",
    "transport_schedule": "transport",
}
SETTING = FallbackSetting(0.35, 0.05)


def offer_without_affirm(ranking: Sequence[Tuple[str, float]]) -> List[str]:
    """A stand-in for the clarifying action's rule (affirm is never offered), so these tests need no actions."""
    return [name for name, _ in ranking if name != "affirm"][:2]


def parse(
    ranking: Sequence[Tuple[str, float]],
    fell_back: bool = False,
    entities: Sequence[Tuple[str, int, int]] = (),
) -> Dict[str, Any]:
    """A parse as Rasa returns it; with `fell_back` the FallbackClassifier's nlu_fallback leads the ranking."""
    ranked = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    intent = ranked[0]
    if fell_back:
        intent = {"name": "nlu_fallback", "confidence": SETTING.threshold}
        ranked.insert(0, intent)
    spans = [{"entity": e, "start": s, "end": t, "value": "x"} for e, s, t in entities]
    return {"intent": intent, "intent_ranking": ranked, "entities": spans}


# (text, expected intent, expected entities, parse), as the model trained with threshold 0.35 and ambiguity 0.05
# would answer them.
EXAMPLES = [
    ("привет", "greet", set(), parse([("greet", 0.90), ("help", 0.05)], entities=[("place", 0, 6)])),
    ("что ты умеешь", "help", set(), parse([("greet", 0.60), ("help", 0.30)])),
    ("а что можешь", "help", set(), parse([("greet", 0.55), ("help", 0.40)])),
    ("помоги", "help", set(), parse([("help", 0.30), ("greet", 0.20)], fell_back=True)),
    ("да", "affirm", set(), parse([("affirm", 0.50), ("greet", 0.48)], fell_back=True)),
    (
        "когда автобус",
        "transport_schedule",
        set(),
        parse([("transport_route", 0.45), ("transport_schedule", 0.42)], fell_back=True),
    ),
    (
        "маршрут 5",
        "transport_route",
        {("route", 8, 9)},
        parse([("transport_route", 0.80), ("transport_schedule", 0.10)], entities=[("route", 8, 9)]),
    ),
    (
        "как доехать до парка",
        "transport_route",
        {("place", 14, 19)},
        parse([("transport_schedule", 0.38), ("transport_route", 0.20)]),
    ),
]


def scored(examples=EXAMPLES) -> Report:
    report = Report(skill_of=SKILL_OF, fallback=SETTING, offer=offer_without_affirm)
    for text, intent, spans, parsed in examples:
        score_example(report, intent, spans, parsed, text)
    return report


def test_intent_accuracy_per_skill():
    report = scored()
    assert (report.examples, report.intent_correct) == (8, 2)
    core, transport = report.skills["core"], report.skills["transport"]
    assert (core.examples, core.correct, core.wrong, core.fallback) == (5, 1, 2, 2)
    assert core.accuracy == pytest.approx(0.2)
    assert (transport.examples, transport.correct, transport.wrong, transport.fallback) == (3, 1, 1, 1)
    assert transport.accuracy == pytest.approx(1 / 3)
    assert sorted(report.skills) == ["core", "transport"]


def test_entities_are_scored_per_type_and_per_skill():
    report = scored()
    core, transport = report.skills["core"].entities, report.skills["transport"].entities
    assert (core.true_positive, core.false_positive, core.false_negative) == (0, 1, 0)
    assert (transport.true_positive, transport.false_positive, transport.false_negative) == (1, 0, 1)
    assert transport.f1 == pytest.approx(2 / 3)
    place = report.entities["place"]
    assert (place.true_positive, place.false_positive, place.false_negative) == (0, 1, 1)
    total = report.entity_total()
    assert (total.true_positive, total.false_positive, total.false_negative) == (1, 1, 1)


def test_an_intent_no_package_defines_is_its_own_skill():
    report = Report(skill_of=SKILL_OF)
    score_example(report, "weather_ask", set(), parse([("greet", 0.9)]), "погода")
    assert report.skills["?"].examples == 1
    assert report.confusions.by_skill()["?"][0].expected == "weather_ask"


def test_confusions_are_grouped_by_the_expected_skill_most_frequent_first():
    grouped = scored().confusions.by_skill()
    assert list(grouped) == ["core", "transport"]
    assert [(c.expected, c.predicted, c.count) for c in grouped["core"]] == [
        ("help", "greet", 2),
        ("affirm", "nlu_fallback", 1),
        ("help", "nlu_fallback", 1),
    ]
    assert [(c.expected, c.predicted, c.count) for c in grouped["transport"]] == [
        ("transport_route", "transport_schedule", 1),
        ("transport_schedule", "nlu_fallback", 1),
    ]
    help_greet = grouped["core"][0]
    assert [e["text"] for e in help_greet.examples] == ["что ты умеешь", "а что можешь"]
    assert help_greet.examples[0]["ranking"] == [["greet", 0.6], ["help", 0.3]]
    fallback = grouped["core"][1]
    assert fallback.is_fallback and not help_greet.is_fallback
    # The messages of a fallback show the classifier's own ranking, not the nlu_fallback on top.
    assert fallback.examples == [{"text": "да", "ranking": [["affirm", 0.5], ["greet", 0.48]]}]


def test_a_pair_keeps_at_most_three_messages_but_counts_all():
    wrong = [(f"что умеешь {n}", "help", set(), parse([("greet", 0.7), ("help", 0.2)])) for n in range(5)]
    pair = scored(wrong).confusions.by_skill()["core"][0]
    assert pair.count == 5
    assert [e["text"] for e in pair.examples] == [f"что умеешь {n}" for n in range(MAX_EXAMPLES)]


def test_the_console_lists_at_most_ten_pairs_per_skill():
    wrong = [(f"фраза {n}", "help", set(), parse([(f"intent_{n:02}", 0.9)])) for n in range(12)]
    lines = confusion_list(scored(wrong)).splitlines()
    assert sum(" × help → intent_" in line for line in lines) == 10
    assert lines[-1].strip() == "… и ещё пар: 2"


def test_the_json_report_holds_skills_confusions_and_the_trade_off(tmp_path):
    content = scored().as_dict()
    assert content["skills"]["core"] == {
        "examples": 5,
        "correct": 1,
        "accuracy": 0.2,
        "wrong_intent": 2,
        "fallback": 2,
        "entities": {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0},
    }
    assert content["confusions"]["transport"][1] == {
        "expected": "transport_schedule",
        "predicted": "nlu_fallback",
        "fallback": True,
        "count": 1,
        "examples": [
            {"text": "когда автобус", "ranking": [["transport_route", 0.45], ["transport_schedule", 0.42]]}
        ],
    }
    fallback = content["fallback"]
    assert (fallback["threshold"], fallback["ambiguity_threshold"], fallback["model_agreement"]) == (
        0.35,
        0.05,
        8,
    )
    current = [row for row in fallback["rows"] if row["current"]]
    assert current == [
        {
            "threshold": 0.35,
            "ambiguity_threshold": 0.05,
            "clarified": 3,
            "clarified_by_ambiguity": 2,
            "offered_contains_right": 2,
            "clarified_top_was_right": 2,
            "confident": 5,
            "confident_wrong": 3,
            "accuracy": 0.25,
            "accuracy_with_clarification": 0.5,
            "current": True,
        }
    ]
    assert len(content["errors"]) == 7
    json.dumps(content, ensure_ascii=False)  # as evaluate() writes it


def test_evaluate_parses_each_message_once_and_writes_the_report(tmp_path, monkeypatch):
    holdout = tmp_path / "holdout"
    (holdout / "core").mkdir(parents=True)
    (holdout / "core" / "nlu.yml").write_text(
        'version: "3.1"\nnlu:\n  - intent: help\n    examples: |\n      - что ты умеешь\n      - помоги\n',
        encoding="utf-8",
    )
    parses = {"что ты умеешь": EXAMPLES[1][3], "помоги": EXAMPLES[3][3]}
    asked: List[str] = []

    class Agent:
        async def parse_message(self, text: str) -> Dict[str, Any]:
            asked.append(text)
            return parses[text]

    monkeypatch.setattr("engine.evaluate.new_report", lambda packages, config: scored([]))
    report = evaluate(Agent(), holdout, tmp_path / "results", "report.json", packages=[])
    assert sorted(asked) == ["помоги", "что ты умеешь"]
    assert (report.skills["core"].examples, report.skills["core"].fallback) == (2, 1)
    written = json.loads((tmp_path / "results" / "report.json").read_text(encoding="utf-8"))
    assert written["confusions"]["core"][0]["predicted"] == "greet"


def test_the_skill_table_marks_skills_below_the_target():
    lines = skill_table(scored()).splitlines()
    assert (
        lines[0]
        == "По навыкам: точность интентов (цель — не ниже 0.920 у каждого), сущности в примерах навыка:"
    )
    assert lines[1].split() == [
        "навык",
        "примеров",
        "верно",
        "точность",
        "не",
        "тот",
        "уточнение",
        "F1",
        "сущн.",
        "P",
        "R",
    ]
    assert lines[2].split() == [
        "core",
        "5",
        "1",
        "0.200",
        "2",
        "2",
        "0.000",
        "0.000",
        "0.000",
        "←",
        "ниже",
        "цели",
    ]
    assert lines[3].split()[:9] == ["transport", "3", "1", "0.333", "1", "1", "0.667", "1.000", "0.500"]
    # The header and the rows share one layout: every column ends where its title ends.
    assert len(lines[1]) == len(lines[3].split("  ←")[0])


def test_the_fallback_table_marks_the_configured_threshold():
    lines = fallback_table(scored()).splitlines()
    rows = [line for line in lines if line.strip()[:4].replace(".", "").isdigit()]
    assert len(rows) == 11
    current = [row for row in rows if row.endswith("← сейчас")]
    assert [row.split()[:9] for row in current] == [["0.35", "3", "2", "2", "2", "5", "3", "0.250", "0.500"]]
    assert "Внимание" not in fallback_table(scored())


def test_the_fallback_table_warns_when_the_rule_disagrees_with_the_model():
    report = scored()
    report.fallback = FallbackSetting(
        0.40, 0.05
    )  # «как доехать до парка» (0.38) would fall back, the model did not
    assert fallback_table(report).splitlines()[-1] == (
        "  Внимание: правило порога решило как модель лишь в 7 из 8 сообщений: модель обучена с другим config.yml?"
    )


def test_sample_output(capsys):
    """The text `make evaluate` prints for this data (run with -s to see it)."""
    report = scored()
    text = summary(report) + "\n" + details(report)
    print(text)
    assert text.count("\n") > 30
