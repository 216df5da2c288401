from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from engine.sdk import session_scope
from engine.testing import at_once, button_titles, make_tracker, meeting_after, run_action, slot_events, texts
from skills.utilities import accounts
from skills.utilities.actions.info import (
    ActionUtilitiesBalance,
    ActionUtilitiesCharges,
    ActionUtilitiesPaymentHistory,
)
from skills.utilities.actions.link import ActionUtilitiesLinkAccountDone, ValidateUtilitiesLinkAccountForm
from skills.utilities.models import UtilitiesAccount
from skills.utilities.tests.conftest import LINK_DOMAIN, answer_ownership, resident_of, verify_phone
from skills.utilities.tests.conftest import type_account_number as account_number_typed

ACCOUNT = "1002003004"  # the phone on its contract is +79123454321


def linked_to(number):
    with session_scope() as session:
        return session.execute(
            select(UtilitiesAccount.resident_id).where(UtilitiesAccount.number == number)
        ).scalar_one()


def test_the_holder_links_and_hears_where_the_flat_is(link):
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


def test_a_number_said_with_the_request_is_taken_though_the_model_missed_it(demo_store):
    start = make_tracker(
        "привяжи счёт 3004005006", "utilities_link_account", active_loop="utilities_link_account_form"
    )
    _, events = run_action(ValidateUtilitiesLinkAccountForm(), start, LINK_DOMAIN)
    assert slot_events(events)["utilities_account_number"] == "3004005006"


# --- Issue 15: sentinels never come from typed text; ownership rests on the resident's verified phone ---------

OWNER_PHONE = "+79123454321"  # demo.yml: the phone on the contract of 1002003004
SENTINEL_WORDS = ("linked", "already", "locked")


def failed_checks(number=ACCOUNT):
    with session_scope() as session:
        return session.execute(
            select(UtilitiesAccount.failed_checks).where(UtilitiesAccount.number == number)
        ).scalar_one()


def link_done(typed, slots, sender="resident-1"):
    return run_action(
        ActionUtilitiesLinkAccountDone(), make_tracker(typed, "inform", slots=slots, sender_id=sender)
    )


def test_the_ownership_slot_is_never_filled_from_what_the_resident_types():
    domain = yaml.safe_load((Path(__file__).parents[2] / "domain.yml").read_text(encoding="utf-8"))
    mappings = domain["slots"]["utilities_ownership_check"]["mappings"]
    assert [m["type"] for m in mappings] == ["custom"]


@pytest.mark.parametrize("typed", SENTINEL_WORDS)
def test_a_typed_sentinel_word_neither_links_nor_shows_the_account(demo_store, typed):
    # typed when the form asks for the number
    messages, events = account_number_typed(typed)
    assert texts(messages) == "Номер лицевого счёта — это 6–12 цифр из квитанции, например 1002003004."
    assert slot_events(events).get("utilities_ownership_check") not in SENTINEL_WORDS
    # typed at the ownership step of a conversation started before (the slot as a from_text mapping filled it)
    _, events = answer_ownership(answer=typed)
    assert slot_events(events).get("utilities_ownership_check") not in SENTINEL_WORDS
    # and were it in the slot anyway, the done action believes the store, not the slot
    done, _ = link_done(typed, {"utilities_account_number": ACCOUNT, "utilities_ownership_check": typed})
    assert "Готово" not in texts(done) and "ул. Ленина" not in texts(done)
    assert linked_to(ACCOUNT) is None


def test_the_phone_digits_alone_no_longer_link_an_account(demo_store):
    answer_ownership(answer="4321")  # what used to prove ownership: anyone who knows the holder's phone
    assert linked_to(ACCOUNT) is None
    messages, events = account_number_typed(ACCOUNT)
    assert texts(messages) == (
        "Чтобы привязать лицевой счёт, сначала подтвердите свой номер телефона кодом из СМС: счёт привяжется, "
        "если это телефон из договора с управляющей компанией. Напишите «привяжи телефон»."
    )
    assert messages[0]["offer"]["intent"] == "profile_link_phone"
    assert slot_events(events)["utilities_ownership_check"] == "no_phone" and failed_checks() == 0
    done, _ = link_done(
        "1002003004", {"utilities_account_number": ACCOUNT, "utilities_ownership_check": "no_phone"}
    )
    assert done == [] and linked_to(ACCOUNT) is None


def test_the_resident_whose_verified_phone_is_on_the_contract_links_with_the_number(demo_store):
    owner = verify_phone("resident-1", OWNER_PHONE)
    messages, events = account_number_typed(ACCOUNT)
    assert slot_events(events).get("utilities_ownership_check") == "linked" and messages == []
    assert linked_to(ACCOUNT) == owner == resident_of()
    done, _ = link_done(ACCOUNT, slot_events(events))
    assert texts(done).startswith("Готово: лицевой счёт № 1002003004 (ул. Ленина, 15, кв. 42")


def test_a_verified_phone_that_is_not_the_holders_is_refused_and_counted(demo_store):
    verify_phone("stranger", "+79990000001")
    messages, events = account_number_typed(ACCOUNT, sender="stranger")
    assert failed_checks() == 1 and linked_to(ACCOUNT) is None
    assert texts(messages) == (
        "Подтверждённый в вашем профиле телефон не совпадает с телефоном в договоре по счёту № 1002003004, "
        "поэтому привязать его нельзя. Если телефон в договоре сменился, обратитесь в управляющую компанию. "
        "Чтобы прервать, напишите «отмена»."
    )
    assert slot_events(events)["utilities_account_number"] is None  # the number is asked again


def test_others_failures_lock_others_out_but_never_the_owner(demo_store):
    strangers = [f"stranger-{n}" for n in range(3)]
    for n, stranger in enumerate(strangers):
        verify_phone(stranger, f"+7999000000{n}")
        account_number_typed(ACCOUNT, sender=stranger)
    messages, _ = account_number_typed(ACCOUNT, sender=strangers[0])
    assert "временно заблокирована" in texts(messages) and linked_to(ACCOUNT) is None
    owner = verify_phone("resident-1", OWNER_PHONE)
    messages, events = account_number_typed(ACCOUNT)
    assert linked_to(ACCOUNT) == owner and slot_events(events)["utilities_ownership_check"] == "linked"
    with session_scope() as session:  # the owner's link clears what the others' failures left
        account = session.execute(
            select(UtilitiesAccount).where(UtilitiesAccount.number == ACCOUNT)
        ).scalar_one()
        assert (account.failed_checks, account.locked_until) == (0, None)


def test_failed_checks_made_at_once_are_all_counted(demo_store, monkeypatch):
    monkeypatch.setattr(accounts, "MAX_FAILED_CHECKS", 100)
    strangers = [f"stranger-{n}" for n in range(5)]
    for n, stranger in enumerate(strangers):
        verify_phone(stranger, f"+7999000000{n}")
    monkeypatch.setattr(accounts, "find_account", meeting_after(accounts.find_account, len(strangers)))
    at_once(lambda stranger: account_number_typed(ACCOUNT, sender=stranger), strangers)
    assert failed_checks() == len(strangers)
