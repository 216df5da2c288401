"""Where the car is, and cancelling a ride: free while no driver is on the way for long (rides.cancel_terms),
else for the fee said before confirming; a confirmation given on terms that changed since is asked again."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from engine.sdk import clock, money, record_id, resident_id, session_scope, yes_no_extraction

from .. import rides
from ..fares import TARIFFS, car_minutes
from ..models import ARRIVING, ASSIGNED, IN_TRIP, SCHEDULED, SEARCHING, WAITING, Driver, Ride
from ..texts import driver_values, ride_values, status_text
from .notice import tell_driver_cancelled

CONFIRM, RIDE, FEE = "transport_cancel_confirm", "transport_cancel_ride", "transport_cancel_fee"
CANCEL_FORM = "transport_cancel_form"
STATUS_RESPONSES = {
    SEARCHING: "utter_transport_status_searching",
    SCHEDULED: "utter_transport_status_scheduled",
    ASSIGNED: "utter_transport_status_assigned",
    ARRIVING: "utter_transport_status_arriving",
    WAITING: "utter_transport_status_waiting",
    IN_TRIP: "utter_transport_status_in_trip",
}


def lead_minutes() -> int:
    return int(rides.dispatch_lead().total_seconds() // 60)


def minutes_left_in_trip(ride: Ride, now: datetime) -> int:
    """The ride's car minutes less those since it started (at least one)."""
    started = ride.started_at or clock.to_store(now)
    elapsed = (clock.to_store(now) - started).total_seconds() / 60
    return max(1, car_minutes(float(ride.km)) - int(elapsed))


class ActionTransportRideStatus(Action):
    def name(self) -> str:
        return "action_transport_ride_status"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        now = clock.now()
        with session_scope() as session:
            ride = rides.active_ride(session, resident_id(session, tracker))
            if ride is None:
                dispatcher.utter_message(response="utter_transport_no_ride")
                return []
            state = rides.ride_status(session, ride, now)
            eta = state.eta_minutes
            if state.status == IN_TRIP:
                eta = minutes_left_in_trip(ride, now)
            dispatcher.utter_message(
                response=STATUS_RESPONSES[state.status],
                eta=eta or 1,
                lead=lead_minutes(),
                **ride_values(ride),
                **driver_values(state.driver),
            )
        return []


def confirmed_fee(value: Any) -> Optional[Decimal]:
    """The cancellation fee the confirmation named (its slot), None when it holds no amount."""
    try:
        fee = Decimal(str(value if value is not None else 0))
    except (InvalidOperation, ValueError):
        return None
    return fee if fee.is_finite() else None


def interrupted_form(tracker: Tracker) -> Optional[str]:
    """The skill's form the cancel request broke into (a form started and not finished before it), if any."""
    for event in reversed(tracker.events):
        name = event.get("name")
        if (
            event.get("event") == "action"
            and str(name).startswith("action_transport_")
            and name.endswith("_done")
        ):
            return None
        if event.get("event") == "active_loop" and name and name != CANCEL_FORM:
            return name if name.startswith("transport_") else None
    return None


def open_ride(tracker: Tracker) -> Optional[int]:
    with session_scope() as session:
        ride = rides.active_ride(session, resident_id(session, tracker))
        return ride.id if ride is not None else None


class ValidateTransportCancelForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_transport_cancel_form"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        """Nothing to ask without an open ride: the done action says so."""
        return domain_slots if open_ride(tracker) is not None else []

    async def extract_transport_cancel_confirm(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return yes_no_extraction(tracker, CONFIRM)


class ActionAskTransportCancelConfirm(Action):
    """Names the ride and its terms, and keeps both: the done action cancels on exactly these terms."""

    def name(self) -> str:
        return "action_ask_transport_cancel_confirm"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        with session_scope() as session:
            ride = rides.active_ride(session, resident_id(session, tracker))
            if ride is None:
                return [SlotSet(CONFIRM, False), SlotSet(REQUESTED_SLOT, None)]
            terms = rides.cancel_terms(ride, clock.now())
            values = ride_values(ride)
        if not terms.allowed:
            return [
                SlotSet(CONFIRM, False),
                SlotSet(RIDE, str(values["ride"])),
                SlotSet(REQUESTED_SLOT, None),
            ]
        if terms.free:
            dispatcher.utter_message(response="utter_ask_transport_cancel_confirm_free", **values)
        else:
            dispatcher.utter_message(
                response="utter_ask_transport_cancel_confirm_fee",
                fee=money(terms.fee, whole_rubles=True),
                grace=TARIFFS["cancel_grace_minutes"],
                **values,
            )
        return [SlotSet(RIDE, str(values["ride"])), SlotSet(FEE, str(terms.fee))]


class ActionTransportCancelDone(Action):
    def name(self) -> str:
        return "action_transport_cancel_done"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        cleared: List[EventType] = [SlotSet(CONFIRM, None), SlotSet(RIDE, None), SlotSet(FEE, None)]
        now = clock.now()
        with session_scope() as session:
            resident = resident_id(session, tracker)
            ride_id = tracker.get_slot(RIDE)
            number = record_id(ride_id)
            ride = session.get(Ride, number) if number is not None else None
            if ride is None or ride.resident_id != resident:
                # «отмена, муж отвезёт» while ordering: nothing was ordered, so the order in progress is what ends
                interrupted = interrupted_form(tracker)
                dispatcher.utter_message(
                    response="utter_cancel_done" if interrupted else "utter_transport_no_ride"
                )
                return cleared
            if not tracker.get_slot(CONFIRM):
                terms = rides.cancel_terms(ride, now)
                if terms.allowed:
                    dispatcher.utter_message(response="utter_transport_cancel_declined")
                else:
                    status = status_text(rides.ride_status(session, ride, now).status)
                    dispatcher.utter_message(
                        response="utter_transport_cancel_too_late", ride=ride.id, status=status
                    )
                return cleared
            driver_id = ride.driver_id
            outcome = rides.cancel_ride(
                session, ride, resident, now, expected_fee=confirmed_fee(tracker.get_slot(FEE))
            )
            if outcome.code == "fee_changed":
                fee = outcome.terms.fee
                dispatcher.utter_message(
                    response="utter_transport_cancel_fee_changed", fee=money(fee, whole_rubles=True)
                )
                return [SlotSet(CONFIRM, None), SlotSet(FEE, str(fee))]
            if outcome.code != "cancelled":
                status = status_text(rides.ride_status(session, ride, now).status)
                dispatcher.utter_message(
                    response="utter_transport_cancel_too_late", ride=ride.id, status=status
                )
                return cleared
            driver = session.get(Driver, driver_id) if driver_id is not None else None
            if driver is not None:
                tell_driver_cancelled(session, driver, ride)
            fee = outcome.terms.fee if outcome.terms else Decimal(0)
        if fee > 0:
            dispatcher.utter_message(
                response="utter_transport_cancelled_fee", ride=ride_id, fee=money(fee, whole_rubles=True)
            )
        else:
            dispatcher.utter_message(response="utter_transport_cancelled_free", ride=ride_id)
        return cleared
