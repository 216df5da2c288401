"""Seats and the waiting list on SQLite and PostgreSQL: never more enrolments than seats, also at once."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from engine.sdk import resident_for, session_scope
from engine.testing import at_once, meeting_after
from skills.education import seats
from skills.education.models import EduCourse, EduEnrollment

NOW = datetime(2026, 11, 20, 6, 0)  # naive UTC, as the store keeps it


def course_id(title):
    with session_scope() as session:
        return session.execute(select(EduCourse.id).where(EduCourse.title == title)).scalar_one()


def enrol(course, who, now=NOW):
    with session_scope() as session:
        result = seats.enrol(
            session, session.get(EduCourse, course), resident_for(session, "rest", who), None, now
        )
        return result.status, result.position, result.enrollment.id


def leave(enrollment_id, now=NOW):
    with session_scope() as session:
        offered = seats.leave(session, session.get(EduEnrollment, enrollment_id), now)
        return [e.id for e in offered]


def a_demo_seat(course):
    with session_scope() as session:
        return (
            session.execute(
                select(EduEnrollment.id).where(
                    EduEnrollment.course_id == course, EduEnrollment.status == "active"
                )
            )
            .scalars()
            .first()
        )


def statuses(course):
    with session_scope() as session:
        rows = session.execute(
            select(EduEnrollment.status, func.count())
            .where(EduEnrollment.course_id == course)
            .group_by(EduEnrollment.status)
        ).all()
        return dict(rows)


def test_a_full_course_puts_residents_in_line_in_order(demo_store):
    chess = course_id("Шахматы для начинающих")  # 8 seats, all taken in the demo
    assert enrol(chess, "anna")[:2] == ("waiting", 1)
    assert enrol(chess, "boris")[:2] == ("waiting", 2)
    assert enrol(chess, "anna")[:2] == ("already", 1)  # twice: still one place in line


def test_a_freed_seat_is_offered_to_the_first_in_line_and_held_for_them(demo_store):
    chess = course_id("Шахматы для начинающих")
    _, _, anna = enrol(chess, "anna")
    _, _, boris = enrol(chess, "boris")
    taken = a_demo_seat(chess)
    assert leave(taken) == [anna]
    assert enrol(chess, "carl")[:2] == ("waiting", 2)  # the held seat is nobody else's
    assert enrol(chess, "anna")[0] == "active"  # Anna takes the seat held for her
    assert statuses(chess) == {"active": 8, "left": 1, "waiting": 2}
    assert leave(taken) == []  # leaving twice frees nothing more
    assert boris


def test_an_offer_not_taken_in_time_goes_to_the_next(demo_store):
    chess = course_id("Шахматы для начинающих")
    _, _, anna = enrol(chess, "anna")
    _, _, boris = enrol(chess, "boris")
    taken = a_demo_seat(chess)
    leave(taken)
    later = NOW + seats.HOLD + timedelta(minutes=1)
    with session_scope() as session:
        assert [e.id for e in seats.expire_offer(session, anna, later)] == [boris]
    assert enrol(chess, "anna", later)[:2] == ("waiting", 1)  # too late: in line again, after Boris's seat
    assert statuses(chess)["expired"] == 1


def test_leaving_a_waiting_list_frees_no_seat(demo_store):
    chess = course_id("Шахматы для начинающих")
    _, _, anna = enrol(chess, "anna")
    enrol(chess, "boris")
    assert leave(anna) == []
    assert enrol(chess, "carl")[:2] == ("waiting", 2)


@pytest.mark.parametrize("residents", [2, 6])
def test_residents_taking_the_last_seats_at_once_never_overfill_the_course(
    demo_store, residents, monkeypatch
):
    painting = course_id("Рисование для детей")  # 10 seats, 6 taken
    # Every resident counts the seats before anyone takes one, unless the course's lock keeps the others waiting:
    # then they go on one by one.
    monkeypatch.setattr(seats, "seats_taken", meeting_after(seats.seats_taken, residents))
    results = at_once(lambda n: enrol(painting, f"parent-{n}")[0], range(residents))
    assert results.count("active") == min(residents, 4)
    assert results.count("waiting") == max(residents - 4, 0)
    assert statuses(painting)["active"] == min(6 + residents, 10)
