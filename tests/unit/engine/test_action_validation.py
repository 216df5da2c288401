"""Rasa's check of the action server's answers, with a validator built once (engine/action_validation.py)."""

import pytest
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

import connectors  # noqa: F401  (installs the check, as in every Rasa server of the project)
from engine.action_validation import validate_action_result

ACTION = RemoteAction("action_anything", EndpointConfig("http://127.0.0.1:5055/webhook"))


def test_the_rasa_server_uses_the_cached_check():
    assert RemoteAction._validate_action_result is validate_action_result


def test_a_well_formed_answer_passes():
    answer = {
        "events": [{"event": "slot", "name": "phone", "value": "+79990000000"}],
        "responses": [{"response": "utter_greet"}, {"text": "привет", "buttons": []}],
    }
    assert ACTION._validate_action_result(answer) is True


@pytest.mark.parametrize(
    "answer",
    [
        {"events": "not a list"},
        {"events": [{"name": "phone"}]},
        {"events": [{"event": 5}]},
        {"responses": "utter_greet"},
    ],
)
def test_a_malformed_answer_is_refused_with_rasas_own_error(answer):
    with pytest.raises(ValidationError) as ours:
        ACTION._validate_action_result(answer)
    with pytest.raises(ValidationError) as rasas:
        validate(answer, RemoteAction.action_response_format_spec())
    assert ours.value.message.startswith(rasas.value.message)
    assert "Failed to validate Action server response" in ours.value.message
