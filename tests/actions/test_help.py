from actions.core.help import ActionHelp, help_answer
from engine.sdk import phrase
from engine.skills.discovery import core_package
from engine.testing import assembled_domain, make_tracker, run_action, texts

CORE_FEATURES = (
    "«мой профиль», «привяжи телефон» (один профиль для всех каналов), "
    "«отмена» — прервать любое действие, «позови оператора» — связаться с человеком."
)


def help_text(packages) -> str:
    domain = assembled_domain()
    response, values = help_answer(domain, packages)
    return phrase(domain, response, **values)


def test_help_lists_enabled_skills_from_manifests(make_skill, packages):
    make_skill("notes")
    assert help_text(packages()) == (
        "Вот с чем я могу помочь:\n"
        "• Notes — Что умеет навык «Notes» — одной фразой для жителя. Например: «notes заметка купить хлеб».\n"
        f"А ещё: {CORE_FEATURES}"
    )


def test_a_skill_without_examples_is_listed_without_one(make_skill, packages):
    root = make_skill("notes")
    manifest = root / "manifest.yml"
    manifest.write_text(
        "\n".join(
            line
            for line in manifest.read_text(encoding="utf-8").splitlines()
            if not line.startswith("examples:")
        ),
        encoding="utf-8",
    )
    assert "• Notes — Что умеет навык «Notes» — одной фразой для жителя.\n" in help_text(packages())


def test_help_without_skills_says_so():
    assert (
        help_text([core_package()]) == f"Городские услуги пока не подключены. Сейчас я умею:\n{CORE_FEATURES}"
    )


def test_help_names_preview_skills_as_coming(preview_skill, packages):
    assert help_text(packages()) == (
        "Городские услуги пока не подключены. Сейчас я умею:\n"
        "Готовятся к запуску: Скоро — пока с этим поможет оператор.\n"
        f"{CORE_FEATURES}"
    )


def test_help_action_answers_from_the_served_packages(make_skill, packages, monkeypatch):
    make_skill("notes")
    monkeypatch.setattr("actions.core.help.served_packages", packages)
    messages, events = run_action(ActionHelp(), make_tracker("что ты умеешь", "help"))
    assert [m["response"] for m in messages] == ["utter_help"]
    assert texts(messages).splitlines() == [
        "Вот с чем я могу помочь:",
        "• Notes — Что умеет навык «Notes» — одной фразой для жителя. Например: «notes заметка купить хлеб».",
        f"А ещё: {CORE_FEATURES}",
    ]
    assert events == []
