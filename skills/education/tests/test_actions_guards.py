"""Every education action that changes an enrolment, tried as another resident (forged ids in slots and button
payloads), twice, twice at once, after a stale confirmation, and with hostile input: the resident reads why in
Russian, and nothing changes that was not theirs to change."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine.sdk import clock, resident_for, session_scope
from engine.testing import HOSTILE_IDS, at_once, freeze_clock, hostile_id, meeting_after, slot_events, texts
from skills.education import seats
from skills.education.actions import leave as leave_actions
from skills.education.actions.enroll import (
    ActionAskEduEnrollConfirm,
    ValidateEduEnrollForm,
)
from skills.education.actions.leave import ActionAskEduLeaveConfirm, ActionEduLeaveDone, ValidateEduLeaveForm
from skills.education.models import EduCourse, EduEnrollment, EduLearner

from .conftest import NOW
from .helpers import act, course_id, enrollments, form
from .test_actions_enroll import done
from .test_actions_reminder_lead import enrollment_of, lead, minutes_of

OTHER = "resident-2"
DRAWING, YOGA, CHESS = "Рисование для детей", "Йога для всех", "Шахматы для начинающих"
NOT_ENROLLED = "Хорошо, не записываю."
NOTHING_TO_LEAVE = "Вы ни на что не записаны — выписываться неоткуда."
UNKNOWN_ENROLLMENT = "Не понял, с какого курса. Выберите кнопкой или назовите курс."


def masha(sender="resident-1"):
    """Маша, 8, enrolled on the drawing course by `sender`; her learner id."""
    slots = {
        "edu_course": course_id(DRAWING),
        "edu_learner": "new",
        "edu_child_name": "Маша",
        "edu_child_age": 8,
    }
    assert texts(done(slots, sender=sender)[0]).startswith("Готово, записал")
    return learner_ids(sender)[0]


def learner_ids(sender="resident-1"):
    with session_scope() as session:
        resident = resident_for(session, "rest", sender)
        return list(
            session.execute(
                select(EduLearner.id).where(EduLearner.resident_id == resident).order_by(EduLearner.id)
            ).scalars()
        )


def counts():
    """(enrolments, learners) in the store: what a refused action must leave as it was."""
    with session_scope() as session:
        return (
            session.execute(select(func.count(EduEnrollment.id))).scalar_one(),
            session.execute(select(func.count(EduLearner.id))).scalar_one(),
        )


def leave_done(enrollment, sender="resident-1"):
    slots = {"edu_enrollment": enrollment, "edu_leave_confirm": True}
    return act(ActionEduLeaveDone(), "да", "affirm", slots=slots, sender=sender)


def take_a_demo_chess_seat(sender="resident-1"):
    """One of the demo's chess seats (the course is full) becomes `sender`'s; its enrolment id."""
    chess = course_id(CHESS)  # read before the unit of work below: a second one would wait for its lock
    with session_scope() as session:
        seat = (
            session.execute(
                select(EduEnrollment).where(
                    EduEnrollment.course_id == chess, EduEnrollment.status == seats.ACTIVE
                )
            )
            .scalars()
            .first()
        )
        seat.resident_id = resident_for(session, "rest", sender)
        return seat.id


# ---- another resident ----


def test_another_resident_naming_my_child_neither_sees_nor_enrols_her(demo_store):
    child = masha()
    before = counts()
    slots = {"edu_course": course_id(YOGA), "edu_learner": str(child)}
    messages, _ = act(ActionAskEduEnrollConfirm(), slots=slots, sender=OTHER)
    assert "Маша" not in texts(messages)
    assert texts(done(slots, sender=OTHER)[0]) == NOT_ENROLLED
    _, events = form(
        ValidateEduEnrollForm(),
        "edu_enroll_form",
        str(child),
        slots={"edu_course": course_id(DRAWING)},
        new={"edu_learner": str(child)},
        sender=OTHER,
    )
    assert slot_events(events)["edu_learner"] != str(child)
    assert counts() == before and enrollments(OTHER) == []


def test_another_resident_can_neither_leave_my_course_nor_change_its_reminders(demo_store):
    masha()
    mine = enrollment_of(DRAWING).id
    messages, events = act(ActionAskEduLeaveConfirm(), slots={"edu_enrollment": mine}, sender=OTHER)
    assert texts(messages) == UNKNOWN_ENROLLMENT and slot_events(events) == {"edu_enrollment": None}
    assert texts(leave_done(mine, sender=OTHER)[0]) == NOTHING_TO_LEAVE
    done({"edu_course": course_id(YOGA), "edu_learner": "self"}, sender=OTHER)  # the other has a course too
    button = [
        {"entity": "edu_reminder_minutes", "value": "30"},
        {"entity": "edu_reminder_enrollments", "value": str(mine)},
    ]
    messages, _ = lead("/edu_reminder_lead", sender=OTHER, entities=button)
    assert texts(messages).startswith("Такой записи среди ваших нет.")
    assert enrollments() == [(DRAWING, "active", "Маша")] and minutes_of(DRAWING) == 120


def test_a_seat_held_for_the_first_in_line_is_not_taken_by_another_resident(demo_store):
    done({"edu_course": course_id(CHESS), "edu_learner": "self"}, sender="first")
    seat = take_a_demo_chess_seat()
    assert texts(leave_done(seat)[0]).startswith("Готово:")
    assert enrollments("first") == [(CHESS, "offered", None)]
    # the offer's payload (this course, "self") sent by someone else: a place in line, not the held seat
    messages, _ = done({"edu_course": course_id(CHESS), "edu_learner": "self"}, sender=OTHER)
    assert texts(messages).startswith(f"Мест на «{CHESS}» нет — записал в лист ожидания")
    assert enrollments(OTHER) == [(CHESS, "waiting", None)]
    assert enrollments("first") == [(CHESS, "offered", None)]


# ---- twice, and twice at once ----


def test_the_same_confirmation_twice_enrols_a_new_child_once(demo_store):
    masha()
    slots = {
        "edu_course": course_id(DRAWING),
        "edu_learner": "new",
        "edu_child_name": "Маша",
        "edu_child_age": 8,
    }
    messages, _ = done(slots)
    assert texts(messages).startswith(f"Уже записаны на «{DRAWING}»: Маша (8 лет).")
    assert enrollments() == [(DRAWING, "active", "Маша")] and len(learner_ids()) == 1


@pytest.mark.parametrize(
    "learner",
    [{"edu_learner": "self"}, {"edu_learner": "new", "edu_child_name": "Петя", "edu_child_age": 10}],
    ids=["self", "new-child"],
)
def test_one_confirmation_sent_twice_at_once_enrols_once(demo_store, learner, monkeypatch):
    course = course_id("Робототехника") if learner["edu_learner"] == "new" else course_id(YOGA)
    enrollments()  # the resident exists before the race
    monkeypatch.setattr(seats, "current", meeting_after(seats.current, 2))
    answers = at_once(lambda _: texts(done({"edu_course": course, **learner})[0]), [1, 2])
    assert sorted(answer.split(" ")[0] for answer in answers) == ["Готово,", "Уже"], answers
    assert len(enrollments()) == 1 and len(learner_ids()) == (1 if learner["edu_learner"] == "new" else 0)


def test_leaving_twice_at_once_frees_one_seat_and_says_so_once(demo_store, monkeypatch):
    done({"edu_course": course_id(CHESS), "edu_learner": "self"}, sender="first")
    done({"edu_course": course_id(CHESS), "edu_learner": "self"}, sender="second")
    seat = take_a_demo_chess_seat()
    monkeypatch.setattr(leave_actions, "own_enrollment", meeting_after(leave_actions.own_enrollment, 2))
    answers = at_once(lambda _: texts(leave_done(seat)[0]), [1, 2])
    assert sorted(answer.startswith("Готово:") for answer in answers) == [False, True], answers
    assert NOTHING_TO_LEAVE in answers
    assert enrollments("first") == [(CHESS, "offered", None)]
    assert enrollments("second") == [(CHESS, "waiting", None)]  # one seat freed: offered once


# ---- stale confirmations ----


def test_an_enrolment_confirmed_after_the_course_ended_is_refused(demo_store, monkeypatch):
    drawing = course_id(DRAWING)
    slots = {"edu_course": drawing, "edu_learner": "new", "edu_child_name": "Маша", "edu_child_age": 8}
    assert texts(act(ActionAskEduEnrollConfirm(), slots=slots)[0]).startswith("Записать на")
    with session_scope() as session:
        ends_on = session.get(EduCourse, drawing).ends_on
    freeze_clock(monkeypatch, NOW + timedelta(days=(ends_on - NOW.date()).days + 1))
    before = counts()
    assert texts(done(slots)[0]).startswith("Этот курс уже закончился")
    assert counts() == before


def test_the_last_seat_taken_while_deciding_puts_the_resident_in_line_and_says_so(demo_store):
    robots = course_id("Робототехника")  # 10 seats, 4 taken
    slots = {"edu_course": robots, "edu_learner": "new", "edu_child_name": "Петя", "edu_child_age": 10}
    assert texts(act(ActionAskEduEnrollConfirm(), slots=slots)[0]).startswith("Записать на")
    for n in range(6):
        done({"edu_course": robots, "edu_learner": "self"}, sender=f"quicker-{n}")
    messages, _ = done(slots)
    assert texts(messages).startswith(
        "Мест на «Робототехника» нет — записал в лист ожидания: Петя (10 лет), 1-й"
    )


def test_a_held_seat_accepted_after_its_hold_ended_is_a_place_in_line(demo_store, monkeypatch):
    done({"edu_course": course_id(CHESS), "edu_learner": "self"}, sender="first")
    done({"edu_course": course_id(CHESS), "edu_learner": "self"}, sender="second")
    leave_done(take_a_demo_chess_seat())
    with session_scope() as session:  # the end of the hold: the seat goes to the second in line
        offered = session.execute(
            select(EduEnrollment).where(EduEnrollment.status == seats.OFFERED)
        ).scalar_one()
        seats.expire_offer(session, offered.id, clock.to_store(NOW) + seats.HOLD * 2)
    freeze_clock(monkeypatch, NOW + seats.HOLD * 2)
    messages, _ = done({"edu_course": course_id(CHESS), "edu_learner": "self"}, sender="first")
    assert texts(messages).startswith(f"Мест на «{CHESS}» нет — записал в лист ожидания: вы, 1-й")
    assert enrollments("second") == [(CHESS, "offered", None)]


def test_leaving_a_place_in_line_that_expired_meanwhile_changes_nothing(demo_store):
    done({"edu_course": course_id(CHESS), "edu_learner": "self"})
    mine = enrollment_of(CHESS)
    assert texts(act(ActionAskEduLeaveConfirm(), slots={"edu_enrollment": mine.id})[0]).startswith("Выписать")
    with session_scope() as session:
        session.get(EduEnrollment, mine.id).status = seats.EXPIRED
    assert texts(leave_done(mine.id)[0]) == NOTHING_TO_LEAVE
    assert enrollments() == [(CHESS, "expired", None)]


def test_a_reminder_button_pressed_after_leaving_the_course_changes_nothing(demo_store):
    masha()
    drawing = enrollment_of(DRAWING).id
    leave_done(drawing)
    button = [
        {"entity": "edu_reminder_minutes", "value": "60"},
        {"entity": "edu_reminder_enrollments", "value": str(drawing)},
    ]
    messages, _ = lead("/edu_reminder_lead", entities=button)
    assert texts(messages).startswith("Напоминаю о занятиях курсов, на которые вы записаны")
    assert minutes_of(DRAWING) == 120


# ---- hostile input ----


@pytest.mark.parametrize("value", HOSTILE_IDS, ids=hostile_id)
def test_hostile_course_learner_and_enrolment_values_are_answered_calmly(demo_store, value):
    masha()
    before = counts()
    messages, events = form(
        ValidateEduEnrollForm(), "edu_enroll_form", value[:100], "edu_enroll", new={"edu_course": value}
    )
    assert texts(messages).startswith("Не нашёл такого курса.") and slot_events(events)["edu_course"] is None
    assert texts(done({"edu_course": value, "edu_learner": "self"})[0]).startswith("Этот курс уже закончился")
    messages, _ = done({"edu_course": course_id(YOGA), "edu_learner": value})
    assert texts(messages) == NOT_ENROLLED
    drawing = {"edu_course": course_id(DRAWING), "edu_learner": "new", "requested_slot": "edu_child_name"}
    messages, events = form(
        ValidateEduEnrollForm(), "edu_enroll_form", value[:100], slots=drawing, new={"edu_child_name": value}
    )
    assert slot_events(events)["edu_child_name"] is None or value == "abc"
    messages, events = form(
        ValidateEduEnrollForm(),
        "edu_enroll_form",
        value[:100],
        slots={**drawing, "edu_child_name": "Маша", "requested_slot": "edu_child_age"},
        new={"edu_child_age": value},
    )
    assert texts(messages) == "Напишите возраст числом, например «8»."
    assert slot_events(events)["edu_child_age"] is None
    messages, events = form(
        ValidateEduLeaveForm(), "edu_leave_form", value[:100], new={"edu_enrollment": value}
    )
    chosen = slot_events(events)[
        "edu_enrollment"
    ]  # a number may be a place in the list of the resident's own
    assert chosen == enrollment_of(DRAWING).id or (chosen is None and texts(messages) == UNKNOWN_ENROLLMENT)
    assert texts(act(ActionAskEduLeaveConfirm(), slots={"edu_enrollment": value})[0]) == UNKNOWN_ENROLLMENT
    assert texts(leave_done(value)[0]) == NOTHING_TO_LEAVE
    assert counts() == before and enrollments() == [(DRAWING, "active", "Маша")]


@pytest.mark.parametrize("value", HOSTILE_IDS, ids=hostile_id)
def test_hostile_reminder_leads_and_payloads_are_answered_calmly(demo_store, value):
    masha()
    button = [
        {"entity": "edu_reminder_minutes", "value": value},
        {"entity": "edu_reminder_enrollments", "value": value},
    ]
    messages, _ = lead("/edu_reminder_lead", entities=button)
    assert texts(messages).startswith("Такой записи среди ваших нет."), texts(messages)
    assert minutes_of(DRAWING) == 120
    messages, _ = lead(f"по рисованию напоминай за {value} минут")
    assert texts(messages).startswith(("Буду напоминать", "Больше не напоминаю", "За ")), texts(messages)
