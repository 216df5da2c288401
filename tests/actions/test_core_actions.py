from sqlalchemy import select

from actions.core.cancel import ActionCancel
from actions.core.fallback import ActionClarifyIntent, candidate_buttons, misses_in_a_row
from actions.core.handoff import ActionHumanHandoff, transcript_from_events
from actions.core.help import ActionHelp, help_text
from actions.core.preview import ActionServicePreview, preview_text
from actions.core.profile import ActionProfileShow
from engine.skills.loader import served_packages
from engine.skills.discovery import core_package
from engine.store import session_scope
from engine.store.models import AuditRecord, HandoffRequest
from engine.testing import make_tracker, run_action

FORM_DOMAIN = {"forms": {"profile_link_phone_form": {"required_slots": ["phone", "otp_code"]}}}


def test_cancel_leaves_the_active_form_and_clears_its_slots():
    tracker = make_tracker("отмена", "cancel", active_loop="profile_link_phone_form", slots={"phone": "+79123456789"})
    messages, events = run_action(ActionCancel(), tracker, FORM_DOMAIN)
    assert messages[0]["text"].startswith("Хорошо, отменил")
    assert {"event": "active_loop", "name": None} in [{k: e.get(k) for k in ("event", "name")} for e in events]
    cleared = {e["name"] for e in events if e["event"] == "slot" and e["value"] is None}
    assert cleared == {"requested_slot", "phone", "otp_code"}


def test_cancel_with_nothing_running_says_so():
    messages, events = run_action(ActionCancel(), make_tracker("отмена", "cancel"), FORM_DOMAIN)
    assert messages[0]["text"].startswith("Сейчас нечего отменять") and events == []


def test_handoff_records_the_transcript(store):
    history = [
        {"event": "user", "text": "хочу оплатить", "timestamp": 1_700_000_000, "input_channel": "telegram"},
        {"event": "bot", "text": "Я не совсем понял.", "timestamp": 1_700_000_001},
    ]
    tracker = make_tracker("позови оператора", "human_handoff", events=history, channel="telegram", sender_id="77")
    messages, _ = run_action(ActionHumanHandoff(), tracker)
    with session_scope() as session:
        request = session.execute(select(HandoffRequest)).scalar_one()
        audit = session.execute(select(AuditRecord.action)).scalars().all()
    assert f"номер обращения — {request.id}" in messages[0]["text"]
    assert request.channel == "telegram" and request.external_id == "77" and request.reason == "resident_asked"
    assert [line["text"] for line in request.transcript] == ["хочу оплатить", "Я не совсем понял.", "позови оператора"]
    assert audit == ["handoff_requested"]


def test_handoff_during_a_form_leaves_it(store):
    tracker = make_tracker("оператора", "human_handoff", active_loop="profile_link_phone_form")
    _, events = run_action(ActionHumanHandoff(), tracker, FORM_DOMAIN)
    assert any(e["event"] == "active_loop" and e["name"] is None for e in events)


def test_transcript_skips_events_without_text():
    events = [{"event": "action", "name": "x"}, {"event": "user", "text": "привет", "timestamp": 0}]
    assert transcript_from_events(events) == [{"speaker": "resident", "text": "привет", "time": "1970-01-01T00:00:00+00:00"}]


def test_help_lists_enabled_skills_from_manifests(make_skill, packages):
    make_skill("notes")
    text = help_text(packages())
    assert "• Notes — Что умеет навык «Notes»" in text and "«notes заметка купить хлеб»" in text
    assert "позови оператора" in text


def test_help_without_skills_says_so():
    text = help_text([core_package()])
    assert text.startswith("Городские услуги пока не подключены") and "А ещё" not in text


def test_help_names_preview_skills_as_coming(preview_skill, packages):
    text = help_text(packages())
    assert "Готовятся к запуску: Скоро — пока с этим поможет оператор." in text
    assert "• Скоро" not in text


def test_preview_answer_names_the_service_and_offers_an_operator(preview_skill, packages):
    assert preview_text(packages(), "soon_ask").startswith("Раздел «Скоро» пока готовится к запуску: спросить")
    assert "оператору" in preview_text(packages(), "greet")


def test_preview_action_offers_the_operator_as_a_button():
    messages, events = run_action(ActionServicePreview(), make_tracker("вызови такси", "transport_order_ride"))
    assert {"title": "Позвать оператора", "payload": "/human_handoff"} in messages[0]["buttons"]
    assert events == []


def test_help_action_answers_from_the_served_packages():
    messages, _ = run_action(ActionHelp(), make_tracker("что ты умеешь", "help"))
    assert messages[0]["text"] == help_text(list(served_packages()))


def test_clarification_offers_the_two_likeliest_intents_with_entities():
    latest = {
        "intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.4},
            {"name": "affirm", "confidence": 0.3},
            {"name": "profile_show", "confidence": 0.2},
            {"name": "human_handoff", "confidence": 0.1},
            {"name": "greet", "confidence": 0.05},
        ],
        "entities": [{"entity": "phone", "value": "+79123456789"}],
    }
    titles = {"profile_show": "посмотреть свой профиль", "human_handoff": "позвать оператора", "greet": "поздороваться"}
    assert candidate_buttons(latest, titles) == [
        {"title": "Посмотреть свой профиль", "payload": '/profile_show{"phone": "+79123456789"}'},
        {"title": "Позвать оператора", "payload": '/human_handoff{"phone": "+79123456789"}'},
    ]


def _fallback_event(text: str) -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": "nlu_fallback"}}}


def test_second_miss_in_a_row_offers_an_operator():
    ranking = [{"name": "nlu_fallback"}, {"name": "profile_show"}, {"name": "help"}]
    first = make_tracker("абв", "nlu_fallback", intent_ranking=ranking)
    messages, _ = run_action(ActionClarifyIntent(), first)
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/profile_show", "/help"]
    second = make_tracker("где", "nlu_fallback", intent_ranking=ranking, events=[_fallback_event("абв")])
    assert misses_in_a_row(second) == 2
    messages, _ = run_action(ActionClarifyIntent(), second)
    assert messages[0]["buttons"][0]["payload"] == "/human_handoff"


def test_profile_of_a_new_resident(store):
    messages, _ = run_action(ActionProfileShow(), make_tracker("мой профиль", "profile_show", channel="telegram"))
    text = messages[0]["text"]
    assert "телефон: не привязан" in text and "Telegram" in text
