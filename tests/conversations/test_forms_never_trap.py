"""Every form of every served skill, through the real servers: no answer a resident gives inside a form is met with
what the bot says outside one («Хорошо. Чем могу помочь?» followed by the form's question again), and «отмена»
always leaves it.

Each form is started the way its rule starts it (the intent's button payload, so the model's reading of a start
message does not matter), after what a skill's `tests/forms.yml` says a resident does first (link an account,
place an order), then answered with «да», «нет», a value of another kind and an unrelated question.
"""

from __future__ import annotations

import uuid
from typing import Dict, List, Optional, Tuple

import pytest
import yaml

from engine.skills.discovery import enabled_packages
from engine.testing import assembled_domain
from tests.conversations.conftest import Assistant

# Replies that mean "no form is asking": said while a form is still active, they trap the resident.
OUTSIDE_A_FORM = {
    "utter_nothing_to_confirm",
    "utter_ok_anything_else",
    "utter_offer_declined",
    "utter_inform_without_task",
    "utter_which_task_for_value",
    "utter_skill_error",
}
ANSWERS = ("да", "нет", "в 10 утра", "ул. Ленина, 15, кв. 3", "какая сегодня погода", "ну не знаю")


def form_starts() -> Dict[str, str]:
    """form -> the intent whose rule starts it, from the served packages' rules."""
    starts: Dict[str, str] = {}
    for package in enabled_packages():
        for path in sorted(package.data_dir.glob("*.yml")):
            for rule in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("rules") or []:
                steps = rule.get("steps") or []
                if (
                    len(steps) >= 2
                    and "intent" in steps[0]
                    and "action" in steps[1]
                    and not rule.get("condition")
                ):
                    action = steps[1]["action"]
                    if action.endswith("_form") and not steps[0].get("entities"):
                        starts.setdefault(action, steps[0]["intent"])
    return starts


def form_setups() -> Tuple[Dict[str, List[str]], Dict[str, str]]:
    """form -> what a new resident sends before the form has anything to ask, and form -> the phone the resident
    has confirmed before the first message, if the skill names one (a skill's `tests/forms.yml`)."""
    setups: Dict[str, List[str]] = {}
    phones: Dict[str, str] = {}
    for package in enabled_packages():
        path = package.tests_dir / "forms.yml"
        if path.exists():
            content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for form, messages in (content.get("forms") or {}).items():
                setups[form] = [str(m) for m in messages]
                if content.get("verified_phone"):
                    phones[form] = str(content["verified_phone"])
    return setups, phones


FORMS = form_starts()
SETUPS, PHONES = form_setups()


def active_form(assistant: Assistant, sender: str) -> Optional[str]:
    return (assistant.tracker(sender).get("active_loop") or {}).get("name")


def test_every_form_can_be_started_by_a_rule():
    assert sorted(assembled_domain()["forms"]) == sorted(FORMS)


@pytest.mark.slow
@pytest.mark.parametrize("form", sorted(FORMS))
@pytest.mark.parametrize("answer", ANSWERS)
def test_an_answer_inside_a_form_is_never_met_as_outside_one(assistant: Assistant, form: str, answer: str):
    assistant.restore()
    sender = f"form-{uuid.uuid4().hex[:10]}"
    if form in PHONES:
        assistant.confirm_phone(sender, PHONES[form])
    for message in [*SETUPS.get(form, []), f"/{FORMS[form]}"]:
        assistant.turn(sender, message)
    if active_form(assistant, sender) != form:
        pytest.skip(
            f"{form} ends at once for this resident (it needs data no resident can make: see forms.yml)"
        )
    transcript: List[str] = []
    for _ in range(2):  # the same answer twice: the second meets the form's own re-asking
        said = assistant.turn(sender, answer)
        transcript += [
            f"> {answer}",
            *(f"< [{n}] {t}" for n, t in zip(said.responses, said.texts, strict=True)),
        ]
        assert said.texts, "\n".join(transcript)
        still_inside = active_form(assistant, sender) == form
        trapped = sorted(OUTSIDE_A_FORM & {n for n in said.responses if n})
        assert not (still_inside and trapped), "\n".join(transcript)
        if not still_inside:
            return
    said = assistant.turn(sender, "отмена")
    transcript += ["> отмена", *said.texts]
    # left, with the cancel's answer or, at a confirmation, the form's own "not done"
    assert active_form(assistant, sender) is None, "\n".join(transcript)
    assert said.texts and "utter_skill_error" not in said.responses, "\n".join(transcript)
