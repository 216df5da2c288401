"""The driver's side from their own conversation, the passenger told each step, and the notices said once."""

from engine.sdk import session_scope
from engine.testing import make_tracker, scheduled_notifications, texts
from skills.transport import rides
from skills.transport.actions.driver import ActionTransportDriverUpdate, step_said
from skills.transport.actions.notice import ActionTransportNotice
from skills.transport.models import ARRIVING, DONE, Driver, Ride

from .conftest import MARKET, STATION, only_free, resident
from .helpers import act, said


def ride_with(driver_sender: str, now) -> int:
    only_free(driver_sender)
    owner = resident("resident-1")
    with session_scope() as session:
        return rides.order_ride(session, owner, STATION, MARKET, None, now).id


def step(text: str, sender: str, step_entity=None):
    entities = [{"entity": "transport_driver_step", "value": step_entity}] if step_entity else []
    return act(
        ActionTransportDriverUpdate(), text, "transport_driver_update", entities=entities, sender=sender
    )


def test_the_driver_words_for_the_steps():
    assert step_said("принял заказ") == "accept"
    assert step_said("подъехал жду у подъезда") == "arrived"
    assert step_said("клиент сел поехали") == "start"
    assert step_said("поездка завершена") == "finish"
    assert step_said("добрый день") is None


def test_a_resident_is_no_driver(demo_store):
    messages, _ = step("принял заказ", "resident-1")
    assert said(messages) == ["utter_transport_driver_only"]


def test_a_driver_without_a_ride(demo_store):
    messages, _ = step("принял заказ", "driver-marat")
    assert said(messages) == ["utter_transport_driver_no_ride"]


def test_accept_arrive_start_finish_and_the_passenger_is_told(demo_store, frozen_clock):
    ride = ride_with("driver-marat", frozen_clock)
    messages, _ = step("принял заказ", "driver-marat")
    assert said(messages) == ["utter_transport_driver_accepted"]
    with session_scope() as session:
        assert session.get(Ride, ride).status == ARRIVING
    messages, _ = step("", "driver-marat", "arrived")
    assert said(messages) == ["utter_transport_driver_arrived"]
    messages, _ = step("пассажир сел", "driver-marat")
    assert said(messages) == ["utter_transport_driver_started"]
    messages, _ = step("поездка завершена", "driver-marat")
    assert said(messages) == ["utter_transport_driver_finished"]
    with session_scope() as session:
        assert session.get(Ride, ride).status == DONE
        assert session.get(Driver, session.get(Ride, ride).driver_id).state == "free"
    kinds = [n[3]["transport_notice_kind"] for n in scheduled_notifications() if n[4] == "rest:resident-1"]
    assert kinds == ["ride_accepted", "driver_arrived", "ride_finished"]


def test_a_step_out_of_order_is_refused(demo_store, frozen_clock):
    ride_with("driver-marat", frozen_clock)
    messages, _ = step("поездка завершена", "driver-marat")
    assert said(messages) == ["utter_transport_driver_step_refused"]
    assert "водитель назначен" in texts(messages)


def test_another_driver_cannot_move_the_ride(demo_store, frozen_clock):
    ride = ride_with("driver-marat", frozen_clock)
    messages, _ = step("принял заказ", "driver-irina")
    assert said(messages) == ["utter_transport_driver_no_ride"]
    with session_scope() as session:
        assert session.get(Ride, ride).status != ARRIVING


def notice(kind: str, ride: int, sender: str, notification: int):
    entities = [
        {"entity": "transport_notice_kind", "value": kind},
        {"entity": "transport_notice_ride", "value": ride},
        {"entity": "notification_id", "value": notification},
    ]
    return act(ActionTransportNotice(), "", "EXTERNAL_transport_notice", entities=entities, sender=sender)


def test_the_new_ride_is_offered_to_its_driver_once(demo_store, frozen_clock):
    ride_with("driver-marat", frozen_clock)
    from skills.transport.actions.notice import tell_driver_new_ride

    with session_scope() as session:
        ride = session.query(Ride).one()
        tell_driver_new_ride(session, session.get(Driver, ride.driver_id), ride)
        ride_id = ride.id
    (notification,) = [
        n for n in scheduled_notifications() if n[3]["transport_notice_kind"] == "driver_new_ride"
    ]
    assert notification[4] == "rest:driver-marat"
    messages, _ = notice("driver_new_ride", ride_id, "driver-marat", notification[0])
    assert said(messages) == ["utter_transport_notice_driver_new_ride"]
    again, _ = notice("driver_new_ride", ride_id, "driver-marat", notification[0])
    assert again == []  # delivered once
    # typed into another conversation by hand, it silences nothing and says nothing
    other, _ = notice("driver_new_ride", ride_id, "resident-2", notification[0])
    assert other == []


def test_a_ride_without_a_driver_is_looked_for_again_until_one_is_free(demo_store, frozen_clock):
    only_free()  # nobody on shift
    owner = resident("resident-1")
    with session_scope() as session:
        ride = rides.order_ride(session, owner, STATION, MARKET, None, frozen_clock).id
    from skills.transport.actions.notice import dispatch_later

    with session_scope() as session:
        dispatch_later(session, make_tracker(sender_id="resident-1"), session.get(Ride, ride), frozen_clock)
    (first,) = [n for n in scheduled_notifications() if n[3]["transport_notice_kind"] == "dispatch"]
    messages, _ = notice("dispatch", ride, "resident-1", first[0])
    assert said(messages) == ["utter_transport_notice_no_driver"]  # the pickup time has come: said once
    (second,) = [n for n in scheduled_notifications() if n[3]["transport_notice_kind"] == "dispatch"]
    assert second[0] != first[0] or second[2] != first[2]  # looked for again later
    only_free("driver-irina")
    messages, _ = notice("dispatch", ride, "resident-1", second[0])
    assert said(messages) == ["utter_transport_notice_assigned"]
    assert "Ирина Волкова" in texts(messages)
