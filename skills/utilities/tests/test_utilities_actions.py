from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select

from engine.sdk import session_scope
from engine.store.models import Payment
from engine.testing import just_set, make_tracker, run_action, slot_events, texts
from skills.utilities import clock, demo
from skills.utilities.actions.info import ActionUtilitiesBalance, ActionUtilitiesCharges, ActionUtilitiesPaymentHistory, ActionUtilitiesTariffs
from skills.utilities.actions.link import ValidateUtilitiesLinkAccountForm, ActionUtilitiesLinkAccountDone
from skills.utilities.actions.pay import ActionAskUtilitiesPayConfirm, ActionUtilitiesPayDone, ValidateUtilitiesPayForm
from skills.utilities.actions.problems import ActionUtilitiesReportProblem
from skills.utilities.actions.readings import ActionUtilitiesSubmitReadingDone, ValidateUtilitiesReadingForm
from skills.utilities.actions import reminders
from skills.utilities.actions.reminders import ActionUtilitiesReminder, ActionUtilitiesReminderDue
from skills.utilities.models import UtilitiesAccount, UtilitiesMeter, UtilitiesPayment, UtilitiesReminder

ACCOUNT = "1002003004"  # phone on file ends with 4321
OTHER = "2003004005"
LINK_DOMAIN = {"forms": {"utilities_link_account_form": {"required_slots": ["utilities_account_number", "utilities_ownership_check"]}}}
READING_DOMAIN = {"forms": {"utilities_reading_form": {"required_slots": [
    "utilities_reading_values", "utilities_meter_choice", "utilities_reading_confirm"]}}}
PAY_DOMAIN = {"forms": {"utilities_pay_form": {"required_slots": ["utilities_pay_amount", "utilities_pay_confirm"]}}}


def link(number=ACCOUNT, answer="4321", sender="resident-1"):
    tracker = just_set(make_tracker(answer, "inform", slots={"utilities_account_number": number, "utilities_ownership_check": answer,
                                                    "requested_slot": "utilities_ownership_check"},
                           sender_id=sender, active_loop="utilities_link_account_form"), "utilities_ownership_check", answer)
    return run_action(ValidateUtilitiesLinkAccountForm(), tracker, LINK_DOMAIN)


def test_demo_is_loaded_only_once(demo_store):
    with session_scope() as session:
        assert demo.load_demo(session) is False
        assert session.execute(select(func.count(UtilitiesAccount.id))).scalar_one() == 3


def test_link_with_the_right_phone_digits(demo_store):
    messages, events = link()
    assert slot_events(events)["utilities_ownership_check"] == "linked"
    done, _ = run_action(ActionUtilitiesLinkAccountDone(), make_tracker(slots={
        "utilities_account_number": ACCOUNT, "utilities_ownership_check": "linked"}))
    assert "привязан" in texts(done) and "Ленина" in texts(done)


def test_three_wrong_answers_lock_the_account_for_an_hour(demo_store):
    assert "Осталось попыток: 2" in texts(link(answer="0000")[0])
    assert "Осталось попыток: 1" in texts(link(answer="1111")[0])
    messages, events = link(answer="2222")
    assert "заблокирована на час" in texts(messages)
    assert slot_events(events)["utilities_ownership_check"] == "locked"
    messages, events = link(answer="4321")  # even the right answer waits for the lock to end
    assert slot_events(events)["utilities_ownership_check"] == "locked"
    with session_scope() as session:
        assert session.execute(select(UtilitiesAccount.resident_id).where(UtilitiesAccount.number == ACCOUNT)).scalar_one() is None


def test_an_account_linked_to_someone_else_cannot_be_seen_or_linked(demo_store):
    link(sender="owner")
    stranger_balance = make_tracker("баланс по счёту 1002003004", "utilities_balance", sender_id="stranger",
                                    entities=[{"entity": "account_number", "value": ACCOUNT}])
    messages, _ = run_action(ActionUtilitiesBalance(), stranger_balance)
    assert "не привязан к вашему профилю" in texts(messages) and "₽" not in texts(messages)
    tracker = just_set(make_tracker(ACCOUNT, "inform", slots={"utilities_account_number": ACCOUNT, "requested_slot": "utilities_account_number"},
                           sender_id="stranger", active_loop="utilities_link_account_form"), "utilities_account_number", ACCOUNT)
    messages, events = run_action(ValidateUtilitiesLinkAccountForm(), tracker, LINK_DOMAIN)
    assert "другому профилю" in texts(messages) and slot_events(events)["utilities_account_number"] is None
    for action in (ActionUtilitiesCharges(), ActionUtilitiesPaymentHistory()):
        messages, _ = run_action(action, make_tracker("начисления", sender_id="stranger"))
        assert "не привязан лицевой счёт" in texts(messages)


def test_balance_shows_due_date_and_breakdown_on_request(demo_store):
    link()
    messages, _ = run_action(ActionUtilitiesBalance(), make_tracker("остаток по счёту подробно по услугам", "utilities_balance"))
    text = texts(messages)
    assert "К оплате:" in text and "до 10 ноября" in text and "содержание жилья" in text


def test_charges_of_a_named_month_explain_what_changed(demo_store):
    link()
    tracker = make_tracker("за что начислили в октябре", "utilities_charges",
                           entities=[{"entity": "month", "value": "october"}])
    text = texts(run_action(ActionUtilitiesCharges(), tracker)[0])
    assert "октябрь 2026" in text and "Итого" in text and "Что изменилось" in text


def test_tariffs_show_the_latest_change(demo_store):
    tracker = make_tracker("тариф на свет", "utilities_tariffs", entities=[{"entity": "meter_type", "value": "electricity"}])
    text = texts(run_action(ActionUtilitiesTariffs(), tracker)[0])
    assert "электроэнергия (день)" in text and "было" in text and "вода" not in text


def readings(text, slots=None, entities=None):
    tracker = just_set(make_tracker(text, "utilities_submit_reading", entities=entities,
                           slots={"utilities_reading_values": text, **(slots or {})},
                           active_loop="utilities_reading_form"), "utilities_reading_values", text)
    return run_action(ValidateUtilitiesReadingForm(), tracker, READING_DOMAIN)


def last(resource, zone=None, place=None):
    with session_scope() as session:
        meter = session.execute(select(UtilitiesMeter).join(UtilitiesAccount, UtilitiesMeter.account_id == UtilitiesAccount.id)
                                .where(UtilitiesAccount.number == ACCOUNT, UtilitiesMeter.resource == resource,
                                       UtilitiesMeter.zone.is_(zone) if zone is None else UtilitiesMeter.zone == zone,
                                       UtilitiesMeter.place.is_(place) if place is None else UtilitiesMeter.place == place)).scalar_one()
        return meter.last_reading


def test_two_zones_in_one_message_are_accepted_with_the_expected_charge(demo_store):
    link()
    day, night = last("electricity", "day") + 150, last("electricity", "night") + 80
    messages, events = readings(f"свет день {day} ночь {night}")
    slots = slot_events(events)
    assert [i["candidates"] for i in slots["utilities_reading_pending"]] == [[], []]
    assert slots["requested_slot"] is None
    done, _ = run_action(ActionUtilitiesSubmitReadingDone(), make_tracker(slots=slots))
    assert "Показания приняты" in texts(done) and "Ориентировочно" in texts(done)
    assert last("electricity", "day") == day


def test_readings_typed_without_a_request_start_the_form_with_those_values(demo_store):
    link()
    day, night = int(last("electricity", "day")) + 150, int(last("electricity", "night")) + 80
    text = f"свет день {day} ночь {night}"

    def span(entity, value, surface):
        start = text.index(surface)
        return {"entity": entity, "value": value, "start": start, "end": start + len(surface)}

    entities = [span("meter_type", "electricity", "свет"), span("reading", str(day), str(day)),
                span("reading", str(night), str(night))]
    tracker = make_tracker(text, "inform", entities=entities, active_loop="utilities_reading_form")
    _, events = run_action(ValidateUtilitiesReadingForm(), tracker, READING_DOMAIN)
    slots = slot_events(events)
    assert slots["utilities_reading_values"] == text and slots["requested_slot"] is None
    assert len(slots["utilities_reading_pending"]) == 2


def test_a_value_without_a_meter_does_not_start_readings(demo_store):
    link()
    tracker = make_tracker("345", "inform", entities=[{"entity": "reading", "value": "345", "start": 0, "end": 3}],
                           active_loop="utilities_reading_form")
    _, events = run_action(ValidateUtilitiesReadingForm(), tracker, READING_DOMAIN)
    assert slot_events(events).get("utilities_reading_values") is None


def test_two_meters_of_one_kind_ask_which(demo_store):
    link()
    _, events = readings(f"ХВС {last('cold_water', place='кухня') + 3}")
    slots = slot_events(events)
    assert slots["requested_slot"] == "utilities_meter_choice"
    tracker = just_set(make_tracker("кухня", "inform", slots={**slots, "utilities_meter_choice": "кухня"},
                           active_loop="utilities_reading_form"),
                       "utilities_meter_choice", "кухня")
    _, events = run_action(ValidateUtilitiesReadingForm(), tracker, READING_DOMAIN)
    assert slot_events(events)["requested_slot"] is None


def test_wrong_values_are_rejected_with_reasons(demo_store):
    link()
    below = last("electricity", "day") - 10
    text = texts(readings(f"свет день {below}")[0])
    assert "меньше предыдущих" in text
    assert "больше цифр" in texts(readings("свет ночь 12345678")[0])
    assert "цифрами" in texts(readings("гвс кухня сто двадцать")[0])


def test_an_outlier_asks_for_confirmation(demo_store):
    link()
    _, events = readings(f"свет день {last('electricity', 'day') + 2000}")
    assert slot_events(events)["requested_slot"] == "utilities_reading_confirm"


def test_readings_outside_the_window_say_when_it_opens(demo_store, monkeypatch):
    link()
    from datetime import date

    monkeypatch.setattr(clock, "today", lambda: date(2026, 11, 3))
    messages, events = readings("хвс кухня 400")
    assert "откроется 15 ноября" in texts(messages) and slot_events(events)["utilities_reading_values"] == "__stop__"


def pay_flow(key="k1", sender="resident-1"):
    slots = {"utilities_pay_amount": None, "utilities_pay_confirm": None, "utilities_pay_key": None}
    tracker = make_tracker("оплати квартплату", "utilities_pay", slots=slots, sender_id=sender, active_loop="utilities_pay_form")
    _, events = run_action(ValidateUtilitiesPayForm(), tracker, PAY_DOMAIN)
    amount = slot_events(events)["utilities_pay_amount"]
    done_slots = {"utilities_pay_amount": amount, "utilities_pay_confirm": True, "utilities_pay_key": key}
    return amount, run_action(ActionUtilitiesPayDone(), make_tracker("да", "affirm", slots=done_slots, sender_id=sender))


def test_paying_defaults_to_what_is_due_and_never_pays_twice(demo_store):
    link()
    amount, (messages, _) = pay_flow()
    assert Decimal(str(amount)) > 0
    assert "ТЕСТОВЫЙ ПЛАТЁЖ (песочница)" in texts(messages) and "Долга нет" in texts(messages)
    # the same confirmation retried (same key): the first payment comes back, nothing is charged again
    done_slots = {"utilities_pay_amount": amount, "utilities_pay_confirm": True, "utilities_pay_key": "k1"}
    run_action(ActionUtilitiesPayDone(), make_tracker("да", "affirm", slots=done_slots))
    with session_scope() as session:
        assert session.execute(select(func.count(Payment.id))).scalar_one() == 1
        assert session.execute(select(func.count(UtilitiesPayment.id)).where(UtilitiesPayment.channel == "assistant")).scalar_one() == 1
    history = texts(run_action(ActionUtilitiesPaymentHistory(), make_tracker("история платежей"))[0])
    assert "через помощника" in history and "ТЕСТ-" in history


def test_the_confirmation_prompt_marks_a_test_payment(demo_store):
    link()
    tracker = make_tracker(slots={"utilities_pay_amount": 100.0}, active_loop="utilities_pay_form")
    messages, events = run_action(ActionAskUtilitiesPayConfirm(), tracker)
    assert "песочница" in texts(messages) and [b["title"] for b in messages[0]["buttons"]] == ["Да", "Нет"]
    assert slot_events(events)["utilities_pay_key"]


def test_declining_pays_nothing(demo_store):
    link()
    slots = {"utilities_pay_amount": 100.0, "utilities_pay_confirm": False, "utilities_pay_key": "k"}
    messages, _ = run_action(ActionUtilitiesPayDone(), make_tracker("нет", "deny", slots=slots))
    assert "не провожу" in texts(messages)
    with session_scope() as session:
        assert session.execute(select(func.count(Payment.id))).scalar_one() == 0


def test_paying_without_an_account_offers_to_link_one(demo_store):
    tracker = make_tracker("оплати квартплату", "utilities_pay", sender_id="nobody", active_loop="utilities_pay_form")
    messages, events = run_action(ValidateUtilitiesPayForm(), tracker, PAY_DOMAIN)
    assert "не привязан лицевой счёт" in texts(messages)
    slots = slot_events(events)  # both slots filled: the form ends without asking anything
    assert slots["utilities_pay_amount"] == "__stop__" and slots["utilities_pay_confirm"] is False


def test_problem_reports_are_categorised_and_numbered(demo_store):
    link()
    messages, _ = run_action(ActionUtilitiesReportProblem(), make_tracker("течёт батарея на кухне", "utilities_report_problem"))
    assert "Аварийная заявка № 1" in texts(messages) and "Ленина" in texts(messages)
    messages, _ = run_action(ActionUtilitiesReportProblem(), make_tracker("в подъезде не горит свет", "utilities_report_problem"))
    assert "Заявка № 2 принята" in texts(messages)
    messages, _ = run_action(ActionUtilitiesReportProblem(), make_tracker("статус заявки 1", "utilities_report_problem"))
    assert "Заявка № 1" in texts(messages) and "принята" in texts(messages)
    messages, _ = run_action(ActionUtilitiesReportProblem(), make_tracker("статус заявки 1", "utilities_report_problem", sender_id="x"))
    assert "Не нашёл" in texts(messages)


def test_reminders_are_scheduled_and_cancelled(demo_store):
    link()
    _, events = run_action(ActionUtilitiesReminder(), make_tracker("напомни заплатить до 10-го", "utilities_reminder"))
    (event,) = events
    assert event["event"] == "reminder" and event["intent"] == "EXTERNAL_utilities_reminder_due"
    assert event["date_time"].startswith("2026-12-09T10:00")
    _, events = run_action(ActionUtilitiesReminder(), make_tracker("напоминай передавать показания", "utilities_reminder"))
    assert events[0]["name"] == "utilities_readings"
    messages, events = run_action(ActionUtilitiesReminder(), make_tracker("не напоминай", "utilities_reminder"))
    assert "больше не напоминаю" in texts(messages)
    assert sorted(e["name"] for e in events) == ["utilities_pay", "utilities_readings"]


def test_a_corrected_account_number_at_the_ownership_step_is_not_taken_for_an_answer(demo_store):
    corrected, text = "3004005006", "лицевой счёт 3004005006"
    tracker = make_tracker(text, "inform", entities=[{"entity": "account_number", "value": corrected}],
                           slots={"utilities_account_number": corrected, "utilities_ownership_check": text,
                                  "requested_slot": "utilities_ownership_check"},
                           active_loop="utilities_link_account_form")
    just_set(just_set(tracker, "utilities_account_number", corrected), "utilities_ownership_check", text)
    messages, events = run_action(ValidateUtilitiesLinkAccountForm(), tracker, LINK_DOMAIN)
    slots = slot_events(events)
    assert "4 цифры" not in texts(messages)
    assert slots["utilities_account_number"] == corrected and slots["utilities_ownership_check"] is None
    with session_scope() as session:  # the correction is not counted as a wrong answer
        assert session.execute(select(UtilitiesAccount.failed_checks).where(UtilitiesAccount.number == ACCOUNT)).scalar_one() == 0


def reminder_due(kind, sender="resident-1"):
    entities = [{"entity": "utilities_reminder_kind", "value": kind}] if kind else []
    tracker = make_tracker("", "EXTERNAL_utilities_reminder_due", entities=entities, sender_id=sender)
    return run_action(ActionUtilitiesReminderDue(), tracker)


def test_the_readings_reminder_fires_at_the_window_opening_and_is_rescheduled(demo_store):
    link()
    messages, (event,) = run_action(ActionUtilitiesReminder(),
                                    make_tracker("напоминай передавать показания", "utilities_reminder"))
    assert "15-го числа" in texts(messages)
    assert event["date_time"].startswith("2026-11-20T10:00")  # 09:00 on the 20th: the window is open, 10:00 to come
    assert event["entities"] == [{"entity": "utilities_reminder_kind", "value": "readings"}]
    messages, (following,) = reminder_due("readings")
    assert "открыт приём показаний" in texts(messages)
    assert following["name"] == "utilities_readings" and following["date_time"].startswith("2026-12-15T10:00")
    assert following["entities"] == event["entities"]


def test_the_fired_reminder_is_the_one_said_and_a_pay_reminder_fires_once(demo_store, monkeypatch):
    monkeypatch.setattr(reminders, "utcnow", lambda: datetime(2026, 11, 20, 6, 0))  # the fixture's 09:00 in Moscow
    link()
    run_action(ActionUtilitiesReminder(), make_tracker("напомни заплатить до 10-го", "utilities_reminder"))
    run_action(ActionUtilitiesReminder(), make_tracker("напоминай передавать показания", "utilities_reminder"))
    messages, events = reminder_due("pay")
    assert "пора оплатить" in texts(messages) and "показаний" not in texts(messages) and events == []
    assert reminder_due("pay") == ([], [])
    assert reminder_due(None) == ([], [])  # without its kind only what has come due is said: nothing yet


def test_setting_a_reminder_again_moves_it_instead_of_adding_another(demo_store):
    link()
    run_action(ActionUtilitiesReminder(), make_tracker("напомни заплатить до 10-го", "utilities_reminder"))
    _, (event,) = run_action(ActionUtilitiesReminder(), make_tracker("напомни заплатить до 25-го", "utilities_reminder"))
    assert event["date_time"].startswith("2026-11-24T10:00")
    with session_scope() as session:
        reminders = list(session.execute(select(UtilitiesReminder)).scalars())
        assert [(r.kind, r.status) for r in reminders] == [("pay", "active")]
        assert reminders[0].remind_at.isoformat().startswith("2026-11-24T07:00")  # naive UTC
    messages, _ = reminder_due("pay")
    assert texts(messages).count("пора оплатить") == 1
