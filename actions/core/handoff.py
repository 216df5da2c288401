"""`human_handoff`: records the request with the transcript and tells the resident what happens next."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.core.cancel import leave_form
from engine import handoff, residents
from engine.sdk import channel_identity, session_scope

TRANSCRIPT_LIMIT = 50  # latest messages kept with the request


def transcript_from_events(events: Iterable[Dict[str, Any]]) -> List[Dict[str, str]]:
    """The resident's and the bot's messages, oldest first."""
    lines = []
    for event in events:
        if event.get("event") not in ("user", "bot") or not event.get("text"):
            continue
        moment = datetime.fromtimestamp(event.get("timestamp") or 0, tz=timezone.utc)
        speaker = "resident" if event["event"] == "user" else "bot"
        lines.append(
            {"speaker": speaker, "text": event["text"], "time": moment.isoformat(timespec="seconds")}
        )
    return lines[-TRANSCRIPT_LIMIT:]


def handoff_reason(tracker: Tracker) -> str:
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    return "resident_asked" if intent == "human_handoff" else "bot_stuck"


class ActionHumanHandoff(Action):
    def name(self) -> str:
        return "action_human_handoff"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        channel, external_id = channel_identity(tracker)
        with session_scope() as session:
            identity = residents.identity_for(session, channel, external_id)
            request = handoff.open_request(
                session,
                channel=channel,
                external_id=external_id,
                conversation_id=tracker.sender_id,
                resident_id=identity.resident_id,
                transcript=transcript_from_events(tracker.events),
                reason=handoff_reason(tracker),
            )
            number = request.id
        dispatcher.utter_message(response="utter_handoff_requested", request_number=str(number))
        return leave_form(tracker, domain)
