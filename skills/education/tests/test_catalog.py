import pytest

from engine.sdk import session_scope
from skills.education.catalog import find_courses, known_topics, open_courses, wanted_from

from .conftest import TODAY


def titles(text, **entities):
    with session_scope() as session:
        courses = open_courses(session, TODAY)
        wanted = wanted_from(text, known_topics(courses), **entities)
        return [c.title for c in find_courses(session, wanted, TODAY)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("какие есть курсы английского для детей", ["Английский для детей"]),
        ("английский", ["Английский для детей", "Разговорный английский для взрослых"]),
        (
            "бесплатные занятия в библиотеке",
            ["Английский для детей", "Компьютерная грамотность для старшего поколения"],
        ),
        ("рисование для ребёнка восьми лет", ["Рисование для детей"]),
        ("что есть для сына 8 лет по субботам", ["Рисование для детей", "Танцы для детей"]),
        ("программирование онлайн", ["Программирование на Python для подростков"]),
        ("курсы питона", ["Программирование на Python для подростков"]),
        (
            "занятия для пенсионеров",
            [
                "Йога для всех",
                "Компьютерная грамотность для старшего поколения",
                "Кройка и шитьё",
                "Разговорный английский для взрослых",
            ],
        ),
        ("шахматы для взрослых", []),
        ("иностранный язык для взрослых", ["Разговорный английский для взрослых"]),
    ],
)
def test_the_catalogue_filters(demo_store, text, expected):
    assert titles(text) == expected


def test_the_models_entities_count_too(demo_store):
    assert titles("что-нибудь", topic="шахматами") == ["Шахматы для начинающих"]
    assert titles("занятия", day="2026-11-21") == ["Рисование для детей", "Танцы для детей"]  # a Saturday
    assert titles("занятия", time={"from": "18:00", "to": "23:00"}) == [
        "Кройка и шитьё",
        "Программирование на Python для подростков",
        "Разговорный английский для взрослых",
    ]


def test_no_topic_means_every_course_and_an_unknown_one_none(demo_store):
    assert len(titles("какие у вас есть курсы")) == 10
    assert titles("есть японский язык?", topic="японский язык") == []
