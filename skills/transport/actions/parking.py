"""Parking: the zones near a place (free places and price), then pay for a zone and a duration; extend the running
session, or stop it early with the unused time given back. Money moves only after a confirmation, once per
confirmation shown (its payment key is kept in a slot)."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from engine.sdk import (
    TextAnswers,
    button,
    clock,
    corrects_other_slots,
    entity_value,
    fold_spelling,
    money,
    phrase,
    picked_position,
    read_minutes,
    record_id,
    resident_id,
    session_scope,
    skill_lexicon,
    yes_no_extraction,
)

from .. import parking
from ..geo import Point
from ..models import ParkingSession, ParkingZone
from ..places import AMBIGUOUS, FOUND, read_place
from ..texts import duration_text, local_clock_text
from .trip import place_of, places_by_role, unroled_locations

OP, NEAR, ZONE = "transport_parking_op", "transport_parking_near", "transport_zone"
MINUTES, CONFIRM, KEY = "transport_parking_minutes", "transport_parking_confirm", "transport_parking_key"
PARKING_SLOTS = (OP, NEAR, ZONE, MINUTES, CONFIRM, KEY)
START, EXTEND, STOP, NONE = "start", "extend", "stop", "none"
STEPS = {START: (NEAR, ZONE, MINUTES, CONFIRM), EXTEND: (MINUTES, CONFIRM), STOP: (CONFIRM,), NONE: ()}
LEXICON = skill_lexicon(__file__)
CODE = re.compile(LEXICON["zone_code_pattern"])


def words_say(text: str, key: str) -> bool:
    folded = " " + " ".join(fold_spelling(text.lower()).split()) + " "
    return any(f" {word}" in folded for word in LEXICON[key])


def op_said(tracker: Tracker) -> Optional[str]:
    """STOP or EXTEND when the message (or its button) asks it of the running session, else None."""
    chosen = entity_value(tracker, "transport_parking_op_id")
    if chosen in (START, STOP, EXTEND):
        return chosen
    text = tracker.latest_message.get("text") or ""
    if words_say(text, "parking_stop_words"):
        return STOP
    return EXTEND if words_say(text, "parking_extend_words") else None


def running(session: Session, tracker: Tracker) -> Optional[ParkingSession]:
    """The resident's parking session that ends soonest, if one is running."""
    found = parking.active_parking(session, resident_id(session, tracker), clock.now())
    return found[0] if found else None


def shown_zones(session: Session, point: Point) -> List[parking.ZoneInfo]:
    """The zones near a place as the bot lists them: those with free places first, nearest first."""
    return sorted(parking.zones_near(session, point, clock.now()), key=lambda info: info.free_places == 0)


def zone_values(zone: ParkingZone) -> Dict[str, Any]:
    return {"code": zone.code, "title": zone.title, "max_hours": zone.max_hours}


class ValidateTransportParkingForm(TextAnswers, FormValidationAction):
    def name(self) -> Text:
        return "validate_transport_parking_form"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        op = tracker.get_slot(OP) or op_said(tracker) or START
        return [OP, *STEPS[op]] if op in STEPS else [OP]

    async def extract_transport_parking_op(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Stop or extend the running session when the message says so (or its button); else a new parking."""
        if tracker.get_slot(OP) is not None:
            return {}
        said = op_said(tracker)
        if said not in (STOP, EXTEND):
            return {OP: START}
        with session_scope() as session:
            current = running(session, tracker)
        if current is None:
            dispatcher.utter_message(response="utter_transport_parking_none_active")
            return {OP: NONE}
        return {OP: said}

    async def extract_transport_parking_near(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """The place told with the request ("near the market"); the answer to where comes by the slot's mapping."""
        if tracker.get_slot(REQUESTED_SLOT) is None and tracker.get_slot(NEAR) is None:
            named = list(places_by_role(tracker.latest_message.get("text") or "").values())
            if named:
                return {NEAR: named[0]}
            tagged = [
                e.get("value")
                for e in tracker.latest_message.get("entities") or []
                if e.get("entity") == "location"
            ]
            said = tagged or [value for value, _ in unroled_locations(tracker)]
            if said:
                return {NEAR: str(said[0])}
        return {}

    async def extract_transport_parking_minutes(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """A duration said with the request ("pay for parking for 2 hours"), with the zone ("the first, for 2 hours")
        or corrected at the confirmation."""
        minutes = read_minutes(tracker.latest_message.get("text") or "")
        asked = tracker.get_slot(REQUESTED_SLOT)
        if (
            minutes is not None
            and asked in (None, ZONE, CONFIRM)
            and str(minutes) != str(tracker.get_slot(MINUTES))
        ):
            return {MINUTES: str(minutes)}
        return {}

    async def extract_transport_parking_confirm(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return yes_no_extraction(tracker, CONFIRM)

    def validate_transport_parking_near(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        text = str(slot_value or "")
        place = place_of(text) if ":" in text else None
        if place is None:
            reading = read_place(text)
            if reading.status not in (FOUND, AMBIGUOUS):
                dispatcher.utter_message(response="utter_transport_place_unknown", said=text)
                return {NEAR: None}
            place = reading.places[0]  # the zones near the likeliest place; the list shows where they are
        with session_scope() as session:
            if not parking.zones_near(session, place.point, clock.now()):
                dispatcher.utter_message(response="utter_transport_zones_none", place=place.title)
                return {NEAR: None}
        return {NEAR: place.id}

    def validate_transport_zone(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        text = str(slot_value or "")
        with session_scope() as session:
            zone = self._zone(session, tracker, text)
            if zone is None:
                dispatcher.utter_message(response="utter_transport_zone_unknown")
                return {ZONE: None}
            if parking.free_places(session, zone, clock.now()) == 0:
                dispatcher.utter_message(response="utter_transport_zone_full", code=zone.code)
                return {ZONE: None}
            return {ZONE: str(zone.id)}

    @staticmethod
    def _zone(session: Session, tracker: Tracker, text: str) -> Optional[ParkingZone]:
        if text.isdigit():
            number = record_id(text)
            return session.get(ParkingZone, number) if number is not None else None
        code = CODE.search(fold_spelling(text.lower()))
        if code:
            return parking.zone_by_code(session, f"P{code.group(1)}")
        near = place_of(tracker.get_slot(NEAR))
        position = picked_position(text)
        if near is None or not str(position or "").isdigit():
            return None
        position = int(position)
        shown = shown_zones(session, near.point)
        return shown[position - 1].zone if 0 < position <= len(shown) else None

    def validate_transport_parking_minutes(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        text = str(slot_value if slot_value is not None else "")
        minutes = record_id(text) if text.isdigit() else read_minutes(text)
        with session_scope() as session:
            zone = self._current_zone(session, tracker)
            limit = zone.max_hours * 60 if zone else 24 * 60
            if minutes is None or not parking.MIN_MINUTES <= minutes <= limit:
                dispatcher.utter_message(
                    response="utter_transport_parking_minutes_unreadable", max_hours=limit // 60
                )
                return {MINUTES: None}
        return {
            MINUTES: str(minutes),
            **({CONFIRM: None} if tracker.get_slot(REQUESTED_SLOT) == CONFIRM else {}),
        }

    def validate_transport_parking_confirm(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if corrects_other_slots(tracker, CONFIRM):
            return {CONFIRM: None}
        return {CONFIRM: slot_value}

    @staticmethod
    def _current_zone(session: Session, tracker: Tracker) -> Optional[ParkingZone]:
        if tracker.get_slot(OP) == EXTEND:
            current = running(session, tracker)
            return session.get(ParkingZone, current.zone_id) if current else None
        zone = record_id(tracker.get_slot(ZONE))
        return session.get(ParkingZone, zone) if zone is not None else None


class ActionAskTransportZone(Action):
    """The zones near the place told, nearest first, with a button each."""

    def name(self) -> str:
        return "action_ask_transport_zone"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        near = place_of(tracker.get_slot(NEAR))
        if near is None:
            return [SlotSet(NEAR, None)]
        with session_scope() as session:
            shown = shown_zones(session, near.point)
            lines, buttons = [], []
            for info in shown:
                values = {
                    **zone_values(info.zone),
                    "price": money(info.zone.price_per_hour, whole_rubles=True),
                    "distance": int(round(info.distance_km * 1000, -1)),
                    "free": info.free_places,
                    "capacity": info.zone.capacity,
                }
                lines.append(phrase(domain, "utter_transport_zone_line", **values))
                title = phrase(domain, "utter_transport_zone_button", **values)
                buttons.append(button(title, "inform", transport_zone_id=str(info.zone.id)))
        dispatcher.utter_message(
            response="utter_transport_zones", place=near.title, zones="\n".join(lines), buttons=buttons
        )
        return []


class ActionAskTransportParkingMinutes(Action):
    def name(self) -> str:
        return "action_ask_transport_parking_minutes"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        with session_scope() as session:
            if tracker.get_slot(OP) == EXTEND:
                current = running(session, tracker)
                if current is None:
                    return [SlotSet(OP, NONE)]
                zone = session.get(ParkingZone, current.zone_id)
                dispatcher.utter_message(
                    response="utter_ask_transport_parking_extend_minutes",
                    until=local_clock_text(current.ends_at),
                    **zone_values(zone),
                )
                return []
            zone = ValidateTransportParkingForm._current_zone(session, tracker)
            dispatcher.utter_message(response="utter_ask_transport_parking_minutes", **zone_values(zone))
        return []


class ActionAskTransportParkingConfirm(Action):
    """Says what will be paid (or given back), and keeps a new payment key for this very confirmation."""

    def name(self) -> str:
        return "action_ask_transport_parking_confirm"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        now = clock.now()
        op = tracker.get_slot(OP)
        with session_scope() as session:
            current = running(session, tracker)
            if op == STOP:
                if current is None:
                    return [SlotSet(OP, NONE)]
                zone = session.get(ParkingZone, current.zone_id)
                refund = parking.refund_preview(session, current, now)
                dispatcher.utter_message(
                    response="utter_ask_transport_parking_stop_confirm",
                    refund=money(refund),
                    **zone_values(zone),
                )
                return [SlotSet(KEY, uuid.uuid4().hex)]
            minutes = record_id(tracker.get_slot(MINUTES))
            zone = ValidateTransportParkingForm._current_zone(session, tracker)
            if zone is None:
                return [SlotSet(ZONE, None)]
            if minutes is None or not parking.MIN_MINUTES <= minutes <= zone.max_hours * 60:
                return [SlotSet(MINUTES, None)]  # asked again (the form's own answers never are out of range)
            start = clock.to_store(now) if op == START or current is None else current.ends_at
            until = local_clock_text(start + timedelta(minutes=minutes))
            values = {
                **zone_values(zone),
                "duration": duration_text(minutes),
                "until": until,
                "amount": money(parking.price(zone, minutes)),
            }
        response = (
            "utter_ask_transport_parking_extend_confirm"
            if op == EXTEND
            else "utter_ask_transport_parking_confirm"
        )
        dispatcher.utter_message(response=response, **values)
        return [SlotSet(KEY, uuid.uuid4().hex)]
