from engine.testing import button_titles, scheduled_notifications, slot_events, texts
from skills.education.actions.enroll import (
    ActionAskEduCourse,
    ActionAskEduEnrollConfirm,
    ActionAskEduLearner,
    ActionEduEnrollDone,
    ValidateEduEnrollForm,
)

from .helpers import act, course_id, enrollments, form

FORM = "edu_enroll_form"


def enroll_form(text="", intent="inform", slots=None, new=None, entities=None, sender="resident-1"):
    return form(ValidateEduEnrollForm(), FORM, text, intent, slots, new, entities, sender)


def done(slots, sender="resident-1"):
    return act(
        ActionEduEnrollDone(), "да", "affirm", slots={"edu_enroll_confirm": True, **slots}, sender=sender
    )


def test_a_pick_from_the_catalogue_by_its_place(demo_store):
    shown = [course_id("Английский для детей"), course_id("Рисование для детей")]
    _, events = enroll_form("запиши на второй", "edu_enroll", slots={"edu_last_courses": shown})
    assert slot_events(events)["edu_course"] == shown[1]


def test_the_course_and_a_new_child_from_the_request_itself(demo_store):
    _, events = enroll_form("запиши дочку на рисование", "edu_enroll")
    changed = slot_events(events)
    assert changed["edu_course"] == course_id("Рисование для детей") and changed["edu_learner"] == "new"
    _, events = enroll_form("запишите сына 8 лет на шахматы", "edu_enroll")
    assert slot_events(events)["edu_child_age"] == 8


def test_several_courses_named_are_asked_with_buttons(demo_store):
    _, events = enroll_form("хочу на английский", "edu_enroll")
    assert slot_events(events).get("edu_course") is None
    messages, _ = act(ActionAskEduCourse(), "хочу на английский", "edu_enroll")
    assert texts(messages) == "Под это подходит несколько курсов — выберите:"
    assert button_titles(messages) == ["Английский для детей", "Разговорный английский для взрослых"]


def test_an_unknown_or_ended_course_is_asked_again(demo_store):
    messages, events = enroll_form("/edu_enroll", "edu_enroll", new={"edu_course": "9999"})
    assert texts(messages).startswith("Не нашёл такого курса.") and slot_events(events)["edu_course"] is None


def test_the_resident_cannot_take_a_childrens_course_for_themself(demo_store):
    painting = course_id("Рисование для детей")
    messages, events = enroll_form("себя", slots={"edu_course": painting}, new={"edu_learner": "себя"})
    assert texts(messages) == "«Рисование для детей» — курс для детей (для 6–12 лет). Кого из детей записать?"
    assert slot_events(events)["edu_learner"] is None


def test_a_new_childs_name_and_age_are_checked_against_the_course(demo_store):
    painting = course_id("Рисование для детей")
    slots = {"edu_course": painting, "edu_learner": "new", "requested_slot": "edu_child_name"}
    _, events = enroll_form("маша", slots=slots, new={"edu_child_name": "маша"})
    assert slot_events(events)["edu_child_name"] == "Маша"
    for typed in ["да", "12345", "ну не знаю что сказать вам тут"]:
        messages, events = enroll_form(typed, slots=slots, new={"edu_child_name": typed})
        assert slot_events(events)["edu_child_name"] is None
        assert texts(messages) == "Напишите, пожалуйста, только имя ребёнка — например, «Маша»."
    slots = {**slots, "edu_child_name": "Маша", "requested_slot": "edu_child_age"}
    _, events = enroll_form("восемь", slots=slots, new={"edu_child_age": "восемь"})
    assert slot_events(events)["edu_child_age"] == 8
    messages, events = enroll_form("15 лет", slots=slots, new={"edu_child_age": "15 лет"})
    assert "не подходит по возрасту" in texts(messages) and slot_events(events)["edu_enroll_confirm"] is False
    messages, events = enroll_form("много", slots=slots, new={"edu_child_age": "много"})
    assert (
        texts(messages) == "Напишите возраст числом, например «8»."
        and slot_events(events)["edu_child_age"] is None
    )


def test_the_learner_question_offers_self_only_where_adults_may_go_and_the_children_kept(demo_store):
    painting, yoga = course_id("Рисование для детей"), course_id("Йога для всех")
    done({"edu_course": painting, "edu_learner": "new", "edu_child_name": "Маша", "edu_child_age": 8})
    messages, _ = act(ActionAskEduLearner(), slots={"edu_course": painting})
    assert texts(messages) == "Кого записываем на «Рисование для детей»?"
    assert button_titles(messages) == ["Маша", "Другого ребёнка"]
    messages, _ = act(ActionAskEduLearner(), slots={"edu_course": yoga})
    assert button_titles(messages) == ["Себя", "Другого ребёнка"]  # Маша is 8, the course is for 16+


def test_the_confirmation_then_the_enrolment_with_its_reminder(demo_store):
    painting = course_id("Рисование для детей")
    slots = {"edu_course": painting, "edu_learner": "new", "edu_child_name": "Маша", "edu_child_age": 8}
    messages, _ = act(ActionAskEduEnrollConfirm(), slots=slots)
    assert texts(messages) == (
        "Записать на «Рисование для детей»: Маша (8 лет)? По субботам в 11:00, ближайшее занятие — сб 21 ноября, "
        "11:00, дом культуры, ул. Гагарина, 7. Бесплатно."
    )
    messages, events = done(slots)
    assert texts(messages) == (
        "Готово, записал на «Рисование для детей»: Маша (8 лет). Ближайшее занятие — сб 21 ноября, 11:00, "
        "дом культуры, ул. Гагарина, 7. Напомню за 2 часа до начала. Всё расписание: «моё расписание»."
    )
    assert all(value is None for value in slot_events(events).values())
    assert enrollments() == [("Рисование для детей", "active", "Маша")]
    ((_, name, due, entities, sender),) = scheduled_notifications()
    assert name.startswith("lesson_") and due.startswith("2026-11-21T06:00") and sender == "rest:resident-1"
    assert entities["edu_notice_kind"] == "lesson"


def test_the_same_child_twice_is_enrolled_once(demo_store):
    painting = course_id("Рисование для детей")
    done({"edu_course": painting, "edu_learner": "new", "edu_child_name": "Маша", "edu_child_age": 8})
    learner = act(ActionAskEduLearner(), slots={"edu_course": painting})[0][0]["buttons"][0]["payload"]
    child = learner.split('"edu_learner_id": "')[1].split('"')[0]
    messages, _ = done({"edu_course": painting, "edu_learner": child})
    assert texts(messages).startswith("Уже записаны на «Рисование для детей»: Маша (8 лет).")
    assert enrollments() == [("Рисование для детей", "active", "Маша")]


def test_a_full_course_offers_and_takes_a_place_in_line(demo_store):
    chess = course_id("Шахматы для начинающих")
    slots = {"edu_course": chess, "edu_learner": "new", "edu_child_name": "Петя", "edu_child_age": 9}
    messages, _ = act(ActionAskEduEnrollConfirm(), slots=slots)
    assert texts(messages).startswith(
        "На «Шахматы для начинающих» сейчас нет мест. Поставить в лист ожидания"
    )
    messages, _ = done(slots)
    assert "записал в лист ожидания: Петя (9 лет), 1-й в очереди" in texts(messages)
    assert enrollments() == [("Шахматы для начинающих", "waiting", "Петя")]
    assert scheduled_notifications() == []  # no lessons to remind of while in line


def test_a_declined_confirmation_or_another_residents_child_enrols_nobody(demo_store):
    painting = course_id("Рисование для детей")
    messages, _ = act(
        ActionEduEnrollDone(),
        "нет",
        "deny",
        slots={"edu_course": painting, "edu_learner": "self", "edu_enroll_confirm": False},
    )
    assert texts(messages) == "Хорошо, не записываю." and enrollments() == []
    done(
        {"edu_course": painting, "edu_learner": "new", "edu_child_name": "Маша", "edu_child_age": 8},
        sender="neighbour",
    )
    _, events = enroll_form("1", slots={"edu_course": painting}, new={"edu_learner": "1"})
    assert slot_events(events)["edu_learner"] is None  # the neighbour's child is not this resident's to enrol
    messages, _ = done({"edu_course": painting, "edu_learner": "1"})
    assert texts(messages) == "Хорошо, не записываю." and enrollments() == []


def test_the_childs_name_and_age_said_with_the_answer_to_who(demo_store):
    painting = course_id("Рисование для детей")
    slots = {"edu_course": painting, "requested_slot": "edu_learner"}
    _, events = enroll_form("сына мишу, ему 9", slots=slots, new={"edu_learner": "сына мишу, ему 9"})
    assert slot_events(events) == {"edu_learner": "new", "edu_child_name": "Миша", "edu_child_age": 9}
    _, events = enroll_form("дочку", slots=slots, new={"edu_learner": "дочку"})
    assert slot_events(events) == {"edu_learner": "new"}


def test_the_only_course_shown_is_the_one_enrolled_on(demo_store):
    sewing = course_id("Кройка и шитьё")
    _, events = enroll_form("да запишите меня туда", "edu_enroll", slots={"edu_last_courses": [sewing]})
    assert slot_events(events)["edu_course"] == sewing


def test_a_childs_age_that_does_not_fit_is_refused_however_it_came(demo_store):
    painting = course_id("Рисование для детей")
    slots = {"edu_course": painting, "requested_slot": "edu_learner"}
    messages, events = enroll_form("сына петю ему 15", slots=slots, new={"edu_learner": "сына петю ему 15"})
    assert "не подходит по возрасту" in texts(messages) and slot_events(events)["edu_enroll_confirm"] is False
    messages, events = enroll_form("запишите сына 15 лет на рисование", "edu_enroll")
    assert "не подходит по возрасту" in texts(messages) and slot_events(events)["edu_enroll_confirm"] is False


def test_the_childs_name_and_age_in_the_request_and_another_course_named_instead(demo_store):
    _, events = enroll_form("хочу записать дочку полину 9 лет на шахматы", "edu_enroll")
    changed = slot_events(events)
    assert (changed["edu_learner"], changed["edu_child_name"], changed["edu_child_age"]) == (
        "new",
        "Полина",
        9,
    )
    assert slot_events(enroll_form("хочу дочу на танцы записать", "edu_enroll")[1])["edu_learner"] == "new"
    painting, yoga = course_id("Рисование для детей"), course_id("Йога для всех")
    slots = {"edu_course": painting, "edu_learner": "self", "requested_slot": "edu_learner"}
    _, events = enroll_form("ой нет я перепутала, мне на йогу надо, себе", slots=slots)
    assert slot_events(events)["edu_course"] == yoga
