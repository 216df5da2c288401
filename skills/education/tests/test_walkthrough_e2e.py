"""The issue's walkthrough through the real servers (`python -m engine run`), in Russian over REST: a resident
finds a free course for an eight-year-old, enrols the child (name and age asked once) and asks for the schedule."""

import uuid

import pytest

from engine.testing import RestClient, free_port, running_assistant


@pytest.fixture(scope="module")
def assistant(trained_model, tmp_path_factory):
    folder = tmp_path_factory.mktemp("education-e2e")
    port, action_port = free_port(), free_port()
    database_url = f"sqlite:///{folder / 'assistant.db'}"
    with running_assistant(port, action_port, {"DATABASE_URL": database_url}):
        yield RestClient(port, database_url)


@pytest.mark.slow
def test_a_free_course_for_an_eight_year_old_then_the_schedule(assistant):
    sender = f"e2e-education-{uuid.uuid4().hex[:8]}"
    found = assistant.say(sender, "какие есть бесплатные курсы для ребёнка восьми лет")
    assert (
        found.startswith("Нашёл курсы (возраст 8, бесплатные):") and "1. «Английский для детей»" in found
    ), found

    asked = assistant.say(sender, "запиши на первый")
    assert "Кого записываем на «Английский для детей»?" in asked, asked
    assert "Как зовут ребёнка?" in assistant.say(sender, "ребёнка")
    assert "Сколько лет ребёнку (Маша)?" in assistant.say(sender, "маша")
    confirm = assistant.say(sender, "8")
    assert "Записать на «Английский для детей»: Маша (8 лет)?" in confirm and "Бесплатно" in confirm, confirm
    done = assistant.say(sender, "да")
    assert "Готово, записал на «Английский для детей»: Маша (8 лет)." in done, done

    schedule = assistant.say(sender, "моё расписание")
    assert "Ваше расписание:" in schedule and "«Английский для детей» (Маша (8 лет))" in schedule, schedule
    # the second time the child is on the profile: offered by name
    again = assistant.say(sender, "запиши дочку на рисование")
    assert (
        "Кого записываем на «Рисование для детей»?" in again or "Записать на «Рисование для детей»" in again
    ), again
