from actions.core.cancel import ActionCancel, leave_form
from engine.testing import make_tracker, run_action, texts

FORM_DOMAIN = {"forms": {"profile_link_phone_form": {"required_slots": ["phone", "otp_code"]}}}


def test_cancel_leaves_the_active_form_and_clears_its_slots():
    tracker = make_tracker(
        "отмена", "cancel", active_loop="profile_link_phone_form", slots={"phone": "+79123456789"}
    )
    messages, events = run_action(ActionCancel(), tracker, FORM_DOMAIN)
    assert [m["response"] for m in messages] == ["utter_cancel_done"]
    assert texts(messages) == "Хорошо, отменил. Ничего не сохранено. Чем ещё могу помочь?"
    assert {"event": "active_loop", "name": None} in [
        {k: e.get(k) for k in ("event", "name")} for e in events
    ]
    cleared = {e["name"] for e in events if e["event"] == "slot" and e["value"] is None}
    assert cleared == {"requested_slot", "phone", "otp_code"}


def test_cancel_with_nothing_running_says_so():
    messages, events = run_action(ActionCancel(), make_tracker("отмена", "cancel"), FORM_DOMAIN)
    assert texts(messages) == "Сейчас нечего отменять. Чем могу помочь?"
    assert events == []


def test_leaving_a_form_the_domain_does_not_describe_clears_only_the_requested_slot():
    tracker = make_tracker("отмена", "cancel", active_loop="unknown_form")
    assert [(e["event"], e.get("name")) for e in leave_form(tracker, {})] == [
        ("active_loop", None),
        ("slot", "requested_slot"),
    ]
