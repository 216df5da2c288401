from engine.sdk.conversation import corrects_other_slots, value_before
from engine.testing import just_set, make_tracker

BEFORE = [
    {"event": "slot", "name": "market_hour", "value": "12:00"},
    {"event": "slot", "name": "requested_slot", "value": "market_order_confirm"},
]
ASKING = {"market_hour": "12:00", "requested_slot": "market_order_confirm"}


def at_confirmation(text, intent, **new):
    tracker = make_tracker(
        text, intent, slots={**ASKING, **new}, events=BEFORE, active_loop="market_order_form"
    )
    for slot, value in new.items():
        just_set(tracker, slot, value)
    return tracker


def test_a_new_value_of_another_slot_at_the_confirmation_is_a_correction():
    tracker = at_confirmation("нет, в 14", "deny", market_hour="14:00", market_order_confirm=False)
    assert corrects_other_slots(tracker, "market_order_confirm")
    assert value_before(tracker, "market_hour") == "12:00"


def test_the_same_value_again_or_a_bare_answer_corrects_nothing():
    assert not corrects_other_slots(
        at_confirmation("да, в 12", "affirm", market_hour="12:00", market_order_confirm=True),
        "market_order_confirm",
    )
    assert not corrects_other_slots(
        at_confirmation("нет", "deny", market_order_confirm=False), "market_order_confirm"
    )


def test_only_while_the_confirmation_is_asked():
    tracker = at_confirmation("в 14", "inform", market_hour="14:00")
    assert not corrects_other_slots(tracker, "market_address")
