"""The resident's schedule and materials, leaving a course, and the skill's notifications."""

from engine.sdk import clock, resident_for, session_scope
from engine.testing import button_titles, scheduled_notifications, slot_events, texts
from skills.education import seats
from skills.education.actions.leave import (
    ActionAskEduEnrollment,
    ActionAskEduLeaveConfirm,
    ActionEduLeaveDone,
    ValidateEduLeaveForm,
)
from skills.education.actions.mine import ActionEduMaterials, ActionEduSchedule
from skills.education.actions.notice import ActionEduNotice
from skills.education.models import EduEnrollment
from skills.education.reminders import tell_seat_offered

from .helpers import act, course_id, enrollments, form
from .test_actions_enroll import done


def enrol_masha_and_self():
    done(
        {
            "edu_course": course_id("Рисование для детей"),
            "edu_learner": "new",
            "edu_child_name": "Маша",
            "edu_child_age": 8,
        }
    )
    done({"edu_course": course_id("Йога для всех"), "edu_learner": "self"})


def notice(kind, enrollment, notification, sender="resident-1"):
    entities = [
        {"entity": "notification_id", "value": notification},
        {"entity": "edu_notice_kind", "value": kind},
        {"entity": "edu_notice_enrollment", "value": enrollment},
    ]
    return act(ActionEduNotice(), "", "EXTERNAL_edu_notice", entities=entities, sender=sender)


def test_the_schedule_across_courses_and_children_by_the_next_lesson(demo_store):
    messages, _ = act(ActionEduSchedule(), "моё расписание", "edu_schedule")
    assert texts(messages) == "Вы пока ни на что не записаны." and button_titles(messages) == [
        "Какие есть курсы"
    ]
    enrol_masha_and_self()
    messages, _ = act(ActionEduSchedule(), "моё расписание", "edu_schedule")
    assert texts(messages) == (
        "Ваше расписание:\n"
        "• сб 21 ноября, 11:00: занятие «Рисование для детей» (Маша (8 лет)), дом культуры, ул. Гагарина, 7\n"
        "• вт 24 ноября, 08:00: занятие «Йога для всех» (вы), спортивный клуб, Спортклуб «Заря», ул. Речная, 12"
    )


def test_materials_of_the_resident_courses_or_of_the_one_named(demo_store):
    messages, _ = act(ActionEduMaterials(), "материалы", "edu_materials")
    assert texts(messages).startswith("Материалы есть у курсов, на которые вы записаны")
    enrol_masha_and_self()
    messages, _ = act(ActionEduMaterials(), "что взять на рисование", "edu_materials")
    assert texts(messages) == (
        "Материалы курса «Рисование для детей»:\n• Что принести: Фартук и альбом А3, краски выдаём на месте."
    )
    messages, _ = act(ActionEduMaterials(), "пришли материалы", "edu_materials")
    assert "Рисование для детей" in texts(
        messages
    ) and "К курсу «Йога для всех» материалов пока нет" in texts(messages)


def test_leaving_with_a_confirmation_frees_the_seat_for_the_first_in_line(demo_store):
    chess = course_id("Шахматы для начинающих")
    done({"edu_course": chess, "edu_learner": "self"}, sender="waiting-parent")  # full: in line
    done({"edu_course": course_id("Йога для всех"), "edu_learner": "self"})
    with session_scope() as session:  # one of the demo's chess seats is this resident's
        demo_seat = session.query(EduEnrollment).filter_by(course_id=chess, status="active").first()
        demo_seat.resident_id = resident_for(session, "rest", "resident-1")
        seat = demo_seat.id
    messages, _ = act(ActionAskEduEnrollment(), "отпишите меня", "edu_cancel_enrollment")
    assert button_titles(messages) == ["«Шахматы для начинающих» (вы)", "«Йога для всех» (вы)"]
    _, events = form(ValidateEduLeaveForm(), "edu_leave_form", "от шахмат", "edu_cancel_enrollment")
    assert slot_events(events)["edu_enrollment"] == seat
    messages, _ = act(ActionAskEduLeaveConfirm(), slots={"edu_enrollment": seat})
    assert texts(messages) == "Выписать с «Шахматы для начинающих»: вы? Место перейдёт следующему в очереди."
    slots = {"edu_enrollment": seat, "edu_leave_confirm": True}
    messages, _ = act(ActionEduLeaveDone(), "да", "affirm", slots=slots)
    assert texts(messages).startswith("Готово: «Шахматы для начинающих» (вы) — больше не записаны")
    assert enrollments("waiting-parent") == [("Шахматы для начинающих", "offered", None)]
    offered = [n for n in scheduled_notifications() if n[4] == "rest:waiting-parent"]
    assert [n[3]["edu_notice_kind"] for n in offered] == ["seat_offered", "offer_expired"]
    # a stale confirmation, and another resident's enrolment, change nothing
    assert (
        texts(act(ActionEduLeaveDone(), "да", "affirm", slots=slots)[0])
        == "Вы ни на что не записаны — выписываться неоткуда."
    )
    _, events = form(
        ValidateEduLeaveForm(), "edu_leave_form", "x", new={"edu_enrollment": str(seat)}, sender="intruder"
    )
    assert slot_events(events)["edu_enrollment"] is None


def test_nothing_to_leave_ends_the_form_at_once(demo_store):
    messages, events = act(ActionAskEduEnrollment(), "отпишите", "edu_cancel_enrollment")
    assert texts(messages) == "Вы ни на что не записаны — выписываться неоткуда."
    assert events[0]["event"] == "active_loop" and events[0]["name"] is None


def test_a_lesson_reminder_is_said_once_and_the_next_one_scheduled(demo_store):
    enrol_masha_and_self()
    first = next(n for n in scheduled_notifications() if n[3]["edu_notice_kind"] == "lesson")
    enrollment = first[3]["edu_notice_enrollment"]
    messages, _ = notice("lesson", enrollment, first[0])
    assert texts(messages) == (
        "Напоминаю: сб 21 ноября, 11:00 — «Рисование для детей» (Маша (8 лет)), дом культуры, ул. Гагарина, 7."
    )
    assert notice("lesson", enrollment, first[0]) == ([], [])  # delivered twice: said once
    assert notice("lesson", enrollment, first[0], sender="someone-else") == ([], [])
    following = [n for n in scheduled_notifications() if n[3].get("edu_notice_enrollment") == enrollment]
    assert len(following) == 1 and following[0][2].startswith("2026-11-28T06:00")


def test_a_seat_offer_then_its_end_passes_the_seat_on(demo_store, frozen_clock, monkeypatch):
    chess = course_id("Шахматы для начинающих")
    done({"edu_course": chess, "edu_learner": "self"}, sender="first")
    done({"edu_course": chess, "edu_learner": "self"}, sender="second")
    with session_scope() as session:  # a demo resident leaves
        seat = session.query(EduEnrollment).filter_by(course_id=chess, status="active").first()
        (offered,) = seats.leave(session, seat, clock.to_store(frozen_clock))
        tell_seat_offered(session, offered)
        offered_id = offered.id
    first = {n[3]["edu_notice_kind"]: n[0] for n in scheduled_notifications() if n[4] == "rest:first"}
    messages, _ = notice("seat_offered", offered_id, first["seat_offered"], sender="first")
    assert texts(messages).startswith(
        "Освободилось место на «Шахматы для начинающих» (вы). Записать? Держу место до"
    )
    assert messages[0]["offer"]["intent"] == "edu_enroll"
    monkeypatch.setattr("engine.sdk.clock.now", lambda: frozen_clock + seats.HOLD * 2)
    messages, _ = notice("offer_expired", offered_id, first["offer_expired"], sender="first")
    assert "оно перешло следующему в очереди" in texts(messages)
    assert enrollments("first") == [("Шахматы для начинающих", "expired", None)]
    assert enrollments("second") == [("Шахматы для начинающих", "offered", None)]
