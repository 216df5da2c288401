"""Public transport from here to there: the legs of a real search, walking when close, no route at night."""

from datetime import datetime

import pytest

from engine.sdk import clock
from engine.testing import texts
from skills.transport.actions.route import ActionTransportRouteDone

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


@pytest.fixture
def night(monkeypatch):
    late = datetime(2026, 11, 20, 23, 55, tzinfo=MOSCOW)
    monkeypatch.setattr(clock, "now", lambda: late)


def test_no_route_at_night_offers_the_taxi_fare(demo_store, night):
    messages, _ = route("landmark:railway_station", "landmark:airport")
    assert said(messages) == ["utter_transport_route_none"]
    assert messages[0]["offer"]["intent"] == "transport_fare"
