"""Reading the lead time of lesson reminders from what a resident types."""

import pytest

from engine.sdk import read_typed
from skills.education.actions import reminder_lead  # noqa: F401  registers the reader of the lead
from skills.education.leads import MAX_LEAD, MIN_LEAD, OFF, lead_allowed, read_lead
from skills.education.reminders import lead_text


@pytest.mark.parametrize(
    "text, minutes",
    [
        ("напоминай за час до занятия", 60),
        ("предупреждай за 30 минут", 30),
        ("напоминание по английскому за сутки", 1440),
        ("не напоминай так рано, за полчаса хватит", 30),
        ("за день до шахмат напомни", 1440),
        ("за два часа", 120),
        ("за пятнадцать минут", 15),
        ("за полтора часа до йоги", 90),
        ("за двое суток", 2880),
        ("за 2 дня", 2880),
        ("за сорок пять минут", 45),
        ("за сто двадцать минут", 120),
        ("за 90 мин", 90),
        ("за 1,5 часа", 90),
        ("за 1 час 30 минут", 90),
        ("за пару часов", 120),
        ("за минут 40", 40),
        ("минут за 40", 40),
        ("за 2ч", 120),
        ("за пол часа", 30),
        ("ЗА ЧАС ДО КРУЖКА", 60),
        ("за чaс", 60),  # a Latin «a»
        ("не за сутки, а за час", 60),
        ("напоминай за сутки до рисования для детей 8 лет", 1440),
        ("за неделю", 7 * 1440),  # read, and refused as out of range
        ("за 5 минут", 5),
    ],
)
def test_a_lead_in_any_words(text, minutes):
    assert read_lead(text) == minutes


@pytest.mark.parametrize(
    "text",
    [
        "выключи напоминания о занятиях",
        "не надо больше напоминать про йогу",
        "без напоминаний о шахматах",
        "хватит напоминать о занятиях",
        "отключи напоминалки про кружок",
        "не присылай напоминания о танцах",
    ],
)
def test_reminders_turned_off(text):
    assert read_lead(text) == OFF


@pytest.mark.parametrize(
    "text",
    [
        "поменяй время напоминаний о занятиях",
        "не напоминай так рано",  # too early, not off: the resident is asked for a time
        "напоминай в тот же день",
        "напоминай в 18:00",
        "включи напоминания о занятиях",
        "",
    ],
)
def test_no_lead_said(text):
    assert read_lead(text) is None


def test_the_allowed_range_and_the_text_of_a_lead():
    assert lead_allowed(OFF) and lead_allowed(MIN_LEAD) and lead_allowed(MAX_LEAD)
    assert not lead_allowed(MIN_LEAD - 1) and not lead_allowed(MAX_LEAD + 1)
    assert [lead_text(m) for m in (15, 60, 90, 120, 1440, 2880)] == [
        "15 минут",
        "1 час",
        "1 час 30 минут",
        "2 часа",
        "1 день",
        "2 дня",
    ]


def test_a_lead_typed_alone_answers_the_question_offer():
    assert read_typed("edu_reminder_minutes", "за час") == 60
    assert read_typed("edu_reminder_minutes", "ну не знаю") is None
