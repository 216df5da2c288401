"""What the parking form was for, done: a new session paid, the running one extended, or stopped early."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from engine.sdk import clock, money, record_id, resident_id, session_scope

from .. import parking
from ..models import ParkingZone
from ..texts import local_clock_text
from .parking import CONFIRM, EXTEND, KEY, MINUTES, OP, PARKING_SLOTS, START, STOP, ZONE, running, zone_values

REFUSALS = {
    "full": "utter_transport_parking_refused_full",
    "already_parked": "utter_transport_parking_refused_already",
    "ended": "utter_transport_parking_refused_ended",
    "not_yours": "utter_transport_parking_none_active",
}


class ActionTransportParkingDone(Action):
    def name(self) -> str:
        return "action_transport_parking_done"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        cleared: List[EventType] = [SlotSet(slot, None) for slot in PARKING_SLOTS]
        op, key = tracker.get_slot(OP), tracker.get_slot(KEY)
        if op not in (START, EXTEND, STOP):
            return cleared  # nothing to do: already told there is no running session
        if not tracker.get_slot(CONFIRM) or not key:
            dispatcher.utter_message(
                response="utter_transport_parking_kept" if op == STOP else "utter_transport_parking_declined"
            )
            return cleared
        now = clock.now()
        minutes, zone_number = record_id(tracker.get_slot(MINUTES)), record_id(tracker.get_slot(ZONE))
        if op != STOP and (minutes is None or (op == START and zone_number is None)):
            dispatcher.utter_message(
                response="utter_transport_parking_declined"
            )  # nothing that can be paid for
            return cleared
        with session_scope() as session:
            resident = resident_id(session, tracker)
            # The key is the resident's own: another's key, typed into a payload, never answers with their payment.
            idempotency_key = f"transport-parking-{resident}-{key}"
            current = running(session, tracker)
            if op == STOP:
                if current is None:
                    dispatcher.utter_message(response="utter_transport_parking_none_active")
                    return cleared
                zone = session.get(ParkingZone, current.zone_id)
                stopped = parking.stop_parking(
                    session, resident, current.id, now, idempotency_key=idempotency_key
                )
                response = (
                    "utter_transport_parking_stopped"
                    if stopped.refund > 0
                    else "utter_transport_parking_stopped_nothing"
                )
                dispatcher.utter_message(response=response, refund=money(stopped.refund), **zone_values(zone))
                return cleared
            if op == EXTEND:
                if current is None:
                    dispatcher.utter_message(response="utter_transport_parking_none_active")
                    return cleared
                outcome = parking.extend_parking(
                    session, resident, current.id, minutes, now, idempotency_key=idempotency_key
                )
            else:
                outcome = parking.start_parking(
                    session,
                    resident,
                    zone_number,
                    minutes,
                    now,
                    idempotency_key=idempotency_key,
                )
            held = outcome.parking
            zone = session.get(ParkingZone, held.zone_id if held else zone_number or 0)
            if zone is None:  # no such zone: nothing was paid
                dispatcher.utter_message(response="utter_transport_parking_declined")
                return cleared
            values = {**zone_values(zone), "until": local_clock_text(held.ends_at) if held else ""}
        if outcome.code in ("started", "extended"):
            response = (
                "utter_transport_parking_started"
                if outcome.code == "started"
                else "utter_transport_parking_extended"
            )
            dispatcher.utter_message(response=response, **values)
        elif outcome.code == "payment_declined":
            dispatcher.utter_message(response="utter_transport_parking_payment_declined", **values)
        else:
            dispatcher.utter_message(
                response=REFUSALS.get(outcome.code, "utter_transport_parking_declined"), **values
            )
        return cleared
