from sqlalchemy import select

from actions.core.handoff import ActionHumanHandoff, handoff_reason, transcript_from_events
from engine.store import session_scope
from engine.store.models import AuditRecord, HandoffRequest
from engine.testing import make_tracker, run_action, texts

FORM_DOMAIN = {"forms": {"profile_link_phone_form": {"required_slots": ["phone", "otp_code"]}}}


def test_handoff_records_the_transcript(store):
    history = [
        {"event": "user", "text": "хочу оплатить", "timestamp": 1_700_000_000, "input_channel": "telegram"},
        {"event": "bot", "text": "Я не совсем понял.", "timestamp": 1_700_000_001},
    ]
    tracker = make_tracker(
        "позови оператора", "human_handoff", events=history, channel="telegram", sender_id="77"
    )
    messages, events = run_action(ActionHumanHandoff(), tracker)
    with session_scope() as session:
        request = session.execute(select(HandoffRequest)).scalar_one()
        audit = session.execute(select(AuditRecord.action)).scalars().all()
    assert texts(messages) == (
        f"Передал ваш вопрос оператору, номер обращения — {request.id}. "
        "Оператор ответит здесь же, в этом чате, в рабочее время (пн–пт, 9:00–18:00). "
        "Переписка сохранена, повторять ничего не нужно."
    )
    assert (
        request.channel == "telegram" and request.external_id == "77" and request.reason == "resident_asked"
    )
    assert [line["text"] for line in request.transcript] == [
        "хочу оплатить",
        "Я не совсем понял.",
        "позови оператора",
    ]
    assert audit == ["handoff_requested"]
    assert events == []


def test_handoff_during_a_form_leaves_it(store):
    tracker = make_tracker("оператора", "human_handoff", active_loop="profile_link_phone_form")
    _, events = run_action(ActionHumanHandoff(), tracker, FORM_DOMAIN)
    assert [(e["event"], e.get("name"), e.get("value")) for e in events] == [
        ("active_loop", None, None),
        ("slot", "requested_slot", None),
        ("slot", "phone", None),
        ("slot", "otp_code", None),
    ]


def test_a_handoff_without_the_intent_means_the_bot_was_stuck():
    assert handoff_reason(make_tracker("что-то", "nlu_fallback")) == "bot_stuck"
    assert handoff_reason(make_tracker("оператора", "human_handoff")) == "resident_asked"


def test_transcript_skips_events_without_text():
    events = [{"event": "action", "name": "x"}, {"event": "user", "text": "привет", "timestamp": 0}]
    assert transcript_from_events(events) == [
        {"speaker": "resident", "text": "привет", "time": "1970-01-01T00:00:00+00:00"}
    ]
