from actions.core.preview import ActionServicePreview, preview_answer
from engine.testing import assembled_domain, button_titles, make_tracker, run_action, texts

OPERATOR_BUTTONS = [
    {"title": "Позвать оператора", "payload": "/human_handoff"},
    {"title": "Что ты умеешь?", "payload": "/help"},
]


def test_preview_answer_names_the_service_and_its_intent(preview_skill, packages):
    assert preview_answer(packages(), "soon_ask") == (
        "utter_preview_service",
        {"service": "Скоро", "task": "спросить"},
    )
    assert preview_answer(packages(), "greet") == ("utter_preview_unknown", {})


def test_preview_action_offers_the_operator_as_a_button(preview_skill, packages, monkeypatch):
    monkeypatch.setattr("actions.core.preview.served_packages", packages)
    messages, events = run_action(ActionServicePreview(), make_tracker("скоро вопрос", "soon_ask"))
    assert texts(messages) == (
        "Раздел «Скоро» пока готовится к запуску: спросить я ещё не умею. "
        "Могу передать ваш вопрос оператору — он ответит здесь же."
    )
    assert button_titles(messages) == ["Позвать оператора", "Что ты умеешь?"]
    assert assembled_domain()["responses"]["utter_preview_service"][0]["buttons"] == OPERATOR_BUTTONS
    assert events == []


def test_an_intent_of_no_preview_skill_gets_the_general_answer(preview_skill, packages, monkeypatch):
    monkeypatch.setattr("actions.core.preview.served_packages", packages)
    messages, _ = run_action(ActionServicePreview(), make_tracker("привет", "greet"))
    assert texts(messages) == "Этот раздел пока готовится к запуску. Могу передать ваш вопрос оператору."
    assert assembled_domain()["responses"]["utter_preview_unknown"][0]["buttons"] == OPERATOR_BUTTONS


def test_a_problem_a_served_skill_handles_goes_to_its_task_not_to_the_preview():
    tracker = make_tracker("на площадке сильно пахнет газом", "gov_appeal")
    messages, events = run_action(ActionServicePreview(), tracker)
    assert messages == []
    assert events[0]["name"] == "action_listen"
    assert events[1]["parse_data"]["intent"]["name"] == "utilities_report_problem"
    assert events[1]["parse_data"]["entities"] == [
        {"entity": "utilities_request_category", "value": "emergency"}
    ]
