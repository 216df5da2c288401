"""`cancel`: leaves whatever form is active, from any step, and forgets what it had collected."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT


def form_slots(domain: Dict[str, Any], form: str) -> List[str]:
    spec = (domain.get("forms") or {}).get(form) or {}
    return list(spec.get("required_slots") or [])


def leave_form(tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
    """Events that end the active form and clear its slots; nothing if no form is active."""
    form = tracker.active_loop_name
    if not form:
        return []
    return [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)] + [
        SlotSet(slot, None) for slot in form_slots(domain, form)
    ]


class ActionCancel(Action):
    def name(self) -> str:
        return "action_cancel"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        events = leave_form(tracker, domain)
        dispatcher.utter_message(response="utter_cancel_done" if events else "utter_cancel_nothing")
        return events
