from typing import Any, Dict, List

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.interfaces import ActionExecutionRejection

from engine.skills.guard import guard
from engine.testing import make_tracker, run_action


class Exploding(Action):
    def name(self) -> str:
        return "action_exploding"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        dispatcher.utter_message(text="половина ответа")
        raise ZeroDivisionError("boom")


class Rejecting(Action):
    def name(self) -> str:
        return "action_rejecting"

    async def run(self, dispatcher, tracker, domain):
        raise ActionExecutionRejection(self.name())


guard(Exploding, "broken_skill")
guard(Rejecting, "broken_skill")


def test_a_failing_action_apologises_and_logs_the_skill(caplog):
    messages, events = run_action(Exploding(), make_tracker("x"))
    assert messages == [
        {"response": "utter_skill_error", **{k: v for k, v in messages[0].items() if k != "response"}}
    ]
    assert events == []
    assert "skill 'broken_skill': action 'action_exploding' failed" in caplog.text


def test_a_failing_action_inside_a_form_leaves_the_form(caplog):
    _, events = run_action(Exploding(), make_tracker("x", active_loop="some_form"))
    assert [e["event"] for e in events] == ["active_loop", "slot"]


def test_form_rejection_passes_through():
    with pytest.raises(ActionExecutionRejection):
        run_action(Rejecting(), make_tracker("x"))


def test_guarding_twice_wraps_once():
    wrapped = Exploding.run
    guard(Exploding, "broken_skill")
    assert Exploding.run is wrapped
