from engine.testing import button_titles, slot_events, texts
from skills.education.actions.catalog import ActionEduCourses

from .helpers import act, course_id


def test_courses_for_an_eight_year_old_as_cards_with_buttons_to_enrol(demo_store):
    messages, events = act(ActionEduCourses(), "бесплатные курсы для ребёнка восьми лет", "edu_courses")
    said = texts(messages)
    assert said.startswith(
        "Нашёл курсы (возраст 8, бесплатные):\n1. «Английский для детей» — Ольга Сергеевна Кравец"
    )
    assert (
        "библиотека, ул. Пушкина, 12. По вторникам и четвергам в 17:00, ближайшее занятие — вт 24 ноября, 17:00."
        in said
    )
    assert "Бесплатно, для 7–11 лет. Свободных мест: 3." in said
    assert "«Шахматы для начинающих»" in said and "Мест нет — можно встать в лист ожидания." in said
    assert button_titles(messages)[:2] == [
        "Записаться: Английский для детей",
        "Записаться: Рисование для детей",
    ]
    assert (
        messages[0]["buttons"][0]["payload"]
        == f'/edu_enroll{{"edu_course_id": "{course_id("Английский для детей")}"}}'
    )
    assert messages[0]["offer"]["intent"] == "edu_enroll" and messages[0]["offer"]["accepts"] == [
        "edu_course_position"
    ]
    assert slot_events(events)["edu_last_courses"][0] == course_id("Английский для детей")


def test_nothing_found_says_so_and_offers_all(demo_store):
    messages, events = act(ActionEduCourses(), "шахматы для взрослых онлайн", "edu_courses")
    assert texts(messages).startswith("Таких курсов сейчас нет (онлайн). Попробуйте убрать часть условий")
    assert button_titles(messages) == ["Все курсы"]
    assert slot_events(events) == {"edu_last_courses": None}


def test_hostile_or_odd_input_is_just_a_question_about_courses(demo_store):
    for text in ["", "'; drop table edu_courses; --", "курсы " * 500, "для ребёнка 500 лет"]:
        messages, _ = act(ActionEduCourses(), text, "edu_courses")
        assert texts(messages).startswith(("Нашёл курсы", "Таких курсов сейчас нет"))
