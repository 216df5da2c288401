"""Where from and where to (actions/trip.py) through the fare and ride forms, and the fare with its offer."""

from sqlalchemy import select

from engine.sdk import known_address, remember_address, resident_for, session_scope
from engine.testing import slot_events, texts
from skills.transport.actions.fare import ActionTransportFareDone, ValidateTransportFareForm
from skills.transport.actions.ride import ValidateTransportRideForm
from skills.transport.actions.route import ValidateTransportRouteForm
from skills.transport.models import Ride

from .helpers import act, form, location, said

FARE, RIDE = "transport_fare_form", "transport_ride_form"


def test_both_places_told_with_their_roles(demo_store):
    text = "сколько стоит доехать от ленина 5 до вокзала"
    entities = [location("ленина 5", "from", text), location("вокзала", "to", text)]
    _, events = form(
        ValidateTransportFareForm(),
        FARE,
        text,
        "transport_fare",
        new={"transport_from": "ленина 5", "transport_to": "вокзала"},
        entities=entities,
    )
    slots = slot_events(events)
    assert slots["transport_from"] == "address:lenina:5"
    assert slots["transport_to"] == "landmark:railway_station"


def test_a_location_without_a_role_is_placed_by_its_preposition(demo_store):
    text = "сколько до вокзала от рынка"
    entities = [location("вокзала", None, text), location("рынка", None, text)]
    _, events = form(ValidateTransportFareForm(), FARE, text, "transport_fare", entities=entities)
    slots = slot_events(events)
    assert slots["transport_to"] == "landmark:railway_station"
    assert slots["transport_from"] == "landmark:central_market"


def test_an_ambiguous_place_is_asked_back_with_buttons(demo_store):
    messages, events = form(
        ValidateTransportFareForm(),
        FARE,
        "до театральной",
        slots={"transport_from": "address:lenina:5"},
        new={"transport_to": "до театральной"},
        requested="transport_to",
    )
    assert "utter_transport_place_which" in said(messages)
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert any('"transport_to_id": "stop:teatralnaya"' in p for p in payloads), payloads
    assert slot_events(events)["transport_to"] is None


def test_an_unknown_place_is_said_so(demo_store):
    messages, events = form(
        ValidateTransportFareForm(),
        FARE,
        "на улицу хрюнделя",
        new={"transport_to": "на улицу хрюнделя"},
        requested="transport_to",
    )
    assert said(messages) == ["utter_transport_place_unknown"]
    assert "Не знаю такого места: «на улицу хрюнделя»" in texts(messages)
    assert slot_events(events)["transport_to"] is None


def test_a_house_out_of_the_streets_range(demo_store):
    messages, events = form(
        ValidateTransportFareForm(),
        FARE,
        "ленина 999",
        new={"transport_from": "ленина 999"},
        requested="transport_from",
    )
    assert said(messages) == ["utter_transport_no_such_house"]
    assert "нет дома 999" in texts(messages)
    assert slot_events(events)["transport_from"] is None


def test_a_ride_needs_the_house_of_its_pickup_but_a_fare_does_not(demo_store):
    messages, events = form(
        ValidateTransportRideForm(),
        RIDE,
        "ленина",
        new={"transport_from": "ленина"},
        requested="transport_from",
    )
    assert said(messages) == ["utter_transport_house_needed"]
    assert slot_events(events)["transport_from"] is None
    _, events = form(
        ValidateTransportFareForm(),
        FARE,
        "ленина",
        new={"transport_from": "ленина"},
        requested="transport_from",
    )
    assert slot_events(events)["transport_from"] == "street:lenina"


def test_the_same_place_twice_asks_where_to_again(demo_store):
    messages, events = form(
        ValidateTransportFareForm(),
        FARE,
        "вокзал",
        slots={"transport_from": "landmark:railway_station"},
        new={"transport_to": "вокзал"},
        requested="transport_to",
    )
    assert said(messages) == ["utter_transport_same_place"]
    assert slot_events(events)["transport_to"] is None


def test_home_is_the_known_address_or_asked(demo_store):
    messages, events = form(
        ValidateTransportFareForm(), FARE, "домой", new={"transport_to": "домой"}, requested="transport_to"
    )
    assert said(messages) == ["utter_transport_home_unknown"]
    with session_scope() as session:
        remember_address(
            session, resident_for(session, "rest", "resident-1"), "ул. Гагарина, д. 12", skill="test"
        )
    _, events = form(
        ValidateTransportFareForm(), FARE, "домой", new={"transport_to": "домой"}, requested="transport_to"
    )
    assert slot_events(events)["transport_to"] == "address:gagarina:12"


def test_the_start_defaults_to_the_known_address(demo_store):
    with session_scope() as session:
        remember_address(session, resident_for(session, "rest", "resident-1"), "Садовая 3", skill="test")
    text = "на каком автобусе до больницы"
    _, events = form(
        ValidateTransportRouteForm(),
        "transport_route_form",
        text,
        "transport_route",
        new={"transport_to": "больницы"},
        entities=[location("больницы", "to", text)],
    )
    slots = slot_events(events)
    assert slots["transport_from"] == "address:sadovaya:3"
    assert slots["transport_to"] == "landmark:city_hospital"


def test_another_residents_address_is_not_mine(demo_store):
    with session_scope() as session:
        remember_address(session, resident_for(session, "rest", "someone-else"), "Садовая 3", skill="test")
        assert known_address(session, resident_for(session, "rest", "resident-1")) is None
    _, events = form(
        ValidateTransportRouteForm(), "transport_route_form", "как доехать до больницы", "transport_route"
    )
    assert "transport_from" not in slot_events(events) or slot_events(events)["transport_from"] is None


def test_an_answer_to_where_to_tagged_as_from_keeps_the_start(demo_store):
    text = "вокзал"
    _, events = form(
        ValidateTransportFareForm(),
        FARE,
        text,
        slots={"transport_from": "address:lenina:5"},
        new={"transport_from": "вокзал", "transport_to": "вокзал"},
        entities=[location("вокзал", "from", text)],
        requested="transport_to",
        events=[{"event": "slot", "name": "transport_from", "value": "address:lenina:5"}],
    )
    slots = slot_events(events)
    assert slots["transport_from"] == "address:lenina:5"
    assert slots["transport_to"] == "landmark:railway_station"


def test_the_fare_offers_that_very_ride(demo_store):
    messages, events = act(
        ActionTransportFareDone(),
        slots={"transport_from": "address:lenina:5", "transport_to": "landmark:railway_station"},
    )
    assert said(messages) == ["utter_transport_fare"]
    shown = texts(messages)
    assert "От «ул. Ленина, 5» до «железнодорожный вокзал»" in shown and "₽" in shown, shown
    offered = messages[0]["offer"]
    assert offered["intent"] == "transport_order_ride"
    assert offered["entities"] == {
        "transport_from_id": "address:lenina:5",
        "transport_to_id": "landmark:railway_station",
    }
    assert slot_events(events) == {"transport_from": None, "transport_to": None, "transport_street": None}
    with session_scope() as session:
        assert session.execute(select(Ride)).first() is None  # a fare orders nothing


def test_places_named_in_the_message_itself_fill_what_the_model_missed(demo_store):
    text = "скока стоит доехать от рынка до вокзала"
    _, events = form(ValidateTransportFareForm(), FARE, text, "transport_fare")  # the model tagged nothing
    slots = slot_events(events)
    assert slots["transport_from"] == "landmark:central_market"
    assert slots["transport_to"] == "landmark:railway_station"


def test_the_house_the_model_cut_off_is_read_from_the_text(demo_store):
    text = "закажите такси на завтра в 7 утра от ленина 5 до аэропорта"
    _, events = form(
        ValidateTransportRideForm(),
        RIDE,
        text,
        "transport_order_ride",
        new={"transport_from": "ленина"},
        entities=[location("ленина", "from", text), location("аэропорта", "to", text)],
    )
    assert slot_events(events)["transport_from"] == "address:lenina:5"


def test_an_ambiguous_start_named_in_the_message_is_asked_with_buttons(demo_store):
    messages, events = form(
        ValidateTransportFareForm(), FARE, "сколько стоит такси от театральной до аэропорта", "transport_fare"
    )
    assert said(messages) == ["utter_transport_place_which"]
    assert slot_events(events)["transport_from"] is None
    assert slot_events(events)["transport_to"] == "landmark:airport"


def test_a_bare_number_is_the_house_of_the_street_asked_about(demo_store):
    messages, events = form(
        ValidateTransportRideForm(),
        RIDE,
        "ленина",
        new={"transport_from": "ленина"},
        requested="transport_from",
    )
    assert said(messages) == ["utter_transport_house_needed"]
    asked = slot_events(events)
    assert asked["transport_street"] == "street:lenina"
    _, events = form(
        ValidateTransportRideForm(),
        RIDE,
        "5",
        slots={"transport_street": "street:lenina"},
        new={"transport_from": "5"},
        requested="transport_from",
    )
    answered = slot_events(events)
    assert answered["transport_from"] == "address:lenina:5" and answered["transport_street"] is None


def test_which_one_is_answered_by_a_word_of_its_title_or_its_place(demo_store):
    messages, _ = form(
        ValidateTransportFareForm(),
        FARE,
        "театральная",
        slots={"transport_to": "landmark:airport"},
        new={"transport_from": "театральная"},
        requested="transport_from",
    )
    question = {
        "event": "bot",
        "text": "?",
        "metadata": {k: v for k, v in messages[0].items() if k == "transport_choices"},
    }
    history = [{"event": "user", "text": "театральная"}, question]
    _, events = form(
        ValidateTransportFareForm(),
        FARE,
        "площадь",
        slots={"transport_to": "landmark:airport"},
        new={"transport_from": "площадь"},
        requested="transport_from",
        events=history,
    )
    assert slot_events(events)["transport_from"] == "landmark:theatre_square"
    _, events = form(
        ValidateTransportFareForm(),
        FARE,
        "вторая",
        slots={"transport_to": "landmark:airport"},
        new={"transport_from": "вторая"},
        requested="transport_from",
        events=history,
    )
    assert slot_events(events)["transport_from"] == "stop:teatralnaya"


def test_where_the_resident_is_is_the_start():
    from skills.transport.actions.trip import places_by_role

    found = places_by_role("опаздываю на поезд я в тц галерея а мне срочно на вокзал надо")
    assert found == {"from": "landmark:galereya_mall", "to": "landmark:railway_station"}
