"""The "which order?" step shared by the pay, cancel, review and warranty forms (order_choice.py), and the
resident's orders staying theirs in every conversation."""

import pytest

from engine.sdk import STOP
from engine.testing import make_tracker, run_action, slot_events, texts
from skills.marketplace import orders
from skills.marketplace.actions.my_orders import (
    ActionMarketCancelDone,
    ActionMarketOrderStatus,
    ValidateMarketCancelForm,
)
from skills.marketplace.actions.pay import ValidateMarketPayForm
from skills.marketplace.actions.review import ValidateMarketReviewForm
from skills.marketplace.actions.warranty import ValidateMarketWarrantyForm
from skills.marketplace.tests.conversations import done_order, pay, payment_rows, stored_order, validate

FORMS = [
    (ValidateMarketPayForm, "market_pay_form", "market_pay_order", "market_pay_order"),
    (ValidateMarketCancelForm, "market_cancel_form", "market_cancel_order", "market_cancel_order"),
    (ValidateMarketReviewForm, "market_review_form", "market_review_order", "market_review"),
    (ValidateMarketWarrantyForm, "market_warranty_form", "market_claim_order", "market_warranty_claim"),
]


def test_somebody_elses_order_cannot_be_paid_cancelled_reviewed_claimed_or_seen(demo_store):
    number = done_order("owner")
    stranger = "stranger"
    not_yours = f"Заказа № {number} среди ваших заказов нет."
    for action, form, slot, intent in FORMS:
        messages, events = validate(
            action(), form, f"заказ {number}", intent, new={slot: str(number)}, sender=stranger
        )
        assert texts(messages) == not_yours, form
        assert slot_events(events)[slot] == STOP, form
    messages, _ = run_action(
        ActionMarketOrderStatus(),
        make_tracker(
            f"статус заказа {number}",
            "market_order_status",
            sender_id=stranger,
            entities=[{"entity": "order_id", "value": str(number)}],
        ),
    )
    assert texts(messages) == not_yours
    before = payment_rows()
    messages, _ = pay(number, key="stolen", sender=stranger)  # even a forged final step
    assert texts(messages) == not_yours and payment_rows() == before
    messages, _ = run_action(
        ActionMarketCancelDone(),
        make_tracker(
            "да",
            "affirm",
            sender_id=stranger,
            slots={"market_cancel_order": number, "market_cancel_confirm": True},
        ),
    )
    assert texts(messages) == not_yours and stored_order(number).state == orders.DONE


@pytest.mark.parametrize("action, form, slot, intent", FORMS)
def test_an_order_number_is_asked_for_in_digits(demo_store, action, form, slot, intent):
    messages, events = validate(
        action(), form, "какой-то", intent, new={slot: "какой-то"}, slots={"requested_slot": slot}
    )
    assert texts(messages) == "Напишите номер заказа цифрами, например «15»."
    assert slot_events(events)[slot] is None
