"""Notifications of rides, said later in a conversation (the engine's notifier): a driver found for a ride that
waited, a new ride for a driver, the driver's steps told to the passenger, a cancellation told to the driver."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from engine.sdk import (
    clock,
    delivered_now,
    entity_value,
    notify_later,
    notify_resident,
    record_id,
    session_scope,
)

from .. import rides
from ..dispatch import SKILL
from ..models import ARRIVING, ASSIGNED, SEARCHING, Driver, Ride
from ..texts import driver_values, ride_values, ride_when_text

NOTICE_INTENT = "EXTERNAL_transport_notice"
KIND, RIDE = "transport_notice_kind", "transport_notice_ride"
RETRY = timedelta(minutes=2)
EXPIRES = timedelta(minutes=30)
# Notices for the passenger, by kind: the response and whether the driver's ETA goes with it.
PASSENGER_NOTICES = {
    "ride_accepted": "utter_transport_notice_accepted",
    "driver_arrived": "utter_transport_notice_arrived",
    "ride_finished": "utter_transport_notice_finished",
}


def _tell(session: Session, resident: int, kind: str, ride: Ride) -> None:
    notify_resident(
        session,
        resident,
        skill=SKILL,
        name=f"{kind}-{ride.id}",
        intent=NOTICE_INTENT,
        at=clock.now(),
        entities={KIND: kind, RIDE: ride.id},
        expires_after=EXPIRES,
    )


def dispatch_later(session: Session, tracker: Tracker, ride: Ride, at: datetime) -> None:
    """Looks for a driver for the ride again at `at`, in this conversation (one pending look per ride)."""
    notify_later(
        session,
        tracker,
        skill=SKILL,
        name=f"dispatch-{ride.id}",
        intent=NOTICE_INTENT,
        at=at,
        entities={KIND: "dispatch", RIDE: ride.id},
        expires_after=EXPIRES,
    )


def tell_driver_new_ride(session: Session, driver: Driver, ride: Ride) -> None:
    """The assigned driver is offered the ride in their own conversation."""
    if driver.resident_id is not None:
        _tell(session, driver.resident_id, "driver_new_ride", ride)


def tell_driver_cancelled(session: Session, driver: Driver, ride: Ride) -> None:
    if driver.resident_id is not None:
        _tell(session, driver.resident_id, "driver_cancelled", ride)


def tell_passenger(session: Session, kind: str, ride: Ride) -> None:
    _tell(session, ride.resident_id, kind, ride)


class ActionTransportNotice(Action):
    def name(self) -> str:
        return "action_transport_notice"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        with session_scope() as session:
            if not delivered_now(session, tracker):
                return []
            kind, ride_id = entity_value(tracker, KIND), entity_value(tracker, RIDE)
            number = record_id(ride_id)
            ride = session.get(Ride, number) if number is not None else None
            if ride is None:
                return []
            if kind == "dispatch":
                self._dispatch(session, dispatcher, tracker, ride)
                return []
            state = rides.ride_status(session, ride, clock.now())
            values = {
                **ride_values(ride),
                **driver_values(state.driver),
                "eta": state.eta_minutes or 0,
                "when": ride_when_text(domain, ride),
            }
            if kind == "driver_new_ride" and ride.status == ASSIGNED:
                dispatcher.utter_message(response="utter_transport_notice_driver_new_ride", **values)
            elif kind == "driver_cancelled":
                dispatcher.utter_message(response="utter_transport_notice_driver_cancelled", **values)
            elif kind in PASSENGER_NOTICES:
                dispatcher.utter_message(response=PASSENGER_NOTICES[kind], **values)
        return []

    @staticmethod
    def _dispatch(session: Session, dispatcher: CollectingDispatcher, tracker: Tracker, ride: Ride) -> None:
        """A ride that waited for a driver: look again; tell the passenger and the driver when one is found, else
        look again in a while (the notification expires half an hour after the pickup was due)."""
        now = clock.now()
        rides.dispatch_due(session, now)
        state = rides.ride_status(session, ride, now)
        if state.driver is not None and ride.status in (ASSIGNED, ARRIVING):
            tell_driver_new_ride(session, state.driver, ride)
            dispatcher.utter_message(
                response="utter_transport_notice_assigned",
                eta=state.eta_minutes or 0,
                **ride_values(ride),
                **driver_values(state.driver),
            )
            return
        overdue = now - clock.to_local(ride.pickup_at)
        if (
            ride.status == SEARCHING and timedelta(0) <= overdue < RETRY
        ):  # said once, when the pickup time comes
            dispatcher.utter_message(response="utter_transport_notice_no_driver", **ride_values(ride))
        if ride.status in rides.UNASSIGNED:
            dispatch_later(session, tracker, ride, now + RETRY)
