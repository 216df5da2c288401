"""nlu.command_words: a command word decides the intent only when the message is that command."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu.command_words import CommandIntentClassifier, command_intent


@pytest.mark.parametrize(
    "text",
    [
        "отмена",
        "Отмени",
        "ОТМЕНА!!!",
        "отмените пожалуйста",
        "передумал не надо",
        "я передумала",
        "всё, отбой",
        "нет, отмена",
        "отмена, постановление дома забыл",
        "отменяю, потом допишу",
        "стоп",
        "хватит",
        "ну всё хватит уже",
    ],
)
def test_a_command_is_cancel(text: str) -> None:
    assert command_intent(text) == "cancel"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "не надо",
        "нет",
        "отмени заказ",
        "отмени такси на завтра",
        "отменить запись на курс",
        "передумал, давай в четверг",
        "стоп, адрес не тот",
        "хватит спамить",
        "хочу отменить заказ",
        "сантехник нужен, отмена старого заказа",
        "12345",
        "ну нет не надо ничего я же не это вообще пожалуйста отмена",  # too long for a command
    ],
)
def test_anything_else_is_for_the_classifier(text: str) -> None:
    assert command_intent(text) is None


def _message(text: str, intent: str, confidence: float) -> Message:
    message = Message(data={TEXT: text})
    message.set(INTENT, {"name": intent, "confidence": confidence})
    message.set(
        INTENT_RANKING_KEY,
        [{"name": intent, "confidence": confidence}, {"name": "cancel", "confidence": confidence / 2}],
    )
    return message


def test_the_command_goes_first_and_is_not_listed_twice() -> None:
    (message,) = CommandIntentClassifier().process([_message("передумал не надо", "deny", 0.43)])
    assert message.get(INTENT) == {"name": "cancel", "confidence": 1.0}
    ranking = message.get(INTENT_RANKING_KEY)
    assert [entry["name"] for entry in ranking] == ["cancel", "deny"]
    assert ranking[0]["confidence"] == 1.0


def test_the_classifier_reading_stands_when_no_command() -> None:
    (message,) = CommandIntentClassifier().process([_message("отмени заказ", "market_cancel_order", 0.9)])
    assert message.get(INTENT) == {"name": "market_cancel_order", "confidence": 0.9}
    assert [entry["name"] for entry in message.get(INTENT_RANKING_KEY)] == ["market_cancel_order", "cancel"]


def test_a_long_message_is_read_only_as_far_as_needed() -> None:
    assert command_intent("отмена, " + "слово " * 5000) == "cancel"
    assert command_intent("передумал, " + "слово " * 5000) is None
    assert command_intent(", " * 3000) is None
