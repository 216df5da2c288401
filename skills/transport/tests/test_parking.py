"""Parking on SQLite and PostgreSQL: zones near a place with free places, sessions paid once per key, the last place
taken once, someone else's session untouchable, unused minutes refunded once."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from engine.sdk import Payment, refunded_amount, session_scope
from engine.testing import at_once, meeting_after
from skills.transport import parking
from skills.transport.geo import Point
from skills.transport.models import ParkingSession, ParkingZone

from .conftest import AIRPORT, MARKET, NOW, THEATRE, resident


def zone_id(code):
    with session_scope() as session:
        return parking.zone_by_code(session, code).id


def start(sender, code, minutes=60, key=None, now=NOW):
    who, zone = resident(sender), zone_id(code)
    with session_scope() as session:
        outcome = parking.start_parking(
            session,
            who,
            zone,
            minutes,
            now,
            idempotency_key=key or f"{sender}-{code}-{minutes}",
        )
        return outcome.code, outcome.parking.id if outcome.parking else None, outcome.amount


def extend(sender, session_id, minutes, key, now=NOW):
    who = resident(sender)
    with session_scope() as session:
        outcome = parking.extend_parking(session, who, session_id, minutes, now, idempotency_key=key)
        return outcome.code, outcome.amount


def stop(sender, session_id, now, key="stop"):
    who = resident(sender)
    with session_scope() as session:
        outcome = parking.stop_parking(session, who, session_id, now, idempotency_key=key)
        return outcome.code, outcome.refund


def ends_at(session_id):
    with session_scope() as session:
        return session.get(ParkingSession, session_id).ends_at


def paid(sender):
    who = resident(sender)
    with session_scope() as session:
        return (
            session.execute(select(Payment.amount).where(Payment.resident_id == who).order_by(Payment.id))
            .scalars()
            .all()
        )


def refunded(sender):
    who = resident(sender)
    with session_scope() as session:
        payments = session.execute(select(Payment).where(Payment.resident_id == who)).scalars()
        return sum((refunded_amount(session, p) for p in payments), Decimal(0))


def test_zones_near_the_theatre_nearest_first_with_free_places(demo_store):
    with session_scope() as session:
        found = parking.zones_near(session, THEATRE[1], NOW)
        assert [(z.zone.code, z.free_places) for z in found] == [("P3", 1), ("P6", 7), ("P1", 19)]
        assert found[0].distance_km < found[1].distance_km < found[2].distance_km <= 1.5
        near_market = [z.zone.code for z in parking.zones_near(session, MARKET[1], NOW, limit=10)]
        assert near_market == ["P1", "P6", "P3", "P4"]  # the polyclinic's P5 is 1.65 km away
        assert parking.zones_near(session, AIRPORT[1], NOW) == []


def test_free_places_count_sessions_and_are_never_negative(demo_store):
    assert start("anna", "P3")[0] == "started"
    with session_scope() as session:
        assert parking.zones_near(session, THEATRE[1], NOW)[0].free_places == 0
        assert parking.zones_near(session, THEATRE[1], NOW + timedelta(minutes=61))[0].free_places == 1
        session.execute(update(ParkingZone).where(ParkingZone.code == "P3").values(occupied=45))
    with session_scope() as session:
        assert parking.zones_near(session, THEATRE[1], NOW)[0].free_places == 0


def test_starting_pays_the_hourly_price_rounded_up_to_the_rouble(demo_store):
    code, session_id, amount = start("anna", "P1", 25)  # 50 ₽/h × 25 min = 20.83
    assert (code, amount) == ("started", Decimal(21)) and paid("anna") == [Decimal(21)]
    assert ends_at(session_id) == NOW.replace(tzinfo=None) - timedelta(hours=3) + timedelta(minutes=25)
    anna = resident("anna")
    with session_scope() as session:
        assert [s.id for s in parking.active_parking(session, anna)] == [session_id]
        assert parking.active_parking(session, anna, NOW + timedelta(minutes=25)) == []


@pytest.mark.parametrize("minutes", [0, 14, 181, -30])
def test_minutes_outside_the_zone_limits_are_refused(demo_store, minutes):
    assert start("anna", "P3", minutes)[0] == "bad_minutes"  # P3: 15 min to 3 h
    assert paid("anna") == []


def test_a_full_zone_an_unknown_zone_and_a_second_session_in_one_zone_are_refused(demo_store):
    assert start("anna", "P5")[0] == "full"
    anna = resident("anna")
    with session_scope() as session:
        assert parking.start_parking(session, anna, 999, 60, NOW, idempotency_key="x").code == "unknown_zone"
    _, first, _ = start("anna", "P1", 60)
    assert start("anna", "P1", 30)[:2] == ("already_parked", first)
    assert start("anna", "P4", 30)[0] == "started"  # another zone: another car
    assert paid("anna") == [Decimal(50), Decimal(20)]


def test_the_same_key_twice_pays_and_starts_once(demo_store):
    first = start("anna", "P1", 60, key="tap-1")
    assert start("anna", "P1", 60, key="tap-1") == first
    assert paid("anna") == [Decimal(50)]
    with session_scope() as session:
        assert session.execute(select(func.count(ParkingSession.id))).scalar_one() == 1


@pytest.mark.parametrize("residents", [2, 4])
def test_residents_taking_the_last_place_at_once_get_it_once(demo_store, residents, monkeypatch):
    zone, who = zone_id("P3"), [resident(f"parker-{n}") for n in range(residents)]  # P3: one place left
    # Every resident counts before anyone takes the place, unless the zone's lock keeps the others waiting: then
    # they go on one by one.
    monkeypatch.setattr(parking, "free_places", meeting_after(parking.free_places, residents))

    def take(n):
        with session_scope() as session:
            return parking.start_parking(session, who[n], zone, 60, NOW, idempotency_key=f"last-{n}").code

    results = at_once(take, range(residents))
    assert sorted(results) == ["full"] * (residents - 1) + ["started"]
    with session_scope() as session:
        assert session.execute(select(func.count(Payment.id))).scalar_one() == 1


def test_another_resident_can_neither_extend_nor_stop_my_session(demo_store):
    _, session_id, _ = start("anna", "P1")
    assert extend("boris", session_id, 30, "boris-ext") == ("not_yours", Decimal(0))
    assert stop("boris", session_id, NOW + timedelta(minutes=10)) == ("not_yours", Decimal(0))
    assert ends_at(session_id) == NOW.replace(tzinfo=None) - timedelta(hours=3) + timedelta(minutes=60)
    assert paid("boris") == [] and refunded("anna") == 0


def test_an_extension_pays_once_per_key_and_stays_within_the_zone_maximum(demo_store):
    _, session_id, _ = start("anna", "P6", 60)  # P6: 60 ₽/h, at most 2 h
    assert extend("anna", session_id, 30, "ext-1", NOW + timedelta(minutes=50)) == ("extended", Decimal(30))
    assert extend("anna", session_id, 30, "ext-1", NOW + timedelta(minutes=51)) == ("extended", Decimal(30))
    assert extend("anna", session_id, 31, "ext-2", NOW + timedelta(minutes=52))[0] == "bad_minutes"
    assert extend("anna", session_id, 10, "ext-3", NOW + timedelta(minutes=52))[0] == "bad_minutes"
    assert ends_at(session_id) == NOW.replace(tzinfo=None) - timedelta(hours=3) + timedelta(minutes=90)
    assert paid("anna") == [Decimal(60), Decimal(30)]


def test_an_extension_after_the_end_is_refused(demo_store):
    _, session_id, _ = start("anna", "P1", 30)
    assert extend("anna", session_id, 30, "late", NOW + timedelta(minutes=30))[0] == "ended"
    with session_scope() as session:
        assert parking.expire(session, NOW + timedelta(minutes=30)) == 1
        assert session.get(ParkingSession, session_id).status == "ended"
    assert stop("anna", session_id, NOW + timedelta(minutes=31)) == ("ended", Decimal(0))
    assert paid("anna") == [Decimal(25)]


def test_stopping_refunds_the_unused_whole_minutes_once(demo_store):
    _, session_id, _ = start("anna", "P3", 60)  # 80 ₽
    moment = NOW + timedelta(minutes=15, seconds=30)  # 44 whole minutes unused
    with session_scope() as session:
        assert parking.refund_preview(session, session.get(ParkingSession, session_id), moment) == Decimal(
            "58.66"
        )
    assert stop("anna", session_id, moment) == ("stopped", Decimal("58.66"))
    assert stop("anna", session_id, moment + timedelta(minutes=1), key="stop-again") == (
        "already_stopped",
        Decimal("58.66"),
    )
    assert refunded("anna") == Decimal("58.66")
    assert extend("anna", session_id, 30, "after-stop", moment)[0] == "ended"
    with session_scope() as session:
        assert parking.refund_preview(session, session.get(ParkingSession, session_id), moment) == 0
    with session_scope() as session:
        assert parking.zones_near(session, THEATRE[1], moment)[0].free_places == 1  # the place is free again


def test_a_stop_sent_twice_at_once_refunds_once(demo_store):
    _, session_id, _ = start("anna", "P1", 120)
    anna, moment = resident("anna"), NOW + timedelta(minutes=60)

    def press(key):
        with session_scope() as session:
            outcome = parking.stop_parking(session, anna, session_id, moment, idempotency_key=key)
            return outcome.code, outcome.refund

    results = at_once(press, ["tap-1", "tap-2"])
    assert sorted(results) == [("already_stopped", Decimal(50)), ("stopped", Decimal(50))]
    assert refunded("anna") == Decimal(50)


def test_unused_minutes_come_back_from_the_latest_payment_first(demo_store):
    _, session_id, _ = start("anna", "P1", 60)  # 50 ₽
    extend("anna", session_id, 45, "ext", NOW + timedelta(minutes=30))  # 37.50 → 38 ₽
    with session_scope() as session:
        preview = parking.refund_preview(
            session, session.get(ParkingSession, session_id), NOW + timedelta(minutes=50)
        )
    assert preview == Decimal("46.33")
    assert stop("anna", session_id, NOW + timedelta(minutes=50)) == ("stopped", Decimal("46.33"))
    # 55 unused: all 45 of the extension (38 ₽) and 10 of the first hour (50 × 10 / 60 = 8.33)
    anna = resident("anna")
    with session_scope() as session:
        amounts = {
            p.amount: refunded_amount(session, p)
            for p in session.execute(select(Payment).where(Payment.resident_id == anna)).scalars()
        }
    assert amounts == {Decimal(50): Decimal("8.33"), Decimal(38): Decimal(38)}


def test_a_point_between_zones_sees_each_once(demo_store):
    with session_scope() as session:
        codes = [z.zone.code for z in parking.zones_near(session, Point(56.8475, 53.2085), NOW, limit=6)]
    assert len(codes) == len(set(codes)) and codes[:2] == ["P6", "P3"]
