"""The issue's walkthrough through the real servers (`python -m engine run`), in Russian over REST: the fare from a
street address to the railway station, the ride ordered with «да», where the car is; the driver accepts from their
own sender and the passenger is told by the notifier; then which bus goes to the hospital."""

import time
import uuid

import pytest

from engine.testing import RestClient, free_port, running_assistant


@pytest.fixture(scope="module")
def assistant(trained_model, tmp_path_factory):
    folder = tmp_path_factory.mktemp("transport-e2e")
    port, action_port = free_port(), free_port()
    database_url = f"sqlite:///{folder / 'assistant.db'}"
    with running_assistant(port, action_port, {"DATABASE_URL": database_url}):
        yield RestClient(port, database_url)


@pytest.mark.slow
def test_fare_order_where_is_the_car_then_the_bus_to_the_hospital(assistant):
    sender = f"e2e-transport-{uuid.uuid4().hex[:8]}"
    fare = assistant.say(sender, "сколько стоит доехать от ленина 5 до вокзала")
    assert "От «ул. Ленина, 5» до «железнодорожный вокзал»" in fare and "Заказать машину?" in fare, fare

    confirm = assistant.say(sender, "да")
    assert "Поездка от «ул. Ленина, 5» до «железнодорожный вокзал», подача сейчас." in confirm, confirm
    ordered = assistant.say(sender, "да")
    assert "Машина назначена:" in ordered, ordered

    where = assistant.say(sender, "где машина")
    assert "Поездка №" in where and "Подъедет примерно через" in where, where

    # The assigned driver is offered the ride in their own conversation (the notifier) and presses «Принять».
    drivers = [
        "driver-aleksei",
        "driver-marat",
        "driver-irina",
        "driver-dmitry",
        "driver-sergey",
        "driver-andrey",
    ]
    deadline = time.monotonic() + 30
    offered = []
    while not offered and time.monotonic() < deadline:
        offered = [d for d in drivers if any("Новый заказ №" in t for t in assistant.bot_texts(d))]
        time.sleep(0.5)
    assert len(offered) == 1, offered
    accepted = assistant.say(offered[0], '/transport_driver_update{"transport_driver_step": "accept"}')
    assert accepted.startswith("Заказ №") and "принят" in accepted, accepted
    assert "принял заказ и едет к вам" in assistant.wait_for(sender, "принял заказ и едет к вам")
    # another driver cannot move this ride
    other = next(d for d in drivers if d != offered[0])
    assert "нет назначенной поездки" in assistant.say(
        other, '/transport_driver_update{"transport_driver_step": "finish"}'
    )

    route = assistant.say(sender, "на каком автобусе доехать до больницы от вокзала")
    # The servers run on the real clock: after the last trips (23:xx in Moscow) the answer is tomorrow's first bus.
    assert "от «железнодорожный вокзал» до «городская клиническая больница №1»" in route, route
    assert route.startswith(("Как доехать", "Сегодня общественный транспорт")), route
    assert "автобус" in route, route
