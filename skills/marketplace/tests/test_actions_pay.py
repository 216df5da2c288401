"""Paying for an order: validate_market_pay_form, action_ask_market_pay_order, action_ask_market_pay_confirm and
action_market_pay_done."""

from sqlalchemy import func, select

from engine.sdk import DECLINED, STOP, session_scope
from engine.testing import button_titles, make_tracker, run_action, slot_events, texts
from skills.marketplace import ledger
from skills.marketplace.actions import pay as pay_actions
from skills.marketplace.actions.pay import (
    ActionAskMarketPayConfirm,
    ActionAskMarketPayOrder,
    ActionMarketPayDone,
    ValidateMarketPayForm,
)
from skills.marketplace.models import MarketPayment
from skills.marketplace.tests.conversations import pay, payment_rows, place, validate
from skills.marketplace.tests.fake_provider import Answer


def pay_form(new=None, slots=None, text="", intent="market_pay_order", sender="resident-1"):
    return validate(ValidateMarketPayForm(), "market_pay_form", text, intent, slots, new, sender=sender)


def test_paying_is_a_test_payment_made_once_even_when_retried(demo_store):
    number = place()
    _, events = pay_form(text="оплатить заказ")  # the only unpaid order is taken without asking
    assert slot_events(events)["market_pay_order"] == number
    tracker = make_tracker(slots={"market_pay_order": number}, active_loop="market_pay_form")
    messages, events = run_action(ActionAskMarketPayConfirm(), tracker)
    assert texts(messages) == (
        f"Оплатить заказ № {number} — 1 500 ₽?\nИз них Иван Петров получит 1 350 ₽, взнос "
        "кооперативу — 150 ₽ (10%).\nЭто ТЕСТОВЫЙ ПЛАТЁЖ (песочница): деньги не спишутся."
    )
    assert button_titles(messages) == ["Да", "Нет"]
    key = slot_events(events)["market_pay_key"]
    assert key
    assert (
        run_action(
            ActionAskMarketPayConfirm(),
            make_tracker(
                slots={"market_pay_order": number, "market_pay_key": key}, active_loop="market_pay_form"
            ),
        )[1]
        == []
    )
    before = payment_rows()
    messages, events = pay(number, key)
    text = texts(messages)
    assert text.startswith("ТЕСТОВЫЙ ПЛАТЁЖ (песочница). Квитанция № TEST-")
    assert text.endswith(
        f": 1 500,00 ₽, оплачено. Деньги не списаны. Заказ № {number}: исполнителю 1 350 ₽, "
        "взнос кооперативу 150 ₽ (10%).\nПосле выполнения работы на неё действует гарантия."
    )
    assert all(value is None for value in slot_events(events).values())
    assert payment_rows() == (before[0] + 1, before[1] + 1)
    messages, _ = pay(number, key)  # the same confirmation once more: the first payment comes back
    assert texts(messages) == text
    assert payment_rows() == (before[0] + 1, before[1] + 1)


def test_a_paid_order_is_not_paid_again(demo_store):
    number = place()
    pay(number)
    messages, events = pay_form(new={"market_pay_order": str(number)}, text=f"оплатить заказ {number}")
    assert texts(messages) == f"Заказ № {number} уже оплачен — второй раз платить не нужно."
    assert slot_events(events) == {"market_pay_order": STOP, "market_pay_confirm": False}
    messages, _ = pay_form(text="оплатить заказ")
    assert texts(messages) == "Неоплаченных заказов у вас нет."
    before = payment_rows()
    messages, _ = pay(number, key="another-key")  # a new confirmation for the paid order
    assert texts(messages) == f"Заказ № {number} уже оплачен." and payment_rows() == before


def test_with_several_unpaid_orders_the_form_asks_which(demo_store):
    first, second = place(), place(hour="14:00")
    _, events = pay_form(text="оплатить заказ")
    assert "market_pay_order" not in slot_events(events)
    messages, _ = run_action(
        ActionAskMarketPayOrder(),
        make_tracker(active_loop="market_pay_form", slots={"requested_slot": "market_pay_order"}),
    )
    text = texts(messages)
    assert text.startswith(f"Какой заказ оплатить?\n№ {second}: сантехник, ")
    assert f"\n№ {first}: сантехник, " in text
    assert [b["payload"] for b in messages[0]["buttons"]] == [
        f'/inform{{"order_id": "{n}"}}' for n in (second, first)
    ]


def test_asked_without_unpaid_orders_the_number_is_asked_for(demo_store):
    messages, _ = run_action(
        ActionAskMarketPayOrder(),
        make_tracker(active_loop="market_pay_form", slots={"requested_slot": "market_pay_order"}),
    )
    assert texts(messages) == "Какой заказ оплатить? Напишите номер заказа." and messages[0]["buttons"] == []


def test_declining_to_pay_pays_nothing(demo_store):
    number = place()
    before = payment_rows()
    slots = {"market_pay_order": number, "market_pay_confirm": False, "market_pay_key": "k"}
    messages, _ = run_action(ActionMarketPayDone(), make_tracker("нет", "deny", slots=slots))
    assert texts(messages) == "Хорошо, оплату не провожу. Деньги не списаны." and payment_rows() == before


class DecliningSandbox:
    """The sandbox as if the bank said no."""

    name = "sandbox"

    def charge(self, **request):
        return Answer(DECLINED, "declined", "TEST-0001", "no")


def test_a_declined_payment_shows_its_receipt_and_releases_the_order(demo_store, monkeypatch):
    number = place()
    real_charge = ledger.charge_reserved
    monkeypatch.setattr(
        ledger,
        "charge_reserved",
        lambda session, payment, **kwargs: real_charge(
            session, payment, provider=DecliningSandbox(), **kwargs
        ),
    )
    messages, _ = pay(number, key="declined")
    assert texts(messages) == (
        "Платёж отклонён: ТЕСТОВЫЙ ПЛАТЁЖ (песочница). Квитанция № TEST-0001: 1 500,00 ₽, "
        "платёж отклонён. Деньги не списаны. Попробуйте ещё раз позже."
    )
    with session_scope() as session:
        assert (
            session.execute(
                select(func.count(MarketPayment.id)).where(MarketPayment.order_id == number)
            ).scalar_one()
            == 0
        )
    monkeypatch.setattr(ledger, "charge_reserved", real_charge)
    assert texts(pay(number, key="declined")[0]).startswith(
        "Платёж отклонён"
    )  # a declined key stays declined
    assert "оплачено" in texts(pay(number, key="a-new-confirmation")[0])


def test_a_real_payment_provider_asks_without_the_sandbox_notice(demo_store, monkeypatch):
    number = place()
    monkeypatch.setattr(pay_actions, "payments_are_test", lambda: False)
    messages, _ = run_action(
        ActionAskMarketPayConfirm(),
        make_tracker(slots={"market_pay_order": number}, active_loop="market_pay_form"),
    )
    assert texts(messages) == (
        f"Оплатить заказ № {number} — 1 500 ₽?\nИз них Иван Петров получит 1 350 ₽, взнос "
        "кооперативу — 150 ₽ (10%)."
    )
