"""How one run of a residents' conversation is judged (no servers)."""

import pytest

from tests.conversations.residents import Conversation, Said, Turn, environment, judge

CONVERSATION = Conversation(
    name="utilities_balance",
    twist="offer_accepted",
    description="",
    turns=(Turn("сколько должен"), Turn("давай", expect=("utter_ask_number",)), Turn("1002003004")),
    goal=("utter_balance",),
)


def said(*responses: str) -> Said:
    return Said(responses=list(responses), texts=[f"text of {r}" for r in responses])


def test_the_goal_said_at_any_turn_is_reached():
    outcome = judge(CONVERSATION, [said("utter_offer"), said("utter_ask_number"), said("utter_balance")])
    assert outcome.reached and outcome.failure == ""
    assert outcome.transcript[:2] == ["> сколько должен", "< [utter_offer] text of utter_offer"]


def test_a_missed_expectation_names_the_turn():
    outcome = judge(
        CONVERSATION, [said("utter_offer"), said("utter_nothing_to_confirm"), said("utter_balance")]
    )
    assert not outcome.reached
    assert outcome.failure == (
        "turn 2 «давай»: expected one of utter_ask_number, got utter_nothing_to_confirm"
    )


def test_not_understanding_fails_even_when_the_goal_comes_later():
    outcome = judge(
        CONVERSATION, [said("utter_offer"), said("utter_ask_number"), said("utter_inform_without_task")]
    )
    assert outcome.failure == "turn 3 «1002003004»: said utter_inform_without_task"


def test_three_same_answers_in_a_row_are_a_loop():
    looping = Conversation("x", "correction", "", (Turn("a"), Turn("b"), Turn("c")), ("utter_done",))
    outcome = judge(looping, [said("utter_ask_address")] * 3)
    assert outcome.failure == "turn 3 «c»: the same answer 3 turns in a row"


def test_no_goal_and_no_answer_are_failures():
    assert judge(CONVERSATION, [said("a"), said("utter_ask_number"), said("b")]).failure == (
        "goal not reached: none of utter_balance"
    )
    assert judge(CONVERSATION, [Said(), said("x"), said("y")]).failure == "turn 1 «сколько должен»: no answer"


def test_the_files_environments_merge_and_a_clash_is_an_error(tmp_path):
    first, second = tmp_path / "a.yml", tmp_path / "b.yml"
    first.write_text("environment: {WINDOW: '1-31'}\nconversations: []\n", encoding="utf-8")
    second.write_text("environment: {WINDOW: '1-31', OTHER: 2}\n", encoding="utf-8")
    assert environment([first, second]) == {"WINDOW": "1-31", "OTHER": "2"}
    second.write_text("environment: {WINDOW: '15-25'}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="set differently"):
        environment([first, second])
