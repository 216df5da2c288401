"""The fare before ordering: from where to where, the estimate (fares.py), and an offer to order that ride."""

from __future__ import annotations

from typing import Any, Dict, Text

from rasa_sdk import FormValidationAction
from rasa_sdk.executor import CollectingDispatcher

from engine.sdk import TextAnswers, clock, offer

from ..fares import estimate
from ..places import Place
from ..texts import fare_values
from .trip import TripDone, TripPlaces


class ValidateTransportFareForm(TripPlaces, TextAnswers, FormValidationAction):
    def name(self) -> Text:
        return "validate_transport_fare_form"


class ActionTransportFareDone(TripDone):
    def name(self) -> str:
        return "action_transport_fare_done"

    def answer(
        self, dispatcher: CollectingDispatcher, domain: Dict[str, Any], origin: Place, destination: Place
    ) -> None:
        fare = estimate(origin.point, destination.point, clock.now())
        dispatcher.utter_message(
            response="utter_transport_fare",
            from_place=origin.title,
            to_place=destination.title,
            **fare_values(domain, fare),
            **offer("transport_order_ride", transport_from_id=origin.id, transport_to_id=destination.id),
        )
