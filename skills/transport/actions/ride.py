"""Ordering a ride: from where (the known address by default), to where, when (now unless said), a confirmation
with the fare, then the nearest free driver (dispatch.py) — or a scheduled ride dispatched later."""

from __future__ import annotations

from datetime import date
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from engine.sdk import (
    TextAnswers,
    clock,
    corrects_other_slots,
    entity_value,
    resident_id,
    session_scope,
    yes_no_extraction,
)

from .. import rides
from ..fares import FareEstimate, estimate
from ..models import SCHEDULED
from ..pickup import MAX_AHEAD_DAYS, NOW, is_past, is_too_far, pickup_moment, read_pickup
from ..texts import driver_values, fare_values, ride_values, status_text, when_text
from .notice import RETRY, dispatch_later, tell_driver_new_ride
from .trip import FROM, STREET_ASKED, TO, TripPlaces, place_of

PICKUP, CONFIRM, QUOTED = "transport_pickup", "transport_ride_confirm", "transport_quoted_fare"
PICKUP_DAY = "transport_pickup_day"
RIDE_SLOTS = (FROM, TO, STREET_ASKED, PICKUP, PICKUP_DAY, CONFIRM, QUOTED)


def quote(tracker: Tracker) -> Optional[FareEstimate]:
    """The fare of the ride the form holds, at its pickup time."""
    origin, destination = place_of(tracker.get_slot(FROM)), place_of(tracker.get_slot(TO))
    at = pickup_moment(tracker.get_slot(PICKUP), clock.now())
    if origin is None or destination is None or at is None:
        return None
    return estimate(origin.point, destination.point, at)


class ValidateTransportRideForm(TripPlaces, TextAnswers, FormValidationAction):
    pickup_needs_house = True

    def name(self) -> Text:
        return "validate_transport_ride_form"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        """A resident with a ride under way is told so instead of ordering a second one."""
        if tracker.get_slot(REQUESTED_SLOT) is None and tracker.get_slot(FROM) is None:
            with session_scope() as session:
                if rides.active_ride(session, resident_id(session, tracker)) is not None:
                    return []
        return domain_slots

    async def extract_transport_pickup(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        said = read_pickup(
            tracker.latest_message.get("text") or "",
            entity_value(tracker, "date") or tracker.get_slot(PICKUP_DAY),
            entity_value(tracker, "time"),
            clock.now(),
        )
        if said is not None:
            return {PICKUP: said.isoformat() if isinstance(said, date) else said}
        if tracker.get_slot(PICKUP) is None and tracker.get_slot(REQUESTED_SLOT) is None:
            return {PICKUP: NOW}  # nothing said at the start: now
        return {}

    async def extract_transport_ride_confirm(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return yes_no_extraction(tracker, CONFIRM)

    def validate_transport_pickup(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        now = clock.now()
        moment = pickup_moment(slot_value, now)
        if moment is None:  # a day without an hour: the form asks the hour, and keeps the day
            return {PICKUP: None, PICKUP_DAY: str(slot_value)[:10]}
        if is_past(moment, now):
            dispatcher.utter_message(response="utter_transport_pickup_past")
            return {PICKUP: None}
        if is_too_far(moment, now):
            dispatcher.utter_message(response="utter_transport_pickup_too_far", days=MAX_AHEAD_DAYS)
            return {PICKUP: None}
        return {PICKUP: slot_value, **({CONFIRM: None} if CONFIRM not in tracker.slots_to_validate() else {})}

    def validate_transport_ride_confirm(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if corrects_other_slots(tracker, CONFIRM):
            return {CONFIRM: None}
        return {CONFIRM: slot_value}


class ActionAskTransportRideConfirm(Action):
    def name(self) -> str:
        return "action_ask_transport_ride_confirm"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        now = clock.now()
        fare = quote(tracker)
        if fare is None:
            return [SlotSet(PICKUP, None)]
        origin, destination = place_of(tracker.get_slot(FROM)), place_of(tracker.get_slot(TO))
        dispatcher.utter_message(
            response="utter_ask_transport_ride_confirm",
            from_place=origin.title,
            to_place=destination.title,
            when=when_text(domain, pickup_moment(tracker.get_slot(PICKUP), now), now),
            **fare_values(domain, fare),
        )
        return [SlotSet(QUOTED, str(fare.amount))]


class ActionTransportRideDone(Action):
    def name(self) -> str:
        return "action_transport_ride_done"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        cleared: List[EventType] = [SlotSet(slot, None) for slot in RIDE_SLOTS]
        with session_scope() as session:
            resident = resident_id(session, tracker)
            current = rides.active_ride(session, resident)
            if current is not None:
                status = status_text(rides.ride_status(session, current, clock.now()).status)
                dispatcher.utter_message(
                    response="utter_transport_ride_already", ride=current.id, status=status
                )
                return cleared
        if not tracker.get_slot(CONFIRM):
            dispatcher.utter_message(response="utter_transport_ride_declined")
            return cleared
        fare = quote(tracker)
        if fare is None:
            dispatcher.utter_message(response="utter_transport_ride_declined")
            return cleared
        if str(fare.amount) != str(tracker.get_slot(QUOTED)):  # the tariff period changed since it was said
            dispatcher.utter_message(response="utter_transport_fare_changed", **fare_values(domain, fare))
            return [SlotSet(CONFIRM, None), SlotSet(QUOTED, str(fare.amount))]
        return self._order(dispatcher, tracker, domain) + cleared

    @staticmethod
    def _order(dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        now = clock.now()
        origin, destination = place_of(tracker.get_slot(FROM)), place_of(tracker.get_slot(TO))
        pickup = pickup_moment(tracker.get_slot(PICKUP), now)
        with session_scope() as session:
            resident = resident_id(session, tracker)
            rides.lock_orders(session, resident)
            current = rides.active_ride(session, resident)
            if current is not None:  # ordered meanwhile: by this very confirmation sent twice, or elsewhere
                status = status_text(rides.ride_status(session, current, now).status)
                dispatcher.utter_message(
                    response="utter_transport_ride_already", ride=current.id, status=status
                )
                return []
            ride = rides.order_ride(
                session,
                resident,
                (origin.title, origin.point),
                (destination.title, destination.point),
                pickup if pickup and pickup > now else None,
                now,
            )
            state = rides.ride_status(session, ride, now)
            values = ride_values(ride)
            if state.driver is not None:
                tell_driver_new_ride(session, state.driver, ride)
                dispatcher.utter_message(
                    response="utter_transport_ride_assigned",
                    eta=state.eta_minutes,
                    **values,
                    **driver_values(state.driver),
                )
                return []
            due = max(clock.to_local(ride.pickup_at) - rides.dispatch_lead(), now + RETRY)
            dispatch_later(session, tracker, ride, due)
            scheduled = ride.status == SCHEDULED
        if scheduled:
            lead = int(rides.dispatch_lead().total_seconds() // 60)
            dispatcher.utter_message(response="utter_transport_ride_scheduled", lead=lead, **values)
        else:
            dispatcher.utter_message(response="utter_transport_ride_searching", **values)
        return []
