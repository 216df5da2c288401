"""Public transport from here to there: the legs of a real search, walking when close, tomorrow's first journey
after the last trips, the taxi when no line serves the places."""

from datetime import datetime

from rasa_sdk.executor import CollectingDispatcher

from engine.sdk import clock
from engine.testing import assembled_domain, texts
from skills.transport.actions.route import ActionTransportRouteDone
from skills.transport.geo import Point
from skills.transport.places import ADDRESS, Place, place_by_id

from .conftest import MOSCOW
from .helpers import act, said


def route(origin: str, destination: str):
    return act(ActionTransportRouteDone(), slots={"transport_from": origin, "transport_to": destination})


def test_from_the_station_to_the_hospital(demo_store):
    messages, _ = route("landmark:railway_station", "landmark:city_hospital")
    assert said(messages) == ["utter_transport_route"]
    shown = texts(messages)
    assert shown.startswith("Как доехать от «железнодорожный вокзал» до «городская клиническая больница №1»:")
    assert "автобус" in shown and "остановк" in shown and "прибытие в" in shown, shown


def test_a_trip_with_a_transfer_says_so(demo_store):
    messages, _ = route("district:zarechny", "landmark:children_hospital")
    shown = texts(messages)
    assert said(messages) == ["utter_transport_route"] and "пересадок: 1" in shown, shown


def test_close_places_are_walked(demo_store):
    messages, _ = route("landmark:theatre_square", "landmark:mfc")
    assert said(messages) == ["utter_transport_route_walk_only"]


def at(hour: int, minute: int):
    moment = datetime(2026, 11, 20, hour, minute, tzinfo=MOSCOW)
    return lambda: moment


def test_after_the_last_trips_tomorrows_first_journey_and_the_taxi_now(demo_store, monkeypatch):
    monkeypatch.setattr(clock, "now", at(23, 55))
    messages, _ = route("landmark:railway_station", "landmark:city_hospital")
    assert said(messages) == ["utter_transport_route_tomorrow"]
    shown = texts(messages)
    assert shown.startswith("Сегодня общественный транспорт от «железнодорожный вокзал» до «городская"), shown
    assert "Завтра первым рейсом" in shown and "автобус" in shown and "Выходите в 05:" in shown, shown
    assert messages[0]["offer"]["intent"] == "transport_fare"
    assert messages[0]["offer"]["entities"] == {
        "transport_from_id": "landmark:railway_station",
        "transport_to_id": "landmark:city_hospital",
    }


def test_before_the_first_trips_the_resident_leaves_for_the_first_bus(demo_store, monkeypatch):
    monkeypatch.setattr(clock, "now", at(3, 0))
    messages, _ = route("landmark:railway_station", "landmark:city_hospital")
    assert said(messages) == ["utter_transport_route"]
    shown = texts(messages)
    assert "Выходите в 05:" in shown and "Выходите в 03:00" not in shown, shown
    # the same journey as tomorrow's first one asked after midnight's last trips
    monkeypatch.setattr(clock, "now", at(23, 55))
    tomorrow = texts(route("landmark:railway_station", "landmark:city_hospital")[0])
    legs_now = shown.split(":\n", 1)[1]
    assert legs_now == tomorrow.split("Завтра первым рейсом:\n", 1)[1].rsplit("\nСейчас", 1)[0]


def test_no_line_near_either_end_offers_the_taxi_fare(monkeypatch):
    monkeypatch.setattr(clock, "now", at(12, 0))
    # 25 km from any stop
    allotments = Place("address:nowhere", ADDRESS, "СНТ «Берёзка»", Point(56.60, 52.90))
    dispatcher = CollectingDispatcher()
    ActionTransportRouteDone().answer(
        dispatcher, assembled_domain(), place_by_id("landmark:railway_station"), allotments
    )
    assert said(dispatcher.messages) == ["utter_transport_route_none"]
    assert "рядом нет остановок" in texts(dispatcher.messages)
    assert dispatcher.messages[0]["offer"]["intent"] == "transport_fare"
