"""Changing the lead time of lesson reminders in conversation: for all courses, for one named, off, out of range,
asked with buttons, and never another resident's."""

from typing import Dict, List

from sqlalchemy import select

from engine.sdk import resident_for, session_scope
from engine.testing import button_titles, scheduled_notifications, texts
from skills.education.actions.reminder_lead import ActionEduReminderLead
from skills.education.models import EduEnrollment

from .helpers import act, course_id
from .test_actions_enroll import done
from .test_actions_mine import enrol_masha_and_self, notice

DRAWING, YOGA = "Рисование для детей", "Йога для всех"
CHOICES = ["за 30 минут", "за час", "за 2 часа", "за сутки", "не напоминать"]


def lead(text, sender="resident-1", entities=None, events=None):
    return act(
        ActionEduReminderLead(), text, "edu_reminder_lead", entities=entities, sender=sender, events=events
    )


def enrollment_of(title: str, sender: str = "resident-1") -> EduEnrollment:
    course = course_id(title)
    with session_scope() as session:
        resident = resident_for(session, "rest", sender)
        found = session.execute(
            select(EduEnrollment).where(
                EduEnrollment.course_id == course, EduEnrollment.resident_id == resident
            )
        ).scalar_one()
        session.expunge(found)
        return found


def minutes_of(title: str, sender: str = "resident-1") -> int:
    return enrollment_of(title, sender).reminder_minutes


def lesson_reminders() -> Dict[int, List[str]]:
    """Pending lesson reminders: enrolment id -> due times (UTC)."""
    due: Dict[int, List[str]] = {}
    for _, _, at, entities, _ in scheduled_notifications():
        if entities.get("edu_notice_kind") == "lesson":
            due.setdefault(entities["edu_notice_enrollment"], []).append(at[:16])
    return due


def test_a_new_lead_for_all_courses_moves_the_pending_reminders(demo_store):
    enrol_masha_and_self()
    drawing, yoga = enrollment_of(DRAWING).id, enrollment_of(YOGA).id
    # the default two hours: Saturday 11:00 and Tuesday 08:00 in Moscow
    assert lesson_reminders() == {drawing: ["2026-11-21T06:00"], yoga: ["2026-11-24T03:00"]}
    messages, _ = lead("напоминай о занятиях за час")
    assert texts(messages) == (
        "Буду напоминать за 1 час до занятий всех ваших курсов: «Рисование для детей» (Маша), "
        "«Йога для всех» (вы). Для одного курса назовите его: «по шахматам напоминай за сутки»."
    )
    assert minutes_of(DRAWING) == minutes_of(YOGA) == 60
    assert lesson_reminders() == {
        drawing: ["2026-11-21T07:00"],
        yoga: ["2026-11-24T04:00"],
    }  # moved, not doubled
    lead("напоминай о занятиях за час")  # twice: the same
    assert lesson_reminders() == {drawing: ["2026-11-21T07:00"], yoga: ["2026-11-24T04:00"]}


def test_a_named_course_only_and_the_next_reminders_keep_its_lead(demo_store):
    enrol_masha_and_self()
    drawing, yoga = enrollment_of(DRAWING).id, enrollment_of(YOGA).id
    messages, _ = lead("по рисованию напоминай за полчаса")
    assert texts(messages) == "Буду напоминать за 30 минут до занятий: «Рисование для детей» (Маша)."
    assert (minutes_of(DRAWING), minutes_of(YOGA)) == (30, 120)
    assert lesson_reminders() == {drawing: ["2026-11-21T07:30"], yoga: ["2026-11-24T03:00"]}
    # said on Saturday at 10:30: the next one, a week later, comes 30 minutes before too
    (pending,) = [n for n in scheduled_notifications() if n[3].get("edu_notice_enrollment") == drawing]
    messages, _ = notice("lesson", drawing, pending[0])
    assert texts(messages).startswith("Напоминаю: сб 21 ноября, 11:00 — «Рисование для детей»")
    assert lesson_reminders()[drawing] == ["2026-11-28T07:30"]


def test_two_days_ahead_reminds_of_the_first_lesson_still_that_far(demo_store):
    enrol_masha_and_self()
    messages, _ = lead("за двое суток до йоги предупреждай")
    assert texts(messages) == "Буду напоминать за 2 дня до занятий: «Йога для всех» (вы)."
    # Friday 09:00 now: Tuesday's 08:00 lesson, two days before is Sunday 08:00 in Moscow
    assert lesson_reminders()[enrollment_of(YOGA).id] == ["2026-11-22T05:00"]


def test_reminders_off_cancel_the_pending_ones_and_can_come_back(demo_store):
    enrol_masha_and_self()
    drawing = enrollment_of(DRAWING).id
    (pending,) = [n for n in scheduled_notifications() if n[3].get("edu_notice_enrollment") == drawing]
    messages, _ = lead("выключи напоминания о занятиях")
    assert texts(messages) == (
        "Больше не напоминаю о занятиях ни одного из ваших курсов: «Рисование для детей» (Маша), "
        "«Йога для всех» (вы). Включить снова: «напоминай за час до занятий»."
    )
    assert minutes_of(DRAWING) == minutes_of(YOGA) == 0
    assert lesson_reminders() == {}
    assert notice("lesson", drawing, pending[0]) == ([], [])  # the cancelled one says nothing
    messages, _ = lead("по рисованию снова напоминай за 2 часа")
    assert texts(messages) == "Буду напоминать за 2 часа до занятий: «Рисование для детей» (Маша)."
    assert lesson_reminders() == {drawing: ["2026-11-21T06:00"]}


def test_off_for_one_course(demo_store):
    enrol_masha_and_self()
    messages, _ = lead("не надо больше напоминать про йогу")
    assert texts(messages).startswith("Больше не напоминаю о занятиях: «Йога для всех» (вы).")
    assert (minutes_of(DRAWING), minutes_of(YOGA)) == (120, 0)
    assert list(lesson_reminders()) == [enrollment_of(DRAWING).id]


def test_a_lead_out_of_range_changes_nothing_and_says_the_range(demo_store):
    enrol_masha_and_self()
    before = lesson_reminders()
    for text, said in (("напоминай за 5 минут", "5 минут"), ("за неделю до занятий", "7 дней")):
        messages, _ = lead(text)
        assert texts(messages) == (
            f"За {said} не получится: напоминаю не раньше чем за 2 суток и не позже чем за 15 минут до занятия. "
            "Выберите время или напишите своё, например «за 45 минут»."
        )
        assert button_titles(messages) == CHOICES
    assert minutes_of(DRAWING) == minutes_of(YOGA) == 120 and lesson_reminders() == before


def test_no_lead_said_is_asked_with_buttons_that_carry_the_course(demo_store):
    enrol_masha_and_self()
    drawing = enrollment_of(DRAWING).id
    messages, _ = lead("поменяй время напоминаний о рисовании")
    assert texts(messages) == (
        "За сколько до занятия напоминать — «Рисование для детей» (Маша)? Можно от 15 минут до 2 суток."
    )
    assert button_titles(messages) == CHOICES
    assert messages[0]["buttons"][1]["payload"] == (
        f'/edu_reminder_lead{{"edu_reminder_minutes": "60", "edu_reminder_enrollments": "{drawing}"}}'
    )
    assert messages[0]["offer"]["accepts"] == ["edu_reminder_minutes"]
    # the button pressed
    pressed = [
        {"entity": "edu_reminder_minutes", "value": "1440"},
        {"entity": "edu_reminder_enrollments", "value": str(drawing)},
    ]
    messages, _ = lead('/edu_reminder_lead{"edu_reminder_minutes": "1440"}', entities=pressed)
    assert texts(messages) == "Буду напоминать за 1 день до занятий: «Рисование для детей» (Маша)."
    assert (minutes_of(DRAWING), minutes_of(YOGA)) == (1440, 120)


def test_a_typed_answer_to_the_question_keeps_its_course(demo_store):
    enrol_masha_and_self()
    asked, _ = lead("поменяй время напоминаний о рисовании")
    history = [
        {"event": "user", "text": "поменяй время напоминаний о рисовании"},
        {"event": "bot", "text": texts(asked), "metadata": {"offer": asked[0]["offer"]}},
    ]
    messages, _ = lead("за 45 минут", events=history)
    assert texts(messages) == "Буду напоминать за 45 минут до занятий: «Рисование для детей» (Маша)."
    assert (minutes_of(DRAWING), minutes_of(YOGA)) == (45, 120)


def test_no_active_enrolment_is_said_with_the_catalogue_button(demo_store):
    messages, _ = lead("напоминай за час до занятий")
    assert texts(messages) == (
        "Напоминаю о занятиях курсов, на которые вы записаны, а вы пока ни на что не записаны."
    )
    assert button_titles(messages) == ["Какие есть курсы"]


def test_a_course_the_resident_is_not_on(demo_store):
    enrol_masha_and_self()
    messages, _ = lead("по шахматам напоминай за час")
    assert texts(messages) == (
        "Вы не записаны на «Шахматы для начинающих». Время напоминаний меняется для ваших курсов: "
        "«Рисование для детей» (Маша), «Йога для всех» (вы)."
    )
    assert minutes_of(DRAWING) == minutes_of(YOGA) == 120


def test_another_resident_changes_nothing_of_mine(demo_store):
    enrol_masha_and_self()
    drawing = enrollment_of(DRAWING).id
    before = lesson_reminders()
    mine = [
        {"entity": "edu_reminder_minutes", "value": "0"},
        {"entity": "edu_reminder_enrollments", "value": str(drawing)},
    ]
    messages, _ = lead("/edu_reminder_lead", sender="intruder", entities=mine)
    assert texts(messages).startswith("Напоминаю о занятиях курсов, на которые вы записаны, а вы пока")
    done({"edu_course": course_id(YOGA), "edu_learner": "self"}, sender="intruder")
    messages, _ = lead("/edu_reminder_lead", sender="intruder", entities=mine)
    assert texts(messages) == (
        "Такой записи среди ваших нет. Время напоминаний меняется для ваших курсов: «Йога для всех» (вы)."
    )
    messages, _ = lead("выключи напоминания о занятиях", sender="intruder")
    assert texts(messages).startswith("Больше не напоминаю о занятиях: «Йога для всех» (вы).")
    assert minutes_of(YOGA, "intruder") == 0
    assert minutes_of(DRAWING) == minutes_of(YOGA) == 120 and lesson_reminders() == before
