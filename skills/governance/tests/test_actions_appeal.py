"""Appeals through the conversation: the form (category read from the request, address, description, photo or
none, confirmation, the number), corrections and hostile input; the status of the resident's own appeals only;
the rating of an answer; the notice of a move, said once."""

from sqlalchemy import select

from engine.sdk import NOTIFICATION_ENTITY, session_scope
from engine.testing import button_titles, scheduled_notifications, slot_events, texts
from skills.governance import appeals
from skills.governance.actions.appeal import (
    ActionAskGovAppealConfirm,
    ActionGovAppealDone,
    ValidateGovAppealForm,
)
from skills.governance.actions.appeal_status import ActionGovAppealNotice, ActionGovAppealStatus
from skills.governance.models import ANSWERED, IN_WORK, REGISTERED, Appeal

from .conftest import NOW
from .helpers import act, form, resident, said

FORM = "gov_appeal_form"
CATEGORY, ADDRESS, DESCRIPTION = "gov_appeal_category", "gov_appeal_address", "gov_appeal_description"
PHOTO, CONFIRM, KEY = "gov_appeal_photo", "gov_appeal_confirm", "gov_appeal_key"
FILLED = {
    CATEGORY: "roads",
    ADDRESS: "Ленина 5",
    DESCRIPTION: "Глубокая яма у въезда во двор",
    PHOTO: "-",
}


def answer(text, slot, value=None, requested=None, intent="inform", slots=None, entities=None):
    """The form validating `text` that set `slot` (to `value`, the text by default) while it asked `requested`."""
    messages, events = form(
        ValidateGovAppealForm(),
        FORM,
        text,
        intent,
        slots=slots,
        new={slot: text if value is None else value},
        requested=requested or slot,
        entities=entities,
    )
    return messages, slot_events(events)


def mine(sender="me", status=None):
    author = resident(sender)
    with session_scope() as session:
        found = appeals.appeals_of(session, author)
        return [a.id for a in found if status is None or a.status == status]


def status(text="что с моей жалобой", sender="me", entities=None, intent="gov_appeal_status"):
    return act(ActionGovAppealStatus(), text, intent, entities=entities, sender=sender)[0]


def check_the_request_names_the_problem_and_the_place():
    text = "яма на дороге на Ленина 5"
    location = {"entity": "location", "value": "Ленина 5", "start": 17, "end": 25}
    messages, events = form(
        ValidateGovAppealForm(), FORM, text, "gov_appeal", new={ADDRESS: "Ленина 5"}, entities=[location]
    )
    slots = slot_events(events)
    assert messages == [] and slots[CATEGORY] == "roads" and slots[ADDRESS] == "Ленина 5"


def check_the_category_by_button_words_or_place_and_an_unknown_one():
    assert answer("lighting", CATEGORY)[1][CATEGORY] == "lighting"
    assert answer("во дворе сломали качели", CATEGORY)[1][CATEGORY] == "yard"
    assert answer("третья", CATEGORY)[1][CATEGORY] == "yard"
    assert answer("8", CATEGORY)[1][CATEGORY] == "other"
    for text in ("хочу пожаловаться", "9", "<script>alert(1)</script>", "а" * 10_000):
        messages, slots = answer(text, CATEGORY)
        assert said(messages) == ["utter_gov_appeal_category_unknown"] and slots[CATEGORY] is None, text[:20]


def check_an_address_needs_a_street_and_a_house_in_plain_text():
    assert answer("ул. Садовая, д. 12", ADDRESS)[1][ADDRESS] == "ул. Садовая, д. 12"
    cases = {
        "Ленина": "utter_gov_appeal_address_no_house",
        "5": "utter_gov_appeal_address_no_street",
        "<script>alert(1)</script>": "utter_gov_appeal_address_unreadable",
        "Ленина 5 \U0001f6a7": "utter_gov_appeal_address_unreadable",
        "Ленина " * 2000 + "5": "utter_gov_appeal_address_unreadable",
    }
    for text, response in cases.items():
        messages, slots = answer(text, ADDRESS)
        assert said(messages) == [response] and slots[ADDRESS] is None, text[:20]


def check_a_description_of_a_sensible_length_without_markup():
    sql = "'; DROP TABLE gov_appeals; -- яма во дворе"
    assert answer(sql, DESCRIPTION)[1][DESCRIPTION] == sql  # kept as text, bound as a parameter
    messages, slots = answer("Глубокая яма \U0001f697 у въезда во двор", DESCRIPTION)
    assert messages == [] and slots[DESCRIPTION] == "Глубокая яма \U0001f697 у въезда во двор"
    for text, response in (
        ("яма", "utter_gov_appeal_description_short"),
        ("яма " * 3000, "utter_gov_appeal_description_long"),
        ("<script>alert(1)</script> яма во дворе", "utter_gov_appeal_description_markup"),
    ):
        messages, slots = answer(text, DESCRIPTION)
        assert said(messages) == [response] and slots[DESCRIPTION] is None
    assert "до 2000 знаков" in texts(answer("яма " * 3000, DESCRIPTION)[0])


def check_a_photo_link_or_none():
    assert answer("нет", PHOTO, intent="deny")[1][PHOTO] == "-"
    assert answer("без фото", PHOTO)[1][PHOTO] == "-"
    assert answer("https://photos.example.ru/a.jpg", PHOTO)[1][PHOTO] == "https://photos.example.ru/a.jpg"
    for text in ("javascript:alert(1)", "ftp://example.com/a.jpg", "да", "https://example.com/" + "x" * 600):
        messages, slots = answer(text, PHOTO)
        assert said(messages) == ["utter_gov_appeal_photo_bad"] and slots[PHOTO] is None, text[:20]
        assert "http:// или https://" in texts(messages)


def test_confirmed_appeal_gets_a_number_once_and_a_no_files_nothing(demo_store):
    messages, events = act(ActionAskGovAppealConfirm(), slots=FILLED, sender="guest")
    shown = texts(messages)
    assert "Категория: дороги и тротуары\nАдрес: Ленина 5" in shown and "Фото: без фото" in shown
    slots = {**FILLED, **slot_events(events), CONFIRM: True}
    done, cleared = act(ActionGovAppealDone(), slots=slots, sender="guest")
    [number] = mine("guest")
    assert said(done) == ["utter_gov_appeal_filed"] and f"Обращение № {number} зарегистрировано" in texts(
        done
    )
    assert all(value is None for value in slot_events(cleared).values())
    assert act(ActionGovAppealDone(), slots=slots, sender="guest")[0] == done  # the same «да» twice
    assert mine("guest") == [number]
    declined, _ = act(ActionGovAppealDone(), slots={**slots, CONFIRM: False, KEY: "other"}, sender="guest")
    assert said(declined) == ["utter_gov_appeal_declined"] and mine("guest") == [number]


def check_another_address_at_the_confirmation_replaces_the_first():
    location = {"entity": "location", "value": "Мира 3", "start": 19, "end": 25}
    _, slots = answer(
        "нет, адрес другой: Мира 3",
        ADDRESS,
        "Мира 3",
        requested=CONFIRM,
        intent="deny",
        slots={**FILLED, KEY: "k"},
        entities=[location],
    )
    assert slots[ADDRESS] == "Мира 3" and slots[CONFIRM] is None


def test_the_residents_appeals_and_one_of_them(demo_store):
    shown = texts(status())
    assert shown.startswith("Ваши обращения:\n№ ") and "мусор, Мира 3: получен ответ" in shown
    assert "уличное освещение, Садовая 12: в работе" in shown and "Ленина 5: зарегистрировано" in shown
    assert "Гагарина" not in shown  # another resident's
    [registered] = mine(status=REGISTERED)
    assert f"Обращение № {registered}" in button_titles(status())
    one = status(f"что с обращением {registered}")
    assert said(one) == ["utter_gov_appeal_card"] and "Статус: зарегистрировано" in texts(one)
    [answered] = mine(status=ANSWERED)
    card = status("покажи", entities=[{"entity": "order_id", "value": str(answered)}])
    assert said(card) == ["utter_gov_appeal_card_answered"] and "Ответ администрации от" in texts(card)
    assert button_titles(card) == ["1 из 5", "2 из 5", "3 из 5", "4 из 5", "5 из 5"]
    assert card[0]["offer"] == {
        "intent": "gov_appeal_status",
        "entities": {"order_id": answered},
        "accepts": ["gov_appeal_rating"],
        "turns": 2,
    }


def test_another_residents_appeal_reads_as_none(demo_store):
    [annas] = mine("member-anna")
    for number in (annas, 999_999, 10**15):
        reply = status(f"что с обращением {number}")
        assert said(reply) == ["utter_gov_appeal_not_found"] and "Гагарина" not in texts(reply)
    rating = [{"entity": "order_id", "value": str(annas)}, {"entity": "gov_appeal_rating", "value": "1"}]
    assert said(status("1", entities=rating)) == ["utter_gov_appeal_not_found"]
    with session_scope() as session:
        assert session.get(Appeal, annas).rating == 4
    empty = status(sender="newcomer")
    assert said(empty) == ["utter_gov_appeal_none"] and empty[0]["offer"]["intent"] == "gov_appeal"


def test_rating_an_answer_once_by_its_author(demo_store):
    [answered], [registered] = mine(status=ANSWERED), mine(status=REGISTERED)

    def rated(number, rating):
        entities = [
            {"entity": "order_id", "value": str(number)},
            {"entity": "gov_appeal_rating", "value": rating},
        ]
        return status(rating, entities=entities)

    assert said(rated(registered, "5")) == ["utter_gov_appeal_not_answered"]
    assert said(rated(answered, "7")) == ["utter_gov_appeal_bad_rating"]
    done = rated(answered, "5")
    assert said(done) == ["utter_gov_appeal_rated"] and "Оценка 5 из 5" in texts(done)
    again = rated(answered, "2")
    assert said(again) == ["utter_gov_appeal_already_rated"] and "уже оценён: 5 из 5" in texts(again)
    assert said(status(f"что с обращением {answered}")) == ["utter_gov_appeal_card_rated"]


def check_a_rating_in_words_goes_to_the_one_answer_waiting():
    [answered] = mine(status=ANSWERED)
    reply = status("ставлю пятёрку за ответ, оценка 5")
    assert said(reply) == ["utter_gov_appeal_rated"] and f"обращение № {answered}" in texts(reply)
    assert said(status("оценка 4")) == ["utter_gov_appeal_nothing_to_rate"]


def notice(sender, number, move_to):
    with session_scope() as session:
        moved = appeals.move_appeal(session, number, move_to, actor="staff", now=NOW, answer="Сделано.")
        appeals.tell_resident(session, moved.appeal, NOW)
    notification, _, _, entities, _ = scheduled_notifications()[-1]
    found = [{"entity": k, "value": v} for k, v in {**entities, NOTIFICATION_ENTITY: notification}.items()]
    return lambda: act(
        ActionGovAppealNotice(), "", "EXTERNAL_gov_appeal_notice", entities=found, sender=sender
    )[0]


def test_the_notice_of_a_move_is_said_once_with_rating_buttons_after_an_answer(demo_store):
    [registered] = mine(status=REGISTERED)
    taken = notice("me", registered, IN_WORK)
    messages = taken()
    assert said(messages) == ["utter_gov_appeal_notice_in_work"]
    assert f"обращение № {registered} (дороги и тротуары, Ленина 5) взято в работу" in texts(messages)
    assert taken() == []  # delivered once
    answered = notice("me", registered, ANSWERED)
    messages = answered()
    assert said(messages) == ["utter_gov_appeal_notice_answered"] and "Сделано." in texts(messages)
    assert len(messages[0]["buttons"]) == 5 and messages[0]["offer"]["entities"] == {"order_id": registered}
    assert answered() == []


def check_a_notice_is_not_said_in_another_conversation():
    [registered] = mine(status=REGISTERED)
    assert notice("member-anna", registered, IN_WORK)() == []
    with session_scope() as session:
        assert session.execute(select(Appeal.status).where(Appeal.id == registered)).scalar_one() == IN_WORK


def test_each_answer_of_the_form_is_read_or_refused_politely(demo_store):
    check_the_request_names_the_problem_and_the_place()
    check_the_category_by_button_words_or_place_and_an_unknown_one()
    check_an_address_needs_a_street_and_a_house_in_plain_text()
    check_a_description_of_a_sensible_length_without_markup()
    check_a_photo_link_or_none()
    check_another_address_at_the_confirmation_replaces_the_first()


def test_a_rating_in_words_and_a_notice_in_another_conversation(demo_store):
    check_a_rating_in_words_goes_to_the_one_answer_waiting()
    check_a_notice_is_not_said_in_another_conversation()


def test_a_gas_smell_read_as_an_appeal_is_handed_to_the_management_company_at_once(demo_store):
    text = "на площадке третьего этажа сильно пахнет газом, ул. Гагарина 7"
    location = {"entity": "location", "value": "ул. Гагарина 7", "start": 48, "end": 62}
    messages, events = form(
        ValidateGovAppealForm(),
        FORM,
        text,
        "gov_appeal",
        new={ADDRESS: "ул. Гагарина 7"},
        entities=[location],
    )
    assert messages == []
    assert {"event": "active_loop", "name": None} in [
        {k: e.get(k) for k in ("event", "name")} for e in events if e["event"] == "active_loop"
    ]
    assert slot_events(events)[ADDRESS] is None and slot_events(events)["requested_slot"] is None
    replayed = next(e for e in events if e["event"] == "user")
    assert replayed["text"] == text
    assert replayed["parse_data"]["intent"]["name"] == "utilities_report_problem"
    replayed_values = {e["entity"]: e["value"] for e in replayed["parse_data"]["entities"]}
    assert replayed_values["utilities_request_category"] == "emergency"
    assert replayed_values["location"] == "ул. Гагарина 7"


def test_a_problem_that_is_not_urgent_stays_an_appeal(demo_store):
    # the garbage not taken away is a regular request of the management company, and an appeal if said as one
    for text in ("мусор у контейнеров не вывозят", "яма на дороге на Ленина 5"):
        _, events = form(ValidateGovAppealForm(), FORM, text, "gov_appeal")
        assert not [e for e in events if e["event"] in ("user", "active_loop")], text
    # once the form asks its questions, a smell told as the description is the appeal's own words
    messages, slots = answer("во дворе пахнет газом от котельной", DESCRIPTION)
    assert messages == [] and slots[DESCRIPTION] == "во дворе пахнет газом от котельной"
