"""Public transport from here to there: a real search over the skill's network (routing.py, RAPTOR), worded as
legs. After the last trips of the day it is tomorrow's first journey; when nothing runs now the taxi fare is
offered for the same trip."""

from __future__ import annotations

from typing import Any, Dict, Text

from rasa_sdk import FormValidationAction
from rasa_sdk.executor import CollectingDispatcher

from engine.sdk import TextAnswers, clock, offer, phrase, plural, skill_lexicon

from ..places import Place
from ..routing import RIDE, Journey, Leg, Network, plan, shipped_network
from .trip import TripDone, TripPlaces

LEXICON = skill_lexicon(__file__)


def clock_text(minutes: int) -> str:
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def leg_line(domain: Dict[str, Any], network: Network, leg: Leg) -> str:
    if leg.mode == RIDE:
        line = network.line(leg.line_id)
        return phrase(
            domain,
            "utter_transport_route_ride_leg",
            line=f"{LEXICON['line_types'][line.type]} {line.name}",
            from_stop=network.stop_name(leg.from_stop),
            departs=clock_text(leg.departs),
            to_stop=network.stop_name(leg.to_stop),
            stops=plural(leg.stops, LEXICON["stops_forms"]),
        )
    to_stop = (
        phrase(domain, "utter_transport_route_walk_to_stop", stop=network.stop_name(leg.to_stop))
        if leg.to_stop
        else ""
    )
    return phrase(
        domain, "utter_transport_route_walk_leg", minutes=leg.arrives - leg.departs, to_stop=to_stop
    )


def journey_values(domain: Dict[str, Any], network: Network, journey: Journey) -> Dict[str, Any]:
    transfers = (
        phrase(domain, "utter_transport_route_transfers", count=journey.transfers)
        if journey.transfers
        else ""
    )
    return {
        "legs": "\n".join(leg_line(domain, network, leg) for leg in journey.legs),
        "departs": clock_text(journey.departs),
        "total": journey.arrives - journey.departs,
        "arrives": clock_text(journey.arrives),
        "transfers": transfers,
    }


class ValidateTransportRouteForm(TripPlaces, TextAnswers, FormValidationAction):
    def name(self) -> Text:
        return "validate_transport_route_form"


class ActionTransportRouteDone(TripDone):
    def name(self) -> str:
        return "action_transport_route_done"

    def answer(
        self, dispatcher: CollectingDispatcher, domain: Dict[str, Any], origin: Place, destination: Place
    ) -> None:
        now = clock.now()
        now_minutes = now.hour * 60 + now.minute
        network = shipped_network()
        journey = plan(network, origin.point, destination.point, now_minutes)
        places = {"from_place": origin.title, "to_place": destination.title}
        taxi = offer("transport_fare", transport_from_id=origin.id, transport_to_id=destination.id)
        if journey is None:
            # Timetables repeat every day: from midnight is tomorrow's first journey, if any line connects them.
            tomorrow = plan(network, origin.point, destination.point, 0)
            if tomorrow is None:
                dispatcher.utter_message(response="utter_transport_route_none", **places, **taxi)
            else:
                dispatcher.utter_message(
                    response="utter_transport_route_tomorrow",
                    **places,
                    **journey_values(domain, network, tomorrow),
                    **taxi,
                )
        elif all(leg.mode != RIDE for leg in journey.legs):
            dispatcher.utter_message(
                response="utter_transport_route_walk_only", minutes=journey.arrives - now_minutes, **places
            )
        else:
            dispatcher.utter_message(
                response="utter_transport_route", **places, **journey_values(domain, network, journey)
            )
