"""The driver's side: a driver of the cooperative marks the ride they are on from their own conversation
(accepted, at the pickup, started, finished), and the passenger is told each step."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from engine.sdk import clock, entity_value, fold_spelling, resident_id, session_scope, skill_lexicon

from .. import rides
from ..texts import ride_values, status_text
from .notice import tell_passenger

LEXICON = skill_lexicon(__file__)
STEP_WORDS: Dict[str, List[str]] = LEXICON["driver_steps"]
STEP_RESPONSES = {
    "accept": "utter_transport_driver_accepted",
    "arrived": "utter_transport_driver_arrived",
    "start": "utter_transport_driver_started",
    "finish": "utter_transport_driver_finished",
}
# What the passenger is told after each step (none when the trip starts: they are in the car).
PASSENGER_KIND = {"accept": "ride_accepted", "arrived": "driver_arrived", "finish": "ride_finished"}


def step_said(text: str) -> Optional[str]:
    """The step the driver's words name (`driver_steps` of lexicon.yml: the longest phrase wins)."""
    folded = " " + " ".join(fold_spelling(text.lower()).split()) + " "
    found = [
        (len(phrase), step)
        for step, phrases in STEP_WORDS.items()
        for phrase in phrases
        if f" {phrase} " in folded
    ]
    return max(found)[1] if found else None


class ActionTransportDriverUpdate(Action):
    def name(self) -> str:
        return "action_transport_driver_update"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        step = entity_value(tracker, "transport_driver_step") or step_said(
            tracker.latest_message.get("text") or ""
        )
        now = clock.now()
        with session_scope() as session:
            resident = resident_id(session, tracker)
            if rides.driver_of(session, resident) is None:
                dispatcher.utter_message(response="utter_transport_driver_only")
                return []
            ride = rides.driver_ride(session, resident)
            if ride is None:
                dispatcher.utter_message(response="utter_transport_driver_no_ride")
                return []
            if step not in STEP_RESPONSES:
                dispatcher.utter_message(response="utter_transport_driver_how", ride=ride.id)
                return []
            outcome = rides.driver_step(session, resident, ride.id, step, now)
            values = ride_values(ride)
            if outcome.code != "ok":
                status = status_text(rides.ride_status(session, ride, now).status)
                dispatcher.utter_message(
                    response="utter_transport_driver_step_refused", ride=ride.id, status=status
                )
                return []
            if step in PASSENGER_KIND:
                tell_passenger(session, PASSENGER_KIND[step], ride)
        dispatcher.utter_message(response=STEP_RESPONSES[step], **values)
        return []
