"""Paying a fine through its form: the UIN read from the request or asked for, each kind of wrong number told apart,
the card with the amount due today, a «да» that pays once, another number at the confirmation, a discount that
ended while the resident was deciding, a paid fine, hostile input."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select

from engine.sdk import STOP, Payment, session_scope
from engine.testing import freeze_clock, slot_events, texts
from skills.governance.actions.fine import ActionAskGovFineConfirm, ActionGovFineDone, ValidateGovFineForm
from skills.governance.fines import fine_by_uin, with_check_digit

from .helpers import act, form, said

FORM = "gov_fine_form"
UIN, CONFIRM, QUOTED, KEY = "gov_fine_uin", "gov_fine_confirm", "gov_fine_quoted", "gov_fine_key"
SPEEDING = "18810177261106000016"  # demo: 500 ₽, issued 5 days ago, 250 ₽ until 5 December
NO_PARKING = "18810177261104000069"  # demo: 1500 ₽, issued 19 days ago: the discount ends tomorrow
RED_LIGHT = "18810777261030002075"  # demo: 1000 ₽, the discount ended 10 November
NOISE = "0410200026111000012345606"  # demo: paid 3 days ago
MOSCOW = ZoneInfo("Europe/Moscow")


def payments() -> int:
    with session_scope() as session:
        return len(session.execute(select(Payment)).all())


def asked(text, slots=None, new=None, requested=UIN, intent="inform", sender="resident-1"):
    """The form validating `text` (set into `new` slots by their mappings) while it asks `requested`."""
    messages, events = form(
        ValidateGovFineForm(), FORM, text, intent, slots=slots, new=new, requested=requested, sender=sender
    )
    return messages, slot_events(events)


def confirmation(uin, sender="resident-1"):
    """The card and question for `uin`, and the slots the form then holds."""
    messages, events = act(ActionAskGovFineConfirm(), slots={UIN: uin}, sender=sender)
    return messages, {UIN: uin, **slot_events(events)}


def test_the_number_typed_with_the_request_is_read_and_the_card_shows_the_discount(demo_store):
    _, slots = asked(f"хочу оплатить штраф {SPEEDING}", intent="gov_pay_fine", requested=None)
    assert slots[UIN] == SPEEDING and slots[CONFIRM] is None
    messages, slots = confirmation(SPEEDING)
    shown = texts(messages)
    assert said(messages) == ["utter_ask_gov_fine_confirm_sandbox"]
    assert f"Постановление {SPEEDING} от 15 ноября 2026: превышение скорости" in shown
    assert "Сумма штрафа — 500,00 ₽" in shown
    assert "Со скидкой 50% — 250,00 ₽, если оплатить до 5 декабря 2026 включительно" in shown
    assert "Оплатить 250,00 ₽ сейчас?" in shown and "ТЕСТОВЫЙ ПЛАТЁЖ" in shown
    assert slots[QUOTED] == "250.00" and len(slots[KEY]) == 32


def test_a_tagged_number_with_spaces_is_taken_and_cards_without_discount(demo_store):
    _, slots = asked("1881 0777 2610 3000 2075", new={UIN: "1881 0777 2610 3000 2075"})
    assert slots[UIN] == RED_LIGHT
    shown = texts(confirmation(RED_LIGHT)[0])
    assert "Скидка 50% действовала до 10 ноября 2026: теперь к оплате полная сумма 1 000,00 ₽" in shown
    shown = texts(confirmation("0355431010126110000000138")[0])
    assert "Скидка 50% за это нарушение не положена: к оплате 5 000,00 ₽" in shown
    assert "Администратор Московского парковочного пространства" in shown


def test_each_wrong_number_is_told_apart_and_asked_again(demo_store):
    cases = {
        "1881017726110600001": ("utter_gov_fine_uin_length", "а в присланном — 19 цифр"),
        "18810А77261106000016": ("utter_gov_fine_uin_not_digits", "только цифры"),
        "18810177261106000017": ("utter_gov_fine_uin_check_digit", "Похоже, в номере опечатка"),
        "не знаю": ("utter_gov_fine_uin_empty", "Не вижу номера"),
        with_check_digit("1881017726999999999"): ("utter_gov_fine_not_found", "не нашёл"),
    }
    for typed, (response, words) in cases.items():
        messages, slots = asked(typed, new={UIN: typed})
        assert said(messages) == [response] and words in texts(messages), typed
        assert slots[UIN] is None


def test_hostile_input_is_refused_without_harm(demo_store):
    for typed, response in (
        ("7" * 10_000, "utter_gov_fine_uin_length"),
        ("<script>alert(1)</script>", "utter_gov_fine_uin_empty"),
        ("<script>1881017726110600001</script>", "utter_gov_fine_uin_not_digits"),
        ("'; DROP TABLE gov_fines; --", "utter_gov_fine_uin_empty"),
        ("\U0001f697\U0001f4b8", "utter_gov_fine_uin_empty"),
    ):
        messages, slots = asked(typed, new={UIN: typed})
        assert said(messages) == [response] and slots[UIN] is None, typed
    with session_scope() as session:
        assert fine_by_uin(session, SPEEDING) is not None


def test_a_paid_fine_is_told_and_the_form_ends_without_a_question(demo_store):
    messages, slots = asked(NOISE, new={UIN: NOISE})
    assert said(messages) == ["utter_gov_fine_already_paid"]
    assert "уже оплачен 17 ноября 2026: 1 000,00 ₽. Нарушение: нарушение тишины" in texts(messages)
    assert slots[QUOTED] == STOP and slots["requested_slot"] is None
    done, events = act(ActionGovFineDone(), slots={UIN: NOISE, QUOTED: STOP})
    assert done == [] and slot_events(events)[UIN] is None and payments() == 0
    # paid between the check of the number and the question: told, and the form is left with nothing kept
    asked_late, events = act(ActionAskGovFineConfirm(), slots={UIN: NOISE})
    assert said(asked_late) == ["utter_gov_fine_already_paid"]
    assert (
        any(e["event"] == "active_loop" and e["name"] is None for e in events)
        and slot_events(events)[QUOTED] is None
    )


def paid_by(sender, uin=SPEEDING):
    _, slots = confirmation(uin, sender)
    _, validated = asked(
        "да", slots=slots, new={CONFIRM: True}, requested=CONFIRM, intent="affirm", sender=sender
    )
    assert validated[CONFIRM] is True
    slots = {**slots, CONFIRM: True}
    return act(ActionGovFineDone(), slots=slots, sender=sender)[0], slots


def test_yes_pays_once_with_a_test_receipt_even_when_sent_twice(demo_store):
    _, seen_by_other = confirmation(SPEEDING, "resident-2")  # both residents look at the same fine
    done, slots = paid_by("resident-1")
    assert said(done) == ["utter_gov_fine_paid"]
    assert f"Штраф по постановлению {SPEEDING} оплачен. ТЕСТОВЫЙ ПЛАТЁЖ (песочница)" in texts(done)
    assert "250,00 ₽, оплачено" in texts(done)
    again, _ = act(ActionGovFineDone(), slots=slots)  # the same confirmation answered twice
    assert said(again) == ["utter_gov_fine_paid"] and payments() == 1
    # the other resident's «да» to the card shown before: told it is paid, the form ends
    messages, validated = asked(
        "да", seen_by_other, {CONFIRM: True}, CONFIRM, intent="affirm", sender="resident-2"
    )
    assert said(messages) == ["utter_gov_fine_already_paid"] and validated[QUOTED] == STOP
    # and had the «да» passed just before the payment: the payment finds the fine paid and charges nothing
    other, _ = act(ActionGovFineDone(), slots={**seen_by_other, CONFIRM: True}, sender="resident-2")
    assert said(other) == ["utter_gov_fine_already_paid"] and payments() == 1


def test_no_pays_nothing(demo_store):
    _, slots = confirmation(SPEEDING)
    _, validated = asked("нет", slots=slots, new={CONFIRM: False}, requested=CONFIRM, intent="deny")
    assert validated[CONFIRM] is False
    done, _ = act(ActionGovFineDone(), slots={**slots, CONFIRM: False})
    assert said(done) == ["utter_gov_fine_declined"] and payments() == 0


def test_another_number_at_the_confirmation_replaces_the_first(demo_store):
    _, slots = confirmation(SPEEDING)
    text = f"нет, оплатить другой: {RED_LIGHT}"
    _, validated = asked(text, slots=slots, new={CONFIRM: False}, requested=CONFIRM, intent="deny")
    assert validated[UIN] == RED_LIGHT and validated[CONFIRM] is None
    messages, slots = confirmation(RED_LIGHT)
    assert "Оплатить 1 000,00 ₽ сейчас?" in texts(messages) and slots[QUOTED] == "1000.00"


def test_a_discount_that_ended_meanwhile_is_said_and_asked_again(demo_store, monkeypatch):
    _, slots = confirmation(NO_PARKING)
    assert slots[QUOTED] == "750.00"
    freeze_clock(monkeypatch, datetime(2026, 11, 22, 0, 10, tzinfo=MOSCOW))  # the discount ended at midnight
    messages, validated = asked("да", slots=slots, new={CONFIRM: True}, requested=CONFIRM, intent="affirm")
    assert said(messages) == ["utter_gov_fine_amount_changed"] and validated[CONFIRM] is None
    assert "теперь к оплате 1 500,00 ₽, а не 750,00 ₽" in texts(messages)
    messages, again = confirmation(NO_PARKING)
    assert again[QUOTED] == "1500.00" and again[KEY] != slots[KEY]
    # the discount ending between the «да» and the payment: nothing is charged, paying again is offered
    done, _ = act(ActionGovFineDone(), slots={**slots, CONFIRM: True})
    assert said(done) == ["utter_gov_fine_amount_changed_after"] and payments() == 0
    assert done[0]["offer"]["intent"] == "gov_pay_fine" and done[0]["offer"]["entities"] == {
        "fine_id": NO_PARKING
    }


def test_the_same_number_said_again_at_the_confirmation_keeps_it(demo_store):
    _, slots = confirmation(SPEEDING)
    events = [{"event": "slot", "name": UIN, "value": SPEEDING}, {"event": "user", "text": "x"}]
    messages, validated = form(
        ValidateGovFineForm(),
        FORM,
        f"да, {SPEEDING}",
        "affirm",
        slots=slots,
        new={CONFIRM: True, UIN: SPEEDING},
        requested=CONFIRM,
        events=events,
    )
    assert slot_events(validated)[CONFIRM] is True and messages == []
    assert Decimal(slots[QUOTED]) == Decimal("250")
