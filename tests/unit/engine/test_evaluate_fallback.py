"""The fallback trade-off (no model): Rasa's FallbackClassifier rule reproduced on the classifier's own ranking,
the two intents the clarifying question offers, and the counts per threshold."""

from typing import List, Sequence, Tuple

import pytest

from engine.evaluate import clarifying_offer, intent_skills, intent_titles
from engine.evaluation.fallback import (
    AMBIGUOUS,
    BELOW_THRESHOLD,
    THRESHOLDS,
    FallbackSetting,
    RankedMessage,
    agreement,
    fallback_reason,
    read_setting,
    real_ranking,
    trade_off,
    trade_off_row,
)
from engine.settings import PROJECT_ROOT

Ranking = List[Tuple[str, float]]
TITLES = dict.fromkeys(
    ("greet", "help", "affirm", "out_of_scope", "transport_route", "transport_schedule"), "title"
)


def rasa_falls_back(ranking: Ranking, setting: FallbackSetting) -> bool:
    """What Rasa's own FallbackClassifier answers for a message the intent classifier ranked so."""
    from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
    from rasa.shared.nlu.training_data.message import Message

    ranked = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    message = Message(data={"text": "x", "intent": dict(ranked[0]), "intent_ranking": ranked})
    classifier = FallbackClassifier(
        {"threshold": setting.threshold, "ambiguity_threshold": setting.ambiguity}
    )
    classifier.process([message])
    # The nlu_fallback Rasa puts on top is removed again: the ranking the sweep works on is the classifier's own.
    assert real_ranking(message.data) == ranking
    return message.data["intent"]["name"] == "nlu_fallback"


CASES = [
    # ranking, setting, the reason expected
    ([("greet", 0.90), ("help", 0.05)], FallbackSetting(0.35, 0.05), None),
    ([("greet", 0.34), ("help", 0.10)], FallbackSetting(0.35, 0.05), BELOW_THRESHOLD),
    ([("greet", 0.35), ("help", 0.10)], FallbackSetting(0.35, 0.05), None),  # not below: strict
    ([("greet", 0.50), ("help", 0.46)], FallbackSetting(0.35, 0.05), AMBIGUOUS),
    (
        [("greet", 0.50), ("help", 0.25)],
        FallbackSetting(0.35, 0.25),
        None,
    ),  # a gap equal to it is not ambiguous
    ([("greet", 0.30), ("help", 0.29)], FallbackSetting(0.35, 0.05), BELOW_THRESHOLD),  # the threshold first
    ([("greet", 0.50)], FallbackSetting(0.35, 0.90), None),  # one intent: nothing to be ambiguous with
    ([("greet", 0.50), ("help", 0.50)], FallbackSetting(0.0, 0.0), None),  # no FallbackClassifier
    ([("greet", 0.40), ("help", 0.31), ("affirm", 0.29)], FallbackSetting(0.35, 0.10), AMBIGUOUS),
]


@pytest.mark.parametrize(("ranking", "setting", "reason"), CASES)
def test_the_rule_is_rasas(ranking, setting, reason):
    assert fallback_reason(ranking, setting) == reason
    assert rasa_falls_back(ranking, setting) is (reason is not None)


def test_the_ranking_of_a_fallback_parse_is_the_classifiers_own():
    parsed = {
        "intent": {"name": "nlu_fallback", "confidence": 0.35},
        "intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.35},
            {"name": "help", "confidence": 0.3},
            {"name": "greet", "confidence": 0.2},
        ],
    }
    assert real_ranking(parsed) == [("help", 0.3), ("greet", 0.2)]
    assert real_ranking({"intent": {"name": "greet", "confidence": 0.9}}) == [("greet", 0.9)]
    assert real_ranking({"intent": {"name": "nlu_fallback", "confidence": 0.35}}) == []
    assert fallback_reason([], FallbackSetting(0.35, 0.05)) == BELOW_THRESHOLD


def test_the_clarifying_question_offers_its_two_first_titled_intents_but_never_affirm_or_out_of_scope():
    offer = clarifying_offer(TITLES)
    ranking = [
        ("affirm", 0.4),
        ("unknown_intent", 0.3),
        ("out_of_scope", 0.1),
        ("help", 0.1),
        ("greet", 0.05),
    ]
    assert offer(ranking) == [
        "help",
        "greet",
    ]  # affirm and out_of_scope are never offered, nor an untitled intent
    assert offer([("transport_route", 0.3), ("transport_schedule", 0.2), ("help", 0.1)]) == [
        "transport_route",
        "transport_schedule",
    ]
    assert offer([("greet", 0.3)]) == ["greet"]


def messages(offer) -> List[RankedMessage]:
    """Expected intent and ranking, as a model trained with threshold 0.35 and ambiguity 0.05 answered them."""
    rows: Sequence[Tuple[str, Ranking, bool]] = [
        ("greet", [("greet", 0.90), ("help", 0.05)], False),
        ("help", [("greet", 0.60), ("help", 0.30)], False),
        ("help", [("greet", 0.55), ("help", 0.40)], False),
        ("help", [("help", 0.30), ("greet", 0.20)], True),
        ("affirm", [("affirm", 0.50), ("greet", 0.48)], True),  # affirm is never offered
        ("transport_schedule", [("transport_route", 0.45), ("transport_schedule", 0.42)], True),
        ("transport_route", [("transport_route", 0.80), ("transport_schedule", 0.10)], False),
        ("transport_route", [("transport_schedule", 0.38), ("transport_route", 0.20)], False),
    ]
    return [RankedMessage(e, tuple(r), tuple(offer(r)), fell_back) for e, r, fell_back in rows]


@pytest.fixture(scope="module")
def ranked() -> List[RankedMessage]:
    return messages(clarifying_offer(TITLES))


def counts(ranked, threshold: float, ambiguity: float = 0.05) -> Tuple[int, ...]:
    row = trade_off_row(ranked, FallbackSetting(threshold, ambiguity))
    return (
        row.clarified,
        row.by_ambiguity,
        row.offered_right,
        row.top_right,
        row.confident,
        row.confident_wrong,
    )


def test_at_the_configured_threshold_the_counts_are_the_models(ranked):
    row = trade_off_row(ranked, FallbackSetting(0.35, 0.05))
    assert counts(ranked, 0.35) == (3, 2, 2, 2, 5, 3)
    assert row.accuracy == pytest.approx(2 / 8)  # the intent accuracy the model reached
    assert row.with_clarification == pytest.approx(4 / 8)
    assert agreement(ranked, FallbackSetting(0.35, 0.05)) == 8


def test_a_higher_threshold_trades_wrong_answers_for_questions(ranked):
    assert counts(ranked, 0.20) == (2, 2, 1, 1, 6, 3)
    assert counts(ranked, 0.40) == (4, 2, 3, 2, 4, 2)
    assert counts(ranked, 0.60) == (5, 0, 4, 2, 3, 1)  # 0.60 itself is not below 0.60
    assert counts(ranked, 0.65) == (6, 0, 5, 2, 2, 0)
    assert trade_off_row(ranked, FallbackSetting(0.20, 0.05)).accuracy == pytest.approx(3 / 8)


def test_without_the_ambiguity_rule_close_pairs_are_answered(ranked):
    assert counts(ranked, 0.35, ambiguity=0.0) == (1, 0, 1, 1, 7, 4)
    assert agreement(ranked, FallbackSetting(0.35, 0.0)) == 6


def test_the_sweep_covers_020_to_070_and_the_configured_threshold(ranked):
    assert THRESHOLDS == (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7)
    assert [row.threshold for row in trade_off(ranked, FallbackSetting(0.35, 0.05))] == list(THRESHOLDS)
    rows = trade_off(ranked, FallbackSetting(0.33, 0.07))
    assert [row.threshold for row in rows][2:5] == [0.3, 0.33, 0.35]
    assert {row.ambiguity for row in rows} == {0.07}


def test_the_setting_is_read_from_the_fallback_classifier(tmp_path):
    config = tmp_path / "config.yml"
    config.write_text(
        "pipeline:\n  - name: DIETClassifier\n  - name: FallbackClassifier\n    threshold: 0.4\n"
        "    ambiguity_threshold: 0.08\n",
        encoding="utf-8",
    )
    assert read_setting(config) == FallbackSetting(0.4, 0.08)
    config.write_text("pipeline:\n  - name: FallbackClassifier\n", encoding="utf-8")
    assert read_setting(config) == FallbackSetting(0.3, 0.1)  # Rasa's defaults
    config.write_text("pipeline:\n  - name: DIETClassifier\n", encoding="utf-8")
    assert read_setting(config) == FallbackSetting(0.0, 0.0)


def test_the_projects_config_is_read():
    setting = read_setting(PROJECT_ROOT / "config.yml")
    assert 0.0 < setting.threshold < 1.0 and 0.0 <= setting.ambiguity < 1.0


def test_intents_map_to_their_package_and_titles_come_from_manifests(preview_skill, packages):
    found = packages()
    skills = intent_skills(found)
    assert skills["greet"] == "core" and skills["profile_link_phone"] == "core"
    assert skills["soon_ask"] == "soon"
    assert intent_titles(found)["soon_ask"] == "спросить"
    assert set(intent_titles(found)) == set(skills)


def test_the_offer_rule_is_the_actions(preview_skill, packages):
    """The evaluation offers what the clarifying action's candidate_buttons offers, name for name."""
    from actions.core.fallback import candidate_buttons

    titles = intent_titles(packages())
    ranking = [("nlu_fallback", 0.35), ("inform", 0.3), ("soon_ask", 0.2), ("deny", 0.2), ("help", 0.1)]
    buttons = candidate_buttons(
        {"intent_ranking": [{"name": n, "confidence": c} for n, c in ranking]}, titles
    )
    assert [b["title"] for b in buttons] == ["Спросить", "Узнать, что умеет помощник"]
    assert clarifying_offer(titles)(ranking) == ["soon_ask", "help"]
