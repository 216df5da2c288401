"""Where from and where to: the place slots shared by the ride, fare and route forms.

Slots keep gazetteer ids (places.py), never free text: what the resident typed, or the location the model tagged,
is read here. A place the gazetteer cannot tell apart is asked back with buttons; an unknown one is said so; a
start point not given at all is the resident's known address (engine.sdk.known_address), when there is one.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import Any, Dict, List, Optional, Sequence, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from engine.sdk import (
    button,
    entity_value,
    known_address,
    last_reply_metadata,
    picked_position,
    resident_id,
    session_scope,
    skill_lexicon,
    value_before,
    words_of,
)

from ..places import (
    AMBIGUOUS,
    FOUND,
    HOME,
    NO_SUCH_HOUSE,
    STREET,
    Place,
    PlaceReading,
    place_by_id,
    read_place,
    street_houses,
)

FROM, TO = "transport_from", "transport_to"
ID_ENTITIES = {FROM: "transport_from_id", TO: "transport_to_id"}
ROLES = {FROM: "from", TO: "to"}
LEXICON = skill_lexicon(__file__)
FROM_WORDS = frozenset(LEXICON["from_prepositions"])
TO_WORDS = frozenset(LEXICON["to_prepositions"])
HERE_WORDS = frozenset(LEXICON["here_words"])
MAX_CHOICES = 5
# Where the candidates of an ambiguous place ride in the question's metadata.
CHOICES_KEY = "transport_choices"
# The street whose house the bot asked for: a bare number answers it.
STREET_ASKED = "transport_street"
HOUSE_ALONE = re.compile(LEXICON["house_alone_pattern"])
PUNCTUATION = ",.;:!?"


def place_of(value: Any) -> Optional[Place]:
    """The place a slot holds (a gazetteer id), or None."""
    return place_by_id(str(value)) if value else None


def home_place(tracker: Tracker) -> Optional[Place]:
    """The resident's known address, if the gazetteer can place it."""
    with session_scope() as session:
        address = known_address(session, resident_id(session, tracker))
    if not address:
        return None
    reading = read_place(address)
    return reading.places[0] if reading.status == FOUND else None


def unroled_locations(tracker: Tracker) -> List[Tuple[str, Optional[str]]]:
    """(value, the role its preposition gives) of the locations the model tagged without a role."""
    text = tracker.latest_message.get("text") or ""
    found = []
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") != "location" or entity.get("role"):
            continue
        before = text[: entity.get("start", 0)].split()
        word = before[-1].lower() if before else ""
        role = "from" if word in FROM_WORDS else "to" if word in TO_WORDS else None
        found.append((str(entity.get("value") or ""), role))
    return found


def _bare(word: str) -> str:
    return word.lower().strip(PUNCTUATION)


def offer_of_choices(slot: str, choices: Sequence[Place]) -> Dict[str, Any]:
    """The candidates of an ambiguous place, kept in the question's metadata (nothing is stored for them)."""
    return {CHOICES_KEY: {"slot": slot, "ids": [p.id for p in choices]}}


def choice_named(tracker: Tracker, slot: str, text: str) -> Optional[Place]:
    """The candidate the answer to "which one?" names: by its place in the list ("the first") or by a word of its
    title ("the square"), when exactly one fits."""
    asked: Dict[str, Any] = last_reply_metadata(tracker, CHOICES_KEY) or {}
    if asked.get("slot") != slot:
        return None
    choices = [p for p in (place_by_id(i) for i in asked.get("ids") or []) if p is not None]
    position = picked_position(text)
    if str(position or "").isdigit() and 0 < int(position) <= len(choices):
        return choices[int(position) - 1]
    said = set(words_of(text))
    fitting = [p for p in choices if said and said <= set(words_of(p.title))]
    return fitting[0] if len(fitting) == 1 else None


def places_by_role(text: str) -> Dict[str, str]:
    """What a message names after a from or a to preposition ("from the market to the station", "from Gagarin
    street house 12"), by role, read from the text itself: the id of the place named by the longest run of words
    after the preposition, up to the next preposition of either end; or, when no run names one place but the run
    is a place to ask about (several fit, or no such house), the run's words, for the validator to ask. The first
    one said of each role."""
    words = text.split()
    found: Dict[str, str] = {}
    index = 0
    while index < len(words):
        word = _bare(words[index])
        role = "from" if word in FROM_WORDS else "to" if word in TO_WORDS else None
        if role == "to" and index > 0 and _bare(words[index - 1]) in HERE_WORDS:
            role = "from"  # "I am at the mall": where the resident is
        end = index + 1
        while end < len(words) and _bare(words[end]) not in FROM_WORDS | TO_WORDS:
            end += 1
            if words[end - 1].endswith(tuple(PUNCTUATION)):
                break
        if role is not None and role not in found:
            said = _run_named(words[index:end])
            if said is not None:
                found[role] = said
        index = end
    return found


def _run_named(run: List[str]) -> Optional[str]:
    for last in range(len(run), 1, -1):
        reading = read_place(" ".join(run[:last]))
        if reading.status == FOUND:
            return reading.places[0].id
        if (
            reading.status == NO_SUCH_HOUSE
        ):  # a street and a house it has not: said so, not taken as the street
            return " ".join(_bare(word) for word in run[1:last])
    bare = " ".join(_bare(word) for word in run[1:])
    return bare if bare and read_place(bare).status in (AMBIGUOUS, NO_SUCH_HOUSE) else None


def widened(tracker: Tracker, value: str) -> str:
    """The tagged place with the next word of the message when that names one place and the value alone does not:
    the model often leaves the last word of a place out (the square's name without "square", a clinic without its
    number)."""
    text = tracker.latest_message.get("text") or ""
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") != "location" or str(entity.get("value")) != value:
            continue
        following = text[entity.get("end", 0) :].split()
        if following and read_place(value).status != FOUND:
            longer = f"{value} {following[0].strip(',.!?')}"
            if read_place(longer).status == FOUND:
                return longer
    return value


class TripPlaces:
    """Extract and validate methods for `transport_from` and `transport_to` (mixed into a FormValidationAction)."""

    # The ride's pickup must be a house or a named place; a whole street is precise enough for a fare or a route.
    pickup_needs_house = False
    # A route or a fare may start at the resident's known address; a ride too.
    from_defaults_to_home = True

    async def extract_transport_from(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return self._extracted(tracker, FROM)

    async def extract_transport_to(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return self._extracted(tracker, TO)

    def _extracted(self, tracker: Tracker, slot: str) -> Dict[Text, Any]:
        """The place the message itself names for this end of the trip after its preposition (the model may have
        tagged only part of it, or nothing); else a location tagged without a role, by
        its preposition, or a lone one for the slot asked (or the destination); at the form's start an untold start
        point is the resident's home."""
        asked = tracker.get_slot(REQUESTED_SLOT)
        other = TO if slot == FROM else FROM
        if asked == other or entity_value(tracker, ID_ENTITIES[slot]) is not None:
            return {}
        if asked is None and ":" in str(tracker.get_slot(slot) or ""):
            return {}  # read already
        named = places_by_role(tracker.latest_message.get("text") or "").get(ROLES[slot])
        if named is not None:
            return {slot: named}
        unroled = unroled_locations(tracker)
        for value, role in unroled:
            if role == ROLES[slot]:
                return {slot: value}
        if len(unroled) == 1 and unroled[0][1] is None and (asked == slot or (asked is None and slot == TO)):
            return {slot: unroled[0][0]}
        starting = asked is None and tracker.get_slot(slot) is None
        if slot == FROM and starting and self.from_defaults_to_home and not self._told(tracker, FROM):
            home = home_place(tracker)
            if home is not None:
                return {FROM: home.id}
        return {}

    @staticmethod
    def _told(tracker: Tracker, slot: str) -> bool:
        entities = tracker.latest_message.get("entities") or []
        return any(
            e.get("entity") == ID_ENTITIES[slot]
            or (e.get("entity") == "location" and e.get("role") == ROLES[slot])
            for e in entities
        )

    def validate_transport_from(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return self._validated(FROM, slot_value, dispatcher, tracker)

    def validate_transport_to(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return self._validated(TO, slot_value, dispatcher, tracker)

    def _validated(
        self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Dict[Text, Any]:
        other = TO if slot == FROM else FROM
        asked = tracker.get_slot(REQUESTED_SLOT)
        if asked == other and (
            value_before(tracker, slot) is not None
            or str(value).strip()
            in (str(tracker.get_slot(other)), (tracker.latest_message.get("text") or "").strip())
        ):
            # an answer to the other question that the model also took for this place: the place told stays
            return {slot: value_before(tracker, slot)}
        text = str(value or "").strip()
        place = place_of(text) if ":" in text else None
        street = place_of(tracker.get_slot(STREET_ASKED))
        answered_street = place is None and street is not None and bool(HOUSE_ALONE.match(text))
        if answered_street:
            text = f"{street.title} {text}"  # the house of the street asked about
        if place is None:
            place = self._read(slot, text, dispatcher, tracker)
        if place is None:
            return {slot: None, **self._street_kept(text)}
        if place.kind == STREET and slot == FROM and self.pickup_needs_house:
            dispatcher.utter_message(response="utter_transport_house_needed", street=place.title)
            return {slot: None, STREET_ASKED: place.id}
        other_place = place_of(tracker.get_slot(other))
        if (
            other_place is not None
            and other_place.id == place.id
            and other not in tracker.slots_to_validate()
        ):
            dispatcher.utter_message(response="utter_transport_same_place", place=place.title)
            return {TO: None} if slot == TO else {FROM: place.id, TO: None}
        return {slot: place.id, **({STREET_ASKED: None} if answered_street else {})}

    @staticmethod
    def _street_kept(text: str) -> Dict[Text, Any]:
        """A street told with a house it has not: kept, so that the next bare number is its house."""
        reading = read_place(text)
        return {STREET_ASKED: reading.places[0].id} if reading.status == NO_SUCH_HOUSE else {}

    def _read(
        self, slot: str, text: str, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Optional[Place]:
        chosen = choice_named(tracker, slot, text)
        if chosen is not None:
            return chosen
        reading: PlaceReading = read_place(widened(tracker, text))
        if reading.status == HOME:
            home = home_place(tracker)
            if home is None:
                dispatcher.utter_message(response="utter_transport_home_unknown")
            return home
        if reading.status == FOUND:
            return reading.places[0]
        if reading.status == AMBIGUOUS:
            choices = reading.places[:MAX_CHOICES]
            buttons = [button(p.title, "inform", **{ID_ENTITIES[slot]: p.id}) for p in choices]
            dispatcher.utter_message(
                response="utter_transport_place_which",
                said=text,
                buttons=buttons,
                **offer_of_choices(slot, choices),
            )
        elif reading.status == NO_SUCH_HOUSE:
            street = reading.places[0]
            low, high = street_houses(street.id) or (1, 1)
            dispatcher.utter_message(
                response="utter_transport_no_such_house",
                street=street.title,
                house=reading.house,
                low=low,
                high=high,
            )
        else:
            dispatcher.utter_message(response="utter_transport_place_unknown", said=text)
        return None


class TripDone(Action, ABC):
    """The done action of a form that asked where from and where to: answers with both places, then forgets them
    (a later question about another trip starts afresh)."""

    @abstractmethod
    def answer(
        self, dispatcher: CollectingDispatcher, domain: Dict[str, Any], origin: Place, destination: Place
    ) -> None: ...

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        origin, destination = place_of(tracker.get_slot(FROM)), place_of(tracker.get_slot(TO))
        if origin is not None and destination is not None:
            self.answer(dispatcher, domain, origin, destination)
        return [SlotSet(FROM, None), SlotSet(TO, None), SlotSet(STREET_ASKED, None)]
