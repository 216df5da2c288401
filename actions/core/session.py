"""`action_session_start`: Rasa's own session start, plus the operator desk's pause carried into the new session.

Rasa starts a new session after `session_expiration_time` of silence, and a new session is not paused: a resident
who writes again after an hour while an operator holds the conversation would get the bot back in the middle of
the operator's answer. So when the conversation is held at the desk (engine/handoff.py), the new session is paused
again; closing the request at the desk resumes it.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ConversationPaused, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from engine import handoff
from engine.sdk import session_scope


class ActionSessionStart(Action):
    def name(self) -> Text:
        return "action_session_start"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        events: List[EventType] = [SessionStarted()]
        if (domain.get("session_config") or {}).get("carry_over_slots_to_new_session", True):
            events += [SlotSet(name, value) for name, value in tracker.slots.items() if value is not None]
        with session_scope() as session:
            if handoff.held_by_operator(session, tracker.sender_id):
                events.append(ConversationPaused())
        return [*events, ActionExecuted("action_listen")]
