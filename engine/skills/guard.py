"""Keeps one skill's failure from taking down the action server or the conversation."""

from __future__ import annotations

import functools
import inspect
import logging
from typing import Any, Callable, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.interfaces import ActionExecutionRejection

logger = logging.getLogger(__name__)

APOLOGY_RESPONSE = "utter_skill_error"
_GUARDED = "__skill_guarded__"


def _guarded(run: Callable[..., Any], skill: str) -> Callable[..., Any]:
    @functools.wraps(run)
    async def guarded_run(
        self: Action, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        try:
            result = run(self, dispatcher, tracker, domain)
            return await result if inspect.isawaitable(result) else result
        except ActionExecutionRejection:
            raise  # a form declining the message: Rasa's own control flow
        except Exception:
            logger.exception("skill '%s': action '%s' failed", skill, self.name())
            dispatcher.messages.clear()  # a half-finished answer would mislead
            dispatcher.utter_message(response=APOLOGY_RESPONSE)
            if tracker.active_loop_name:
                return [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)]
            return []

    setattr(guarded_run, _GUARDED, True)
    return guarded_run


def guard(action_class: type, skill: str) -> None:
    """Wraps `run` of an action class so that an exception becomes an apology, logged with the skill's name."""
    if not getattr(action_class.run, _GUARDED, False):
        action_class.run = _guarded(action_class.run, skill)
