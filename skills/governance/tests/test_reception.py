"""Reception slots and appointments in the store: slots made from the reception week, the free times left, booking
(never two residents in one slot, one appointment per institution, also under concurrent requests), cancelling
one's own only, moving in one transaction."""

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from engine.sdk import clock, session_scope
from engine.testing import at_once
from skills.governance import reception, reception_times
from skills.governance.models import Slot
from skills.governance.reception_hours import Schedule, hours_text, open_reception, read_schedule
from skills.governance.visit_reading import (
    CLOSED,
    FOUND,
    NONE_IN_SPAN,
    PAST,
    SHIFTED,
    TAKEN,
    Pick,
    around,
    day_span,
    day_value,
    pick_time,
    spread,
    time_value,
    wanted,
)

from .conftest import NOW
from .helpers import resident

MONDAY, TUESDAY, SUNDAY = date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 22)


def institution_id(code, session=None):
    if session is not None:
        return reception.institution_by_code(session, code).id
    with session_scope() as own:
        return reception.institution_by_code(own, code).id


def service_id(code, title):
    with session_scope() as session:
        services = reception.services_of(session, institution_id(code, session))
        return next(s.id for s in services if s.title == title)


def at(day, hours, minutes=0):
    return datetime.combine(day, time(hours, minutes), tzinfo=clock.local_zone())


def slot_ids(code, moment):
    with session_scope() as session:
        return list(
            session.execute(
                select(Slot.id)
                .where(
                    Slot.institution_id == institution_id(code, session),
                    Slot.starts_at == clock.to_store(moment),
                )
                .order_by(Slot.desk)
            ).scalars()
        )


def holder(slot_id):
    with session_scope() as session:
        return session.get(Slot, slot_id).resident_id


def clock_texts(moments):
    return [f"{m:%H:%M}" for m in moments]


def book(sender, slot_id, service, now=None):
    with session_scope() as session:
        return reception.book(session, resident(sender, session), slot_id, service, now).status


# ---- the reception week ----


def test_a_week_gives_visits_without_the_lunch_break_and_nothing_on_days_off():
    schedule = read_schedule(
        {
            "hours": {"mon-fri": "09:00-12:00", "sat": "10:00-11:00"},
            "lunch": "10:00-10:30",
            "visit_minutes": 30,
            "desks": 2,
        }
    )
    assert [f"{v:%H:%M}" for v in schedule.visits(MONDAY)] == ["09:00", "09:30", "10:30", "11:00", "11:30"]
    assert [f"{v:%H:%M}" for v in schedule.visits(date(2026, 11, 28))] == ["10:30"]  # a Saturday
    assert list(schedule.visits(SUNDAY)) == []
    assert hours_text(schedule) == "пн–пт 09:00–12:00, сб 10:00–11:00"
    uneven = Schedule({0: (time(9), time(10, 10))}, None, 20, 1)
    assert [f"{v:%H:%M}" for v in uneven.visits(MONDAY)] == [
        "09:00",
        "09:20",
        "09:40",
    ]  # 10:00 would end late


def test_a_span_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        read_schedule({"hours": {"mon": "18:00-09:00"}})


def test_reception_is_opened_once_for_each_desk_and_visit(demo_store):
    schedule = read_schedule({"hours": {"mon": "10:00-11:00"}, "visit_minutes": 30, "desks": 2})
    housing = institution_id("housing_office")
    with session_scope() as session:
        before = session.execute(select(func.count(Slot.id))).scalar_one()
        added = open_reception(session, housing, schedule, date(2026, 12, 7), 7)
        again = open_reception(session, housing, schedule, date(2026, 12, 7), 7)
        after = session.execute(select(func.count(Slot.id))).scalar_one()
    assert (added, again, after - before) == (4, 0, 4)  # 10:00 and 10:30 at two desks, on Monday 7 December


# ---- reading the day and the hour ----


def test_days_and_hours_as_the_form_keeps_them():
    assert day_value("2026-11-24") == "2026-11-24"
    assert day_value({"from": "2026-11-23", "to": "2026-11-29"}) == "2026-11-23/2026-11-29"
    assert day_span("2026-11-23/2026-11-29") == (MONDAY, date(2026, 11, 29))
    assert day_value("2026-02-31") is None and day_span("2026-11-29/2026-11-23") is None
    assert time_value({"from": "08:00", "to": "12:00"}) == "08:00-12:00"
    assert [time_value(None, typed, True) for typed in ("10", "13 30", "3", "14.20")] == [
        "10:00",
        "13:30",
        "15:00",
        "14:20",
    ]
    assert [time_value(None, typed, True) for typed in ("25", "10 99", "1 2 3", "да", "9" * 300)] == [
        None
    ] * 5
    assert time_value(None, "10") is None  # a bare number is an hour only when the hour is asked


def test_an_hour_is_matched_with_the_free_times():
    day, now = TUESDAY, at(NOW.date(), 12)
    free = [at(day, 9), at(day, 9, 40), at(day, 11)]
    span, visit = (at(day, 9), at(day, 17, 40)), timedelta(minutes=20)
    assert pick_time(wanted("09:00"), day, free, span, now, visit) == Pick(FOUND, at(day, 9))
    assert pick_time(wanted("09:20"), day, free, span, now, visit) == Pick(SHIFTED, at(day, 9, 40))
    assert pick_time(wanted("10:00"), day, free, span, now, visit) == Pick(
        SHIFTED, at(day, 11)
    )  # within the hour
    assert pick_time(wanted("12:00"), day, free, span, now, visit).status == TAKEN
    assert pick_time(wanted("03:00"), day, free, span, now, visit).status == CLOSED
    assert pick_time(wanted("18:00"), day, free, span, now, visit).status == CLOSED
    assert pick_time(wanted("10:00-12:00"), day, free, span, now, visit) == Pick(FOUND, at(day, 11))
    assert pick_time(wanted("13:00-18:00"), day, free, span, now, visit).status == NONE_IN_SPAN
    today = NOW.date()
    assert pick_time(wanted("09:00"), today, [at(today, 15)], span, now, visit).status == PAST


def test_the_times_shown_around_an_hour_and_over_a_day():
    free = [at(TUESDAY, hour) for hour in range(8, 20)]
    assert [m.hour for m in around(free, at(TUESDAY, 12), 4)] == [10, 11, 12, 13]
    assert [m.hour for m in around(free, at(TUESDAY, 19), 4)] == [16, 17, 18, 19]
    assert [m.hour for m in spread(free, 4)] == [8, 12, 15, 19]


# ---- free times of the demo ----


def test_the_demo_opens_two_weeks_of_reception_with_some_times_taken(demo_store):
    mfc, clinic = institution_id("mfc"), institution_id("clinic")
    with session_scope() as session:
        days = reception_times.free_days(session, mfc, 5)
        today = reception_times.free_times(session, mfc, NOW.date())
        monday = reception_times.free_times(session, mfc, MONDAY)
        clinic_monday = reception_times.free_times(session, clinic, MONDAY)
        last = reception_times.last_open_day(session, mfc)
    assert days == [date(2026, 11, 20), date(2026, 11, 21), MONDAY, TUESDAY, date(2026, 11, 25)]  # no Sunday
    assert (
        clock_texts(today)[:2] == ["12:20", "12:40"] and clock_texts(today)[-1] == "19:40"
    )  # only the future
    assert "10:00" not in clock_texts(monday) and "10:20" in clock_texts(monday)  # 10:00 taken at all 3 desks
    assert not {"13:00", "13:15", "13:30", "13:45"} & set(clock_texts(clinic_monday))  # the lunch break
    assert last == date(2026, 12, 3)


def test_why_a_day_has_no_free_time(demo_store):
    passport_office, housing = institution_id("passport_office"), institution_id("housing_office")
    with session_scope() as session:
        for slot in session.execute(
            select(Slot).where(
                Slot.institution_id == housing, Slot.starts_at >= clock.to_store(at(MONDAY, 0))
            )
        ).scalars():
            if clock.to_local(slot.starts_at).date() == MONDAY:
                slot.resident_id = resident("neighbour", session)
    with session_scope() as session:
        states = [
            reception_times.day_state(session, passport_office, day)
            for day in (date(2026, 11, 19), MONDAY, TUESDAY, date(2026, 12, 10))
        ]
        full = reception_times.day_state(session, housing, MONDAY)
    assert states == [
        reception_times.PAST,
        reception_times.CLOSED,
        reception_times.FREE,
        reception_times.NOT_OPEN,
    ]
    assert full == reception_times.FULL


# ---- booking ----


def test_a_slot_is_booked_once_and_a_resident_holds_one_appointment_per_institution(demo_store):
    passport = service_id("mfc", "Паспорт РФ: получение и замена")
    first, second = slot_ids("mfc", at(TUESDAY, 9))[:2]
    later = slot_ids("mfc", at(TUESDAY, 15))[0]
    assert book("resident-1", first, passport) == reception.BOOKED
    assert book("resident-2", first, passport) == reception.TAKEN
    assert book("resident-1", later, passport) == reception.HELD
    with session_scope() as session:
        again = reception.book_at(
            session, resident("resident-1", session), institution_id("mfc", session), at(TUESDAY, 9), passport
        )
        other_desk = reception.book_at(
            session, resident("resident-2", session), institution_id("mfc", session), at(TUESDAY, 9), passport
        )
    assert again.status == reception.ALREADY and other_desk.status == reception.BOOKED
    assert (holder(first), holder(second), holder(later)) == (
        resident("resident-1"),
        resident("resident-2"),
        None,
    )


def test_a_past_slot_or_a_service_of_another_institution_is_not_booked(demo_store):
    passport = service_id("mfc", "Паспорт РФ: получение и замена")
    this_morning = slot_ids("mfc", at(NOW.date(), 9))[0]
    tuesday = slot_ids("mfc", at(TUESDAY, 9))[0]
    assert book("resident-1", this_morning, passport) == reception.GONE
    assert book("resident-1", tuesday, service_id("clinic", "Приём хирурга")) == reception.GONE
    assert book("resident-1", 10**9, passport) == reception.GONE
    assert holder(this_morning) is None and holder(tuesday) is None


def test_one_of_many_residents_racing_for_one_slot_gets_it(demo_store):
    passport = service_id("mfc", "Паспорт РФ: получение и замена")
    slot = slot_ids("mfc", at(TUESDAY, 11))[0]
    senders = [f"racer-{n}" for n in range(12)]
    for sender in senders:
        resident(sender)
    outcomes = at_once(lambda sender: book(sender, slot, passport), senders)
    assert sorted(outcomes).count(reception.BOOKED) == 1
    assert set(outcomes) == {reception.BOOKED, reception.TAKEN}
    assert holder(slot) == resident(senders[outcomes.index(reception.BOOKED)])


def test_residents_racing_for_different_slots_all_get_theirs(demo_store):
    passport = service_id("mfc", "Паспорт РФ: получение и замена")
    moments = [at(TUESDAY, 12) + timedelta(minutes=m) for m in range(0, 80, 20)]
    slots = [slot for moment in moments for slot in slot_ids("mfc", moment)]  # 4 times, 3 desks each
    senders = [f"racer-{n}" for n in range(12)]
    for sender in senders:
        resident(sender)
    outcomes = at_once(lambda pair: book(pair[0], pair[1], passport), list(zip(senders, slots, strict=True)))
    assert outcomes == [reception.BOOKED] * 12
    assert [holder(slot) for slot in slots] == [resident(sender) for sender in senders]


def test_one_resident_racing_for_several_slots_of_one_institution_gets_one(demo_store):
    passport = service_id("mfc", "Паспорт РФ: получение и замена")
    slots = [slot_ids("mfc", at(TUESDAY, hour))[0] for hour in range(9, 17)]
    resident("hasty")
    outcomes = at_once(lambda slot: book("hasty", slot, passport), slots)
    assert outcomes.count(reception.BOOKED) == 1
    assert set(outcomes) <= {reception.BOOKED, reception.HELD}
    with session_scope() as session:
        held = session.execute(
            select(func.count(Slot.id)).where(Slot.resident_id == resident("hasty", session))
        ).scalar()
    assert held == 1


# ---- the resident's appointments, cancelling, moving ----


def test_the_resident_lists_only_their_own_future_appointments(demo_store):
    with session_scope() as session:
        mine = reception.appointments_of(session, resident("me", session))
    assert [(a.code, f"{a.starts_at:%d.%m %H:%M}", a.service) for a in mine] == [
        ("clinic", "24.11 09:00", "Приём терапевта"),
        ("mfc", "25.11 11:00", "Паспорт РФ: получение и замена"),
    ]
    later = NOW + timedelta(days=30)
    with session_scope() as session:
        assert reception.appointments_of(session, resident("me", session), later) == []
        assert reception.appointments_of(session, resident("resident-1", session)) == []


def test_another_resident_cannot_cancel_my_appointment_and_i_can_once(demo_store):
    with session_scope() as session:
        mine = reception.appointments_of(session, resident("me", session))[0]
        assert (
            reception.cancel(session, resident("resident-1", session), mine.slot_id).status == reception.GONE
        )
    assert holder(mine.slot_id) == resident("me")
    with session_scope() as session:
        outcome = reception.cancel(session, resident("me", session), mine.slot_id)
        again = reception.cancel(session, resident("me", session), mine.slot_id)
    assert outcome.status == reception.CANCELLED and outcome.appointment.slot_id == mine.slot_id
    assert again.status == reception.GONE and holder(mine.slot_id) is None


def test_moving_takes_the_new_slot_and_frees_the_old_one_or_changes_nothing(demo_store):
    resident("resident-1")  # created before the write below holds SQLite's lock
    with session_scope() as session:
        mine = reception.held_at(session, resident("me", session), institution_id("mfc", session))
    free, taken = slot_ids("mfc", at(TUESDAY, 14)), slot_ids("mfc", at(MONDAY, 10))
    with session_scope() as session:
        assert (
            reception.move(session, resident("me", session), mine.slot_id, taken[0]).status == reception.TAKEN
        )
        assert (
            reception.move(session, resident("resident-1", session), mine.slot_id, free[0]).status
            == reception.GONE
        )
    assert holder(mine.slot_id) == resident("me") and holder(free[0]) is None
    with session_scope() as session:
        moved = reception.move_at(session, resident("me", session), mine.slot_id, at(TUESDAY, 14))
    assert moved.status == reception.MOVED and moved.appointment.starts_at == at(TUESDAY, 14)
    assert moved.appointment.service == "Паспорт РФ: получение и замена"
    assert holder(mine.slot_id) is None and holder(free[0]) == resident("me")
    with session_scope() as session:
        assert (
            reception.move_at(session, resident("me", session), free[0], at(TUESDAY, 14)).status
            == reception.ALREADY
        )


def test_a_move_racing_a_booking_for_the_same_slot_leaves_one_holder_and_the_old_slot_kept(demo_store):
    passport = service_id("mfc", "Паспорт РФ: получение и замена")
    with session_scope() as session:
        mine = reception.held_at(session, resident("me", session), institution_id("mfc", session))
    target = slot_ids("mfc", at(TUESDAY, 16))[0]
    resident("rival")

    def work(who):
        with session_scope() as session:
            if who == "me":
                return reception.move(session, resident("me", session), mine.slot_id, target).status
            return reception.book(session, resident("rival", session), target, passport).status

    outcomes = dict(zip(["me", "rival"], at_once(work, ["me", "rival"]), strict=True))
    assert sorted(outcomes.values()) in (
        sorted([reception.MOVED, reception.TAKEN]),
        sorted([reception.TAKEN, reception.BOOKED]),
    )
    if outcomes["me"] == reception.MOVED:
        assert holder(target) == resident("me") and holder(mine.slot_id) is None
    else:
        assert holder(target) == resident("rival") and holder(mine.slot_id) == resident("me")


def test_the_demo_residents_hold_their_visits(demo_store):
    with session_scope() as session:
        taken = session.execute(select(func.count(Slot.id)).where(Slot.resident_id.is_not(None))).scalar_one()
    assert taken == 9
    assert [holder(slot) for slot in slot_ids("mfc", at(MONDAY, 10))] == [
        resident("member-anna"),
        resident("member-boris"),
        resident("member-vera"),
    ]
