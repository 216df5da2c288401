from sqlalchemy import select

from engine.sdk import session_scope
from engine.testing import button_titles, just_set, make_tracker, run_action, slot_events, texts
from skills.utilities.actions.info import (
    ActionUtilitiesBalance,
    ActionUtilitiesCharges,
    ActionUtilitiesPaymentHistory,
)
from skills.utilities.actions.link import ActionUtilitiesLinkAccountDone, ValidateUtilitiesLinkAccountForm
from skills.utilities.models import UtilitiesAccount

ACCOUNT = "1002003004"  # phone on file ends with 4321
LINK_DOMAIN = {
    "forms": {
        "utilities_link_account_form": {
            "required_slots": ["utilities_account_number", "utilities_ownership_check"]
        }
    }
}


def account_number_typed(number, sender="resident-1"):
    tracker = make_tracker(
        number,
        "inform",
        sender_id=sender,
        active_loop="utilities_link_account_form",
        slots={"utilities_account_number": number, "requested_slot": "utilities_account_number"},
    )
    return run_action(
        ValidateUtilitiesLinkAccountForm(), just_set(tracker, "utilities_account_number", number), LINK_DOMAIN
    )


def linked_to(number):
    with session_scope() as session:
        return session.execute(
            select(UtilitiesAccount.resident_id).where(UtilitiesAccount.number == number)
        ).scalar_one()


def test_link_with_the_right_phone_digits(link):
    messages, events = link()
    assert slot_events(events)["utilities_ownership_check"] == "linked" and messages == []
    assert linked_to(ACCOUNT) is not None
    done, events = run_action(
        ActionUtilitiesLinkAccountDone(),
        make_tracker(slots={"utilities_account_number": ACCOUNT, "utilities_ownership_check": "linked"}),
    )
    assert texts(done) == (
        "Готово: лицевой счёт № 1002003004 (ул. Ленина, 15, кв. 42, УК «Уютный дом») привязан к "
        "вашему профилю. Теперь можно узнать остаток, передать показания и оплатить."
    )
    assert button_titles(done) == ["Остаток по счёту", "Передать показания"]
    assert slot_events(events) == {"utilities_account_number": None, "utilities_ownership_check": None}


def test_three_wrong_answers_lock_the_account_for_an_hour(link):
    assert "Осталось попыток: 2" in texts(link(answer="0000")[0])
    assert "Осталось попыток: 1" in texts(link(answer="1111")[0])
    messages, events = link(answer="2222")
    assert "заблокирована на час, до " in texts(messages)
    assert slot_events(events)["utilities_ownership_check"] == "locked"
    messages, events = link(answer="4321")  # even the right answer waits for the lock to end
    assert slot_events(events)["utilities_ownership_check"] == "locked"
    assert linked_to(ACCOUNT) is None
    messages, events = account_number_typed(ACCOUNT, sender="someone-else")
    assert "временно заблокирована после трёх неверных ответов. Попробуйте после " in texts(messages)
    assert slot_events(events)["utilities_account_number"] is None


def test_an_answer_that_is_not_four_digits_is_asked_again(link):
    messages, events = link(answer="43")
    assert (
        "Нужны ровно 4 цифры" in texts(messages) and slot_events(events)["utilities_ownership_check"] is None
    )


def test_a_typed_sentinel_is_an_answer_like_any_other(link):
    for typed in ("linked", "already", "locked"):
        messages, events = link(answer=typed)
        assert "Нужны ровно 4 цифры" in texts(messages)
        assert slot_events(events)["utilities_ownership_check"] is None
    assert linked_to(ACCOUNT) is None


def test_an_unknown_or_own_account_number(link):
    messages, events = account_number_typed("1002003005")
    assert "Не нашёл лицевой счёт № 1002003005" in texts(messages) and "«отмена»" in texts(messages)
    assert slot_events(events)["utilities_account_number"] is None
    messages, _ = account_number_typed("12")
    assert texts(messages) == "Номер лицевого счёта — это 6–12 цифр из квитанции, например 1002003004."
    link()
    messages, events = account_number_typed(ACCOUNT)
    assert texts(messages) == "Лицевой счёт № 1002003004 уже привязан к вашему профилю."
    assert slot_events(events)["utilities_ownership_check"] == "already"


def test_an_account_linked_to_someone_else_cannot_be_seen_or_linked(link):
    link(sender="owner")
    stranger_balance = make_tracker(
        "баланс по счёту 1002003004",
        "utilities_balance",
        sender_id="stranger",
        entities=[{"entity": "account_number", "value": ACCOUNT}],
    )
    messages, _ = run_action(ActionUtilitiesBalance(), stranger_balance)
    assert "Лицевой счёт № 1002003004 не привязан к вашему профилю" in texts(messages) and "₽" not in texts(
        messages
    )
    assert button_titles(messages) == ["Привязать лицевой счёт"]
    messages, events = account_number_typed(ACCOUNT, sender="stranger")
    assert "другому профилю" in texts(messages) and slot_events(events)["utilities_account_number"] is None
    for action in (ActionUtilitiesCharges(), ActionUtilitiesPaymentHistory()):
        messages, _ = run_action(action, make_tracker("начисления", sender_id="stranger"))
        assert "К вашему профилю пока не привязан лицевой счёт" in texts(messages)


def test_a_corrected_account_number_at_the_ownership_step_is_not_taken_for_an_answer(demo_store):
    corrected, text = "3004005006", "лицевой счёт 3004005006"
    tracker = make_tracker(
        text,
        "inform",
        entities=[{"entity": "account_number", "value": corrected}],
        slots={
            "utilities_account_number": corrected,
            "utilities_ownership_check": text,
            "requested_slot": "utilities_ownership_check",
        },
        active_loop="utilities_link_account_form",
    )
    just_set(just_set(tracker, "utilities_account_number", corrected), "utilities_ownership_check", text)
    messages, events = run_action(ValidateUtilitiesLinkAccountForm(), tracker, LINK_DOMAIN)
    slots = slot_events(events)
    assert messages == []
    assert slots["utilities_account_number"] == corrected and slots["utilities_ownership_check"] is None
    with session_scope() as session:  # the correction is not counted as a wrong answer, for either account
        assert set(session.execute(select(UtilitiesAccount.failed_checks)).scalars()) == {0}


def test_a_number_said_with_the_request_is_taken_though_the_model_missed_it(demo_store):
    start = make_tracker(
        "привяжи счёт 3004005006", "utilities_link_account", active_loop="utilities_link_account_form"
    )
    _, events = run_action(ValidateUtilitiesLinkAccountForm(), start, LINK_DOMAIN)
    assert slot_events(events)["utilities_account_number"] == "3004005006"
    # later, the four phone digits asked for are never taken for the number
    asked = make_tracker(
        "2233",
        "inform",
        active_loop="utilities_link_account_form",
        slots={"utilities_account_number": "3004005006", "requested_slot": "utilities_ownership_check"},
    )
    _, events = run_action(ValidateUtilitiesLinkAccountForm(), asked, LINK_DOMAIN)
    assert "utilities_account_number" not in slot_events(events)
