"""Booking a visit through the form, step by step as the action server runs it: the institution, the service,
the day and the hour (in words, by buttons, corrected at the confirmation), hostile answers and a time taken before
the yes."""

import pytest

from engine.testing import button_titles, slot_events, texts
from skills.governance.actions.appointment import (
    ActionAskGovAppointmentConfirm,
    ActionAskGovInstitution,
    ActionAskGovService,
    ValidateGovAppointmentForm,
)
from skills.governance.actions.visit_times import ActionAskGovVisitDay, ActionAskGovVisitTime

from .appointment_helpers import (
    CONFIRM,
    DAY,
    INSTITUTION,
    MONDAY,
    NEAR,
    SERVICE,
    SUNDAY,
    TIME,
    TUESDAY,
    done,
    entity,
    holders,
    passport,
    ready,
    service_id,
    sqlite_demo,  # noqa: F401 (the fixture)
    take_every_desk,
)
from .helpers import act, form, resident, said

pytestmark = pytest.mark.usefixtures("sqlite_demo")
FORM = "gov_appointment_form"


def book_form(
    text="", intent="inform", slots=None, new=None, entities=None, sender="resident-1", requested=None
):
    return form(ValidateGovAppointmentForm(), FORM, text, intent, slots, new, entities, sender, requested)


# ---- the institution and the service ----


def test_the_institution_is_asked_with_a_button_each_and_read_from_a_tag_or_the_text():
    messages, _ = act(ActionAskGovInstitution(), "запишите меня на приём", "gov_appointment")
    assert texts(messages) == "В какое учреждение записать?"
    assert button_titles(messages) == [
        "МФЦ «Мои документы»",
        "Поликлиника № 1",
        "Паспортный стол",
        "Налоговая инспекция",
        "Отдел ЗАГС",
        "Управление соцзащиты",
        "Жилищная инспекция",
    ]
    _, events = book_form("запиши в мфц", "gov_appointment", entities=[entity("institution", "mfc")])
    assert slot_events(events)[INSTITUTION] == "mfc" and slot_events(events).get(SERVICE) is None
    _, events = book_form("в налоговую", requested=INSTITUTION)
    assert slot_events(events)[INSTITUTION] == "tax_office"


def test_the_service_by_its_button_by_a_word_of_it_or_the_only_one_at_once():
    messages, _ = act(ActionAskGovService(), slots={INSTITUTION: "mfc"})
    assert texts(messages) == "МФЦ «Мои документы» — по какому вопросу записать?"
    assert button_titles(messages)[:3] == [
        "Паспорт РФ: получение и замена",
        "Загранпаспорт",
        "Регистрация по месту жительства",
    ]
    _, events = book_form("на загранпаспорт", slots={INSTITUTION: "mfc"}, requested=SERVICE)
    assert slot_events(events)[SERVICE] == service_id("mfc", "Загранпаспорт")
    _, events = book_form(
        "хочу поменять паспорт в мфц", "gov_appointment", entities=[entity("institution", "mfc")]
    )
    assert slot_events(events)[SERVICE] == passport()
    _, events = book_form("запиши к терапевту", "gov_appointment", entities=[entity("institution", "clinic")])
    assert slot_events(events)[SERVICE] == service_id("clinic", "Приём терапевта")
    _, events = book_form(
        "жилинспекция", "gov_appointment", entities=[entity("institution", "housing_office")]
    )
    assert slot_events(events)[SERVICE] == service_id("housing_office", "Жалоба на управляющую компанию")
    _, events = book_form(
        "запиши в поликлинику на приём", "gov_appointment", entities=[entity("institution", "clinic")]
    )
    assert slot_events(events).get(SERVICE) is None  # «приём» names two services: asked with buttons


def test_a_service_of_another_institution_or_an_unknown_answer_is_asked_again():
    surgeon = service_id("clinic", "Приём хирурга")
    messages, events = book_form(
        "/inform", slots={INSTITUTION: "mfc"}, entities=[entity("gov_service_id", surgeon)], requested=SERVICE
    )
    assert slot_events(events)[SERVICE] is None and said(messages) == ["utter_gov_service_unknown"]
    messages, events = book_form("ну что-нибудь", slots={INSTITUTION: "mfc"}, requested=SERVICE)
    assert slot_events(events)[SERVICE] is None
    assert texts(messages) == "МФЦ «Мои документы» — такой услуги нет. Выберите кнопкой."


# ---- the day ----


def test_the_day_question_offers_the_nearest_days_with_free_time():
    messages, _ = act(ActionAskGovVisitDay(), slots={INSTITUTION: "housing_office"})
    assert button_titles(messages) == ["пн 23 ноября", "ср 25 ноября", "пн 30 ноября", "ср 2 декабря"]
    assert texts(messages).startswith("Жилищная инспекция — на какой день записать?")


def test_a_day_in_words_a_day_off_a_past_day_and_one_too_far_ahead():
    slots = {INSTITUTION: "mfc", SERVICE: passport()}
    _, events = book_form("во вторник", slots=slots, entities=[entity("date", TUESDAY)], requested=DAY)
    assert slot_events(events)[DAY] == TUESDAY
    messages, events = book_form(
        "в воскресенье", slots=slots, entities=[entity("date", SUNDAY)], requested=DAY
    )
    assert slot_events(events)[DAY] is None
    assert texts(messages) == (
        "В этот день (вс 22 ноября) МФЦ «Мои документы» не принимает. "
        "Часы приёма: пн–пт 08:00–20:00, сб 09:00–15:00."
    )
    messages, events = book_form("вчера", slots=slots, entities=[entity("date", "2026-11-19")], requested=DAY)
    assert (
        slot_events(events)[DAY] is None
        and texts(messages) == "чт 19 ноября уже прошло — выберите день не раньше сегодняшнего."
    )
    messages, events = book_form(
        "20 декабря", slots=slots, entities=[entity("date", "2026-12-20")], requested=DAY
    )
    assert slot_events(events)[DAY] is None
    assert (
        texts(messages)
        == "Запись открыта на две недели вперёд, до чт 3 декабря: на вс 20 декабря записаться пока нельзя."
    )


def test_a_span_of_days_takes_its_first_day_with_free_time():
    slots = {INSTITUTION: "housing_office"}
    week = {"from": "2026-11-24", "to": "2026-11-29"}
    _, events = book_form("на следующей неделе", slots=slots, entities=[entity("date", week)], requested=DAY)
    assert slot_events(events)[DAY] == "2026-11-25"  # the inspection receives on Monday and Wednesday


def test_hostile_answers_to_the_day_question_are_refused():
    slots = {INSTITUTION: "mfc", SERVICE: passport()}
    for typed in [
        "31 февраля",
        "<script>alert(1)</script>",
        "'; DROP TABLE gov_slots; --",
        "🤷‍♂️🤷‍♂️",
        "а" * 5000,
    ]:
        messages, events = book_form(typed, slots=slots, requested=DAY)
        assert slot_events(events)[DAY] is None, typed
        assert said(messages) == ["utter_gov_visit_day_unreadable"], typed
    _, events = book_form("да", "affirm", slots=slots, requested=DAY)
    assert events == []  # not an answer: the engine tells to answer the question or cancel
    assert len(holders(TUESDAY, "10:00")) == 3  # the slots are still there


# ---- the hour ----


def test_the_time_question_offers_free_times_spread_over_the_day():
    messages, _ = act(ActionAskGovVisitTime(), slots={INSTITUTION: "mfc", DAY: MONDAY})
    assert texts(messages).startswith("Свободное время на пн 23 ноября: с 08:00 до 19:40.")
    titles = button_titles(messages)
    assert len(titles) == 8 and titles[0] == "08:00" and titles[-1] == "19:40" and "10:00" not in titles


def test_an_hour_free_taken_shifted_at_night_in_the_past_or_at_lunch():
    slots = {INSTITUTION: "mfc", SERVICE: passport(), DAY: MONDAY}
    _, events = book_form("10:40", slots=slots, entities=[entity("time", "10:40")], requested=TIME)
    assert slot_events(events)[TIME] == "10:40"
    messages, events = book_form("в 10", slots=slots, entities=[entity("time", "10:00")], requested=TIME)
    assert slot_events(events)[TIME] == "10:20"  # 10:00 is taken at every desk
    assert texts(messages) == "В 10:00 занято, ближайшее свободное время — 10:20."
    _, events = book_form("13 30", slots=slots, requested=TIME)
    assert slot_events(events)[TIME] == "13:40"
    messages, events = book_form("в 3 ночи", slots=slots, entities=[entity("time", "03:00")], requested=TIME)
    assert slot_events(events)[TIME] is None
    assert texts(messages) == "В 03:00 не принимают: пн 23 ноября приём с 08:00 до 19:40."
    today = {**slots, DAY: "2026-11-20"}
    messages, events = book_form("в 9", slots=today, entities=[entity("time", "09:00")], requested=TIME)
    assert slot_events(events)[TIME] is None and texts(messages) == "09:00 сегодня уже прошло."
    clinic = {INSTITUTION: "clinic", SERVICE: service_id("clinic", "Приём хирурга"), DAY: MONDAY}
    _, events = book_form("в 13:00", slots=clinic, entities=[entity("time", "13:00")], requested=TIME)
    assert slot_events(events)[TIME] == "14:00"  # the lunch break


def test_a_part_of_the_day_takes_its_first_free_time():
    slots = {INSTITUTION: "mfc", SERVICE: passport(), DAY: MONDAY}
    evening = {"from": "18:00", "to": "22:00"}
    _, events = book_form("вечером", slots=slots, entities=[entity("time", evening)], requested=TIME)
    assert slot_events(events)[TIME] == "18:00"


def test_a_whole_hour_taken_offers_the_free_times_around_it():
    for hour in ("15:00", "15:20", "15:40", "16:00"):
        take_every_desk(TUESDAY, hour)
    passport_id = passport()
    slots = {INSTITUTION: "mfc", SERVICE: passport_id, DAY: TUESDAY}
    messages, events = book_form("в 15", slots=slots, entities=[entity("time", "15:00")], requested=TIME)
    assert slot_events(events)[TIME] is None and slot_events(events)[NEAR] == "15:00"
    assert texts(messages) == "В 15:00 на вт 24 ноября уже занято."
    messages, _ = act(ActionAskGovVisitTime(), slots={**slots, NEAR: "15:00"})
    assert texts(messages).startswith("Свободное время на вт 24 ноября рядом с 15:00")
    assert button_titles(messages) == ["14:00", "14:20", "14:40", "16:20", "16:40", "17:00"]


def test_the_day_and_hour_said_with_the_request_are_kept_until_the_institution_is_known():
    entities = [entity("date", MONDAY), entity("time", "10:00")]
    _, events = book_form("запиши на понедельник в 10", "gov_appointment", entities=entities)
    assert slot_events(events)[DAY] == MONDAY and slot_events(events)[TIME] == "10:00"
    slots = {DAY: MONDAY, TIME: "10:00"}
    messages, events = book_form(
        "в мфц", slots=slots, entities=[entity("institution", "mfc")], requested=INSTITUTION
    )
    assert slot_events(events)[TIME] == "10:20" and said(messages) == ["utter_gov_visit_time_shifted"]


# ---- the confirmation ----


def test_the_confirmation_names_the_place_the_service_and_the_time():
    messages, _ = act(ActionAskGovAppointmentConfirm(), slots=ready())
    assert texts(messages) == (
        "Записываю:\nМФЦ «Мои документы», ул. Ленина, 12\nУслуга: Паспорт РФ: получение и замена (около 20 мин)\n"
        "Когда: вт 24 ноября, 10:20\nВсё верно?"
    )
    assert button_titles(messages) == ["Да, записать", "Нет"]


def test_a_new_day_or_hour_at_the_confirmation_replaces_the_old_one():
    slots = ready()
    _, events = book_form(
        "нет, давайте в среду",
        "deny",
        slots=slots,
        new={CONFIRM: False},
        entities=[entity("date", "2026-11-25")],
        requested=CONFIRM,
    )
    changed = slot_events(events)
    assert changed[DAY] == "2026-11-25" and changed[CONFIRM] is None and changed.get(TIME, "10:20") == "10:20"
    _, events = book_form(
        "не в 10:20, а в 11:40",
        "deny",
        slots=slots,
        new={CONFIRM: False},
        entities=[entity("time", "10:20"), entity("time", "11:40")],
        requested=CONFIRM,
    )
    assert slot_events(events)[TIME] == "11:40" and slot_events(events)[CONFIRM] is None
    _, events = book_form(
        "нет, в налоговую",
        "deny",
        slots=slots,
        new={CONFIRM: False},
        entities=[entity("institution", "tax_office")],
        requested=CONFIRM,
    )
    changed = slot_events(events)
    assert changed[INSTITUTION] == "tax_office" and changed[SERVICE] is None and changed[CONFIRM] is None
    _, events = book_form("нет", "deny", slots=slots, new={CONFIRM: False}, requested=CONFIRM)
    assert slot_events(events) == {CONFIRM: False}


def test_a_time_taken_before_the_yes_is_said_so_and_the_times_around_it_asked():
    take_every_desk(TUESDAY, "10:20")
    messages, events = book_form("да", "affirm", slots=ready(), new={CONFIRM: True}, requested=CONFIRM)
    assert texts(messages) == "Пока мы договаривались, время 10:20 на вт 24 ноября успели занять."
    changed = slot_events(events)
    assert changed[TIME] is None and changed[CONFIRM] is None and changed[NEAR] == "10:20"


# ---- the whole form ----


def test_the_form_through_its_steps_with_a_correction_at_the_confirmation():
    slots = {}

    def answer(text, intent="inform", entities=None, new=None):
        messages, events = book_form(
            text, intent, slots, new, entities, requested=slots.get("requested_slot")
        )
        slots.update(slot_events(events))
        return messages

    answer("запиши меня в мфц", "gov_appointment", [entity("institution", "mfc")])
    slots["requested_slot"] = SERVICE
    answer("загранпаспорт")
    slots["requested_slot"] = DAY
    answer("во вторник", entities=[entity("date", TUESDAY)])
    slots["requested_slot"] = TIME
    answer("в 11", entities=[entity("time", "11:00")])
    assert (slots[INSTITUTION], slots[SERVICE], slots[DAY], slots[TIME]) == (
        "mfc",
        service_id("mfc", "Загранпаспорт"),
        TUESDAY,
        "11:00",
    )
    slots["requested_slot"] = CONFIRM
    answer("нет, давайте в среду", "deny", [entity("date", "2026-11-25")], new={CONFIRM: False})
    assert (slots[DAY], slots[TIME], slots[CONFIRM]) == ("2026-11-25", "11:00", None)
    messages, _ = act(ActionAskGovAppointmentConfirm(), slots=slots)
    assert "Когда: ср 25 ноября, 11:00" in texts(messages)
    assert answer("да", "affirm", new={CONFIRM: True}) == []
    assert slots[CONFIRM] is True and slots[TIME] == "11:00"
    messages, _ = done(slots)
    assert said(messages) == ["utter_gov_appointment_booked", "utter_gov_appointment_reminder_set"]
    assert holders("2026-11-25", "11:00")[:2] == [resident("me"), resident("resident-1")]  # desk 1 was taken
