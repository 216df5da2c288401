"""A free-text answer the model read as a yes or a no (engine.sdk.answers)."""

import pytest
from rasa_sdk.forms import FormValidationAction

from engine.sdk import TextAnswers, only_yes_or_no
from engine.sdk.answers import excluded_yes_no, misread_answer
from engine.skills.discovery import enabled_packages
from engine.skills.loader import load_actions
from engine.testing import assembled_domain, make_tracker, run_action, slot_events

FORM = "pet_form"
ASKED = {"requested_slot": "pet_name"}
DOMAIN = {
    "forms": {FORM: {"required_slots": ["pet_name", "pet_note", "pet_title"]}},
    "slots": {
        "pet_name": {
            "mappings": [
                {
                    "type": "from_text",
                    "not_intent": ["cancel", "affirm", "deny"],
                    "conditions": [{"active_loop": FORM, "requested_slot": "pet_name"}],
                }
            ]
        },
        # excludes only deny: "no" may start a note, a yes is the note itself
        "pet_note": {
            "mappings": [
                {
                    "type": "from_text",
                    "not_intent": ["deny"],
                    "conditions": [{"active_loop": FORM, "requested_slot": "pet_note"}],
                }
            ]
        },
        # the mapping takes any intent: nothing to add
        "pet_title": {"mappings": [{"type": "from_text", "not_intent": ["cancel"]}]},
    },
}


class ValidatePetForm(TextAnswers, FormValidationAction):
    def name(self) -> str:
        return "validate_pet_form"

    def validate_pet_name(self, slot_value, dispatcher, tracker, domain):
        return {"pet_name": str(slot_value).title()}


@pytest.mark.parametrize(
    "text, only",
    [
        ("да", True),
        ("Да!", True),
        ("ну да", True),
        ("нет, спасибо", True),
        ("не надо", True),
        ("ок", True),
        ("маша", False),
        ("нет воды третий день", False),  # a description that starts with a no
        ("да, садовая 5", False),
        ("", False),
    ],
)
def test_a_message_of_only_yes_or_no(text, only):
    assert only_yes_or_no(text) is only


def test_the_intents_a_mapping_excludes_are_read_for_the_form_that_asks():
    assert excluded_yes_no(DOMAIN, "pet_name", FORM) == ["affirm", "deny"]
    assert excluded_yes_no(DOMAIN, "pet_name", "other_form") == []
    assert excluded_yes_no(DOMAIN, "pet_note", FORM) == ["deny"]
    assert excluded_yes_no(DOMAIN, "pet_title", FORM) == []
    assert excluded_yes_no(DOMAIN, "unknown_slot", FORM) == []


@pytest.mark.parametrize(
    "text, intent, slots, answer",
    [
        ("Барсик", "affirm", ASKED, {"pet_name": "Барсик"}),
        ("барсик", "deny", ASKED, {"pet_name": "барсик"}),
        ("да", "affirm", ASKED, {}),  # a real yes is no name
        ("нет, спасибо", "deny", ASKED, {}),
        ("/affirm", "affirm", ASKED, {}),  # a button's payload
        ("Барсик", "inform", ASKED, {}),  # the mapping took it already
        ("Барсик", "affirm", {}, {}),  # nothing asked
        ("хороший был день", "affirm", {"requested_slot": "pet_note"}, {}),  # the note's mapping takes a yes
        ("нет воды", "deny", {"requested_slot": "pet_note"}, {"pet_note": "нет воды"}),
    ],
)
def test_an_answer_read_as_yes_or_no_is_taken_only_where_the_mapping_refused_it(text, intent, slots, answer):
    tracker = make_tracker(text, intent, slots=slots, active_loop=FORM)
    assert misread_answer(tracker, DOMAIN) == answer


def test_the_form_validates_the_misread_answer_like_any_other():
    tracker = make_tracker("барсик", "affirm", slots=ASKED, active_loop=FORM)
    _, events = run_action(ValidatePetForm(), tracker, DOMAIN)
    assert slot_events(events)["pet_name"] == "Барсик"

    tracker = make_tracker("да", "affirm", slots=ASKED, active_loop=FORM)
    _, events = run_action(ValidatePetForm(), tracker, DOMAIN)
    assert "pet_name" not in slot_events(events)


def test_every_form_with_a_free_text_slot_that_refuses_yes_or_no_takes_misread_answers():
    """A skill's form whose `from_text` answer excludes affirm or deny mixes in TextAnswers, so that a name or an
    address the model read as a yes still answers it (a skill added later is held to it too)."""
    domain = assembled_domain()
    actions = {name: action for name, (_, action) in load_actions(enabled_packages()).items()}
    missing = [
        f"{form}: {slot}"
        for form, spec in domain["forms"].items()
        for slot in spec.get("required_slots") or []
        if excluded_yes_no(domain, slot, form)
        and not issubclass(actions.get(f"validate_{form}", object), TextAnswers)
    ]
    assert missing == []
