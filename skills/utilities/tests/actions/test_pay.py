from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select

from engine.sdk import Payment, money, session_scope
from engine.testing import button_titles, just_set, make_tracker, run_action, slot_events, texts
from skills.utilities import billing
from skills.utilities.accounts import find_account
from skills.utilities.actions.info import ActionUtilitiesPaymentHistory
from skills.utilities.actions.pay import (
    ActionAskUtilitiesPayConfirm,
    ActionUtilitiesPayDone,
    ValidateUtilitiesPayForm,
)
from skills.utilities.models import UtilitiesAccount, UtilitiesPayment
from skills.utilities.tests.conftest import link_in_store

ACCOUNT = "1002003004"
PAYING = {"utilities_pay_account": ACCOUNT}  # the account the confirmation named
PAY_DOMAIN = {
    "forms": {"utilities_pay_form": {"required_slots": ["utilities_pay_amount", "utilities_pay_confirm"]}}
}


def due_now(number=ACCOUNT):
    with session_scope() as session:
        return billing.balance_of(session, find_account(session, number)).due


def pay_flow(key="k1", sender="resident-1"):
    slots = {"utilities_pay_amount": None, "utilities_pay_confirm": None, "utilities_pay_key": None}
    tracker = make_tracker(
        "оплати квартплату", "utilities_pay", slots=slots, sender_id=sender, active_loop="utilities_pay_form"
    )
    _, events = run_action(ValidateUtilitiesPayForm(), tracker, PAY_DOMAIN)
    amount = slot_events(events)["utilities_pay_amount"]
    done_slots = {**slot_events(events), "utilities_pay_confirm": True, "utilities_pay_key": key}
    return amount, run_action(
        ActionUtilitiesPayDone(), make_tracker("да", "affirm", slots=done_slots, sender_id=sender)
    )


def amount_typed(text):
    tracker = make_tracker(
        text,
        "inform",
        active_loop="utilities_pay_form",
        slots={"utilities_pay_amount": text, "requested_slot": "utilities_pay_amount"},
    )
    return run_action(ValidateUtilitiesPayForm(), just_set(tracker, "utilities_pay_amount", text), PAY_DOMAIN)


def test_paying_defaults_to_what_is_due_and_never_pays_twice(linked):
    due = due_now()
    amount, (messages, _) = pay_flow()
    assert due > 0 and Decimal(str(amount)) == due
    receipt, after = texts(messages).splitlines()
    assert receipt.startswith("ТЕСТОВЫЙ ПЛАТЁЖ (песочница). Квитанция № TEST-")
    assert receipt.endswith(", оплачено. Деньги не списаны.")
    assert after == "Долга нет. Платёж виден в истории платежей."
    # the same confirmation retried (same key): the first payment comes back, nothing is charged again
    done_slots = {
        **PAYING,
        "utilities_pay_amount": amount,
        "utilities_pay_confirm": True,
        "utilities_pay_key": "k1",
    }
    again, _ = run_action(ActionUtilitiesPayDone(), make_tracker("да", "affirm", slots=done_slots))
    assert texts(again).splitlines()[0] == receipt
    with session_scope() as session:
        assert session.execute(select(func.count(Payment.id))).scalar_one() == 1
        assert (
            session.execute(
                select(func.count(UtilitiesPayment.id)).where(UtilitiesPayment.channel == "assistant")
            ).scalar_one()
            == 1
        )
    history = texts(
        run_action(ActionUtilitiesPaymentHistory(), make_tracker("история платежей"))[0]
    ).splitlines()
    assert history[0] == f"Последние платежи по счёту № {ACCOUNT}:"
    assert history[1].startswith("• ") and ", через помощника, квитанция № TEST-" in history[1]
    assert history[2].endswith(", через банк") and len(history) == 7


def test_a_partial_payment_leaves_the_rest_to_pay(linked):
    slots = {
        **PAYING,
        "utilities_pay_amount": 100.0,
        "utilities_pay_confirm": True,
        "utilities_pay_key": "part",
    }
    messages, _ = run_action(ActionUtilitiesPayDone(), make_tracker("да", "affirm", slots=slots))
    assert (
        texts(messages).splitlines()[1]
        == f"Осталось к оплате: {money(due_now())}. Платёж виден в истории платежей."
    )


def test_paying_more_than_due_is_a_prepayment(link):
    link(number="3004005006")
    slots = {
        "utilities_pay_account": "3004005006",
        "utilities_pay_amount": 500.0,
        "utilities_pay_confirm": True,
        "utilities_pay_key": "ahead",
    }
    messages, _ = run_action(ActionUtilitiesPayDone(), make_tracker("да", "affirm", slots=slots))
    assert texts(messages).splitlines()[1] == "Долга нет, аванс 5 500,00 ₽. Платёж виден в истории платежей."


def test_the_confirmation_prompt_marks_a_test_payment(linked):
    tracker = make_tracker(slots={"utilities_pay_amount": 100.0}, active_loop="utilities_pay_form")
    messages, events = run_action(ActionAskUtilitiesPayConfirm(), tracker)
    lines = texts(messages).splitlines()
    assert lines[0] == f"Оплатить 100,00 ₽ по лицевому счёту № {ACCOUNT}?"
    assert lines[1].startswith("К оплате сейчас ") and lines[1].endswith(
        " (за октябрь 2026, срок — 10 ноября)."
    )
    assert lines[2] == "Это ТЕСТОВЫЙ ПЛАТЁЖ (песочница): деньги не спишутся."
    assert button_titles(messages) == ["Да", "Нет"]
    asked = slot_events(events)
    assert len(asked["utilities_pay_key"]) == 32 and asked["utilities_pay_account"] == ACCOUNT
    _, events = run_action(
        ActionAskUtilitiesPayConfirm(),
        make_tracker(slots={"utilities_pay_amount": 100.0, **asked}, active_loop="utilities_pay_form"),
    )
    assert events == []  # asked again: the key and the account stay


def test_nothing_due_offers_a_prepayment(link):
    link(number="3004005006")
    tracker = make_tracker("оплати квартплату", "utilities_pay", active_loop="utilities_pay_form")
    messages, events = run_action(ValidateUtilitiesPayForm(), tracker, PAY_DOMAIN)
    assert texts(messages) == "Долга по счёту нет. Можно внести аванс."
    # no sum: the form asks for one (utter_ask_utilities_pay_amount); the account it pays is settled
    assert slot_events(events) == {"utilities_pay_account": "3004005006"}


def test_an_amount_out_of_range_is_asked_again(linked):
    messages, events = amount_typed("0,5")
    assert texts(messages) == "Сумма должна быть числом от 1,00 ₽ до 500 000,00 ₽, например «2000»."
    assert slot_events(events)["utilities_pay_amount"] is None
    _, events = amount_typed("1 500,50 руб")
    assert slot_events(events)["utilities_pay_amount"] == 1500.5


def test_a_typed_stop_word_is_not_taken_for_the_forms_own(linked):
    messages, events = amount_typed("__stop__")
    assert "Сумма должна быть числом" in texts(messages)
    assert slot_events(events)["utilities_pay_amount"] is None and "utilities_pay_confirm" not in slot_events(
        events
    )


def test_declining_pays_nothing(linked):
    slots = {
        **PAYING,
        "utilities_pay_amount": 100.0,
        "utilities_pay_confirm": False,
        "utilities_pay_key": "k",
    }
    messages, _ = run_action(ActionUtilitiesPayDone(), make_tracker("нет", "deny", slots=slots))
    assert texts(messages) == "Хорошо, оплату не провожу. Деньги не списаны."
    with session_scope() as session:
        assert session.execute(select(func.count(Payment.id))).scalar_one() == 0


def test_paying_without_an_account_offers_to_link_one(demo_store):
    tracker = make_tracker(
        "оплати квартплату", "utilities_pay", sender_id="nobody", active_loop="utilities_pay_form"
    )
    messages, events = run_action(ValidateUtilitiesPayForm(), tracker, PAY_DOMAIN)
    assert "К вашему профилю пока не привязан лицевой счёт" in texts(messages)
    slots = slot_events(events)  # both slots filled: the form ends without asking anything
    assert slots["utilities_pay_amount"] == "__stop__" and slots["utilities_pay_confirm"] is False
    done, _ = run_action(ActionUtilitiesPayDone(), make_tracker(slots=slots, sender_id="nobody"))
    assert done == []


def _confirm_answer(text, intent, entities):
    slots = {"utilities_pay_amount": 2000.0, "requested_slot": "utilities_pay_confirm"}
    tracker = make_tracker(text, intent, entities=entities, slots=slots, active_loop="utilities_pay_form")
    return run_action(
        ValidateUtilitiesPayForm(), just_set(tracker, "utilities_pay_confirm", False), PAY_DOMAIN
    )


def test_another_sum_at_the_confirmation_is_confirmed_instead(linked):
    sums = [{"entity": "amount", "value": 2000.0}, {"entity": "amount", "value": 2500.0}]
    _, events = _confirm_answer("нет, не 2000 а 2500", "deny", sums)
    slots = slot_events(events)
    assert slots["utilities_pay_amount"] == 2500.0 and slots["utilities_pay_confirm"] is None


def test_a_plain_no_or_an_impossible_sum_at_the_confirmation(linked):
    _, events = _confirm_answer("нет", "deny", [])
    assert slot_events(events)["utilities_pay_confirm"] is False
    messages, events = _confirm_answer("нет, 9000000", "deny", [{"entity": "amount", "value": 9000000.0}])
    assert slot_events(events)["utilities_pay_amount"] is None and "сумм" in texts(messages).lower()


def _assistant_payments():
    """(account number, amount) of every payment made through the assistant."""
    with session_scope() as session:
        rows = session.execute(
            select(UtilitiesAccount.number, UtilitiesPayment.amount)
            .join(UtilitiesAccount, UtilitiesPayment.account_id == UtilitiesAccount.id)
            .where(UtilitiesPayment.channel == "assistant")
            .order_by(UtilitiesPayment.id)
        )
        return [(number, amount) for number, amount in rows]


def test_the_account_confirmed_is_the_one_paid_not_the_last_linked(demo_store):
    """Issue 15: «Оплатить … по счёту № 1002003004?» — «да»: the yes names no account, and the last account
    linked (3004005006) must not be paid instead."""
    link_in_store(ACCOUNT, linked_at=datetime(2026, 1, 1))
    link_in_store("3004005006", linked_at=datetime(2026, 6, 1))  # linked last
    asked_slots = {"utilities_pay_amount": 100.0, "utilities_pay_confirm": None, "utilities_pay_key": None}
    asking = make_tracker(
        f"оплати по счёту {ACCOUNT}",
        "utilities_pay",
        entities=[{"entity": "account_number", "value": ACCOUNT}],
        slots=asked_slots,
        active_loop="utilities_pay_form",
    )
    messages, events = run_action(ActionAskUtilitiesPayConfirm(), asking)
    assert texts(messages).startswith(f"Оплатить 100,00 ₽ по лицевому счёту № {ACCOUNT}?")
    done_slots = {**asked_slots, **slot_events(events), "utilities_pay_confirm": True}
    run_action(ActionUtilitiesPayDone(), make_tracker("да", "affirm", slots=done_slots))
    assert _assistant_payments() == [(ACCOUNT, Decimal("100.00"))]


def test_a_confirmed_account_that_is_no_longer_the_residents_is_not_paid(demo_store):
    link_in_store(ACCOUNT, linked_at=datetime(2026, 1, 1))
    slots = {
        "utilities_pay_amount": 100.0,
        "utilities_pay_confirm": True,
        "utilities_pay_key": "k-gone",
        "utilities_pay_account": "2003004005",  # confirmed, then unlinked (or never this resident's)
    }
    messages, events = run_action(ActionUtilitiesPayDone(), make_tracker("да", "affirm", slots=slots))
    assert _assistant_payments() == []
    assert texts(messages) == (
        "Лицевой счёт № 2003004005 больше не привязан к вашему профилю, поэтому оплату не провожу — "
        "деньги не списаны."
    )
    assert slot_events(events)["utilities_pay_account"] is None


def test_the_account_named_when_the_form_starts_is_kept_through_the_amount_question(demo_store):
    link_in_store("3004005006", linked_at=datetime(2026, 1, 1))
    link_in_store(ACCOUNT, linked_at=datetime(2026, 6, 1))  # linked last
    start = make_tracker(
        "оплати по счёту 3004005006",
        "utilities_pay",
        entities=[{"entity": "account_number", "value": "3004005006"}],
        active_loop="utilities_pay_form",
    )
    messages, events = run_action(ValidateUtilitiesPayForm(), start, PAY_DOMAIN)
    assert texts(messages) == "Долга по счёту нет. Можно внести аванс."
    slots = {**slot_events(events), "utilities_pay_amount": 500.0}
    asked = make_tracker("500", "inform", slots=slots, active_loop="utilities_pay_form")
    messages, _ = run_action(ActionAskUtilitiesPayConfirm(), asked)
    assert texts(messages).startswith("Оплатить 500,00 ₽ по лицевому счёту № 3004005006?")
