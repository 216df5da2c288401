"""`skill check` and `engine check` refuse skills that go around the SDK or write sentences in code."""

from pathlib import Path

import pytest

from engine.skills.layout import check_skill


def problems_of(packages, name: str) -> list:
    found = packages()
    return check_skill(next(p for p in found if p.name == name), found)


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


@pytest.mark.parametrize(
    "line, reason",
    [
        ("from engine import residents\n", "imports engine.residents: a skill uses only engine.sdk"),
        ("from engine.store.models import Resident\n", "imports engine.store.models"),
        ("import nlu.morphology\n", "imports nlu.morphology"),
        ("from skills.other import actions\n", "imports another skill (skills.other)"),
    ],
)
def test_an_import_around_the_sdk_is_refused(make_skill, packages, line, reason):
    make_skill("other")
    root = make_skill("rogue")
    append(root / "actions" / "__init__.py", line)
    assert any(reason in problem for problem in problems_of(packages, "rogue")), problems_of(
        packages, "rogue"
    )


def test_a_sentence_in_code_is_refused_with_its_line(make_skill, packages):
    root = make_skill("chatty")
    append(root / "actions" / "__init__.py", '\nGREETING = "Здравствуйте, чем помочь?"\n')
    problems = problems_of(packages, "chatty")
    assert any("actions/__init__.py:" in p and "Cyrillic string literal" in p for p in problems), problems


def test_engine_check_refuses_an_enabled_skill_that_goes_around_the_sdk(make_skill, tmp_path, capsys):
    from engine.checks import run_checks

    make_skill("tidy")
    root = make_skill("rogue")
    append(root / "actions" / "__init__.py", '\nfrom engine import residents\nHELLO = "Привет"\n')
    assert run_checks(tmp_path / "build") == 1
    printed = capsys.readouterr().out
    assert "imports engine.residents" in printed and "Cyrillic string literal" in printed
    assert "tidy" not in printed


def test_tests_may_keep_russian_and_use_engine_testing(make_skill, packages):
    root = make_skill("tested")
    append(
        root / "tests" / "test_tested_actions.py",
        '\nfrom engine.testing import texts\nEXPECTED = "Записал"\n',
    )
    assert problems_of(packages, "tested") == []


def test_a_response_used_but_not_defined_is_refused(make_skill, packages):
    root = make_skill("forgetful")
    append(
        root / "actions" / "__init__.py",
        '\n\ndef later(dispatcher):\n    dispatcher.utter_message(response="utter_forgetful_gone")\n',
    )
    assert any(
        "response 'utter_forgetful_gone'" in p and "is not defined" in p
        for p in problems_of(packages, "forgetful")
    )


def test_a_response_without_russian_text_is_refused(make_skill, packages):
    root = make_skill("english")
    domain = root / "domain.yml"
    domain.write_text(
        domain.read_text(encoding="utf-8").replace(
            "responses:\n", 'responses:\n  utter_english_hello:\n    - text: "Hello"\n'
        ),
        encoding="utf-8",
    )
    assert "response 'utter_english_hello': every variation needs Russian text" in problems_of(
        packages, "english"
    )


def test_missing_layout_parts_are_named(make_skill, packages):
    root = make_skill("bare")
    (root / "README.md").unlink()
    for story in (root / "tests" / "stories").glob("*.yml"):
        story.unlink()
    problems = problems_of(packages, "bare")
    assert "missing README.md" in problems and "tests/stories/ holds no .yml file" in problems


def test_a_second_migration_head_is_refused(make_skill, packages):
    root = make_skill("forked")
    (root / "migrations" / "forked_0002_other.py").write_text(
        'revision = "forked_0002"\ndown_revision = None\nbranch_labels = None\n', encoding="utf-8"
    )
    problems = problems_of(packages, "forked")
    assert any("one root revision expected" in p for p in problems), problems


def test_a_manifest_declares_parameters_with_bounds_and_words(make_skill, packages):
    from engine.skills.manifest import ManifestError, load_manifest

    root = make_skill("fees")
    manifest = root / "manifest.yml"
    good = manifest.read_text(encoding="utf-8") + (
        "parameters:\n  fee_percent:\n    title: сбор\n    unit: '%'\n    default: 5\n    min: 0\n    max: 20\n"
        "    words: [сбор, процент сбора]\n"
    )
    manifest.write_text(good, encoding="utf-8")
    (spec,) = load_manifest(manifest).parameters
    assert (spec.name, spec.skill, str(spec.default), spec.words) == (
        "fee_percent",
        "fees",
        "5",
        ("сбор", "процент сбора"),
    )
    manifest.write_text(good.replace("default: 5", "default: 50"), encoding="utf-8")
    with pytest.raises(ManifestError, match="between min and max"):
        load_manifest(manifest)
    manifest.write_text(good.replace("    words: [сбор, процент сбора]\n", ""), encoding="utf-8")
    with pytest.raises(ManifestError, match="title and a list of words"):
        load_manifest(manifest)


def test_two_skills_declaring_one_parameter_are_refused(make_skill, packages):
    from engine.skills.names import ownership_problems

    declaration = (
        "parameters:\n  fee:\n    title: сбор\n    default: 1\n    min: 0\n    max: 2\n    words: [сбор]\n"
    )
    for name in ("alpha", "beta"):
        manifest = make_skill(name) / "manifest.yml"
        manifest.write_text(manifest.read_text(encoding="utf-8") + declaration, encoding="utf-8")
    assert "parameter 'fee' is declared by both skill 'alpha' and skill 'beta'" in ownership_problems(
        packages()
    )
