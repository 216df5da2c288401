from pathlib import Path
from typing import Callable

import pytest
import yaml

from engine.build import BuildError, build


def edit_yaml(path: Path, change: Callable[[dict], None]) -> None:
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(content)
    path.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_core_and_skill_are_assembled(make_skill, packages, tmp_path):
    make_skill("notes")
    output = build(packages(), tmp_path / "build")
    domain = yaml.safe_load(output.domain.read_text(encoding="utf-8"))
    assert "greet" in domain["intents"] and "notes_note" in domain["intents"]
    assert "action_notes_note" in domain["actions"]
    assert (output.data / "notes" / "nlu.yml").is_file()
    assert (output.test_stories / "notes" / "test_stories.yml").is_file()
    assert output.packages == ("core", "notes")


def generated_rules_of(output) -> list:
    return yaml.safe_load((output.data / "generated" / "rules.yml").read_text(encoding="utf-8"))["rules"]


def test_every_form_gets_cancel_and_operator_rules(packages, tmp_path):
    output = build(packages(), tmp_path / "build")
    rules = generated_rules_of(output)
    cancel = next(r for r in rules if r["rule"].startswith("cancel leaves profile_link_phone_form"))
    assert cancel["condition"] == [{"active_loop": "profile_link_phone_form"}]
    assert cancel["steps"] == [{"intent": "cancel"}, {"action": "action_cancel"}, {"active_loop": None}]


def test_intents_of_a_preview_skill_are_answered_by_the_preview_action(preview_skill, packages, tmp_path):
    output = build(packages(), tmp_path / "build")
    rules = [r for r in generated_rules_of(output) if "preview" in r["rule"]]
    assert rules == [
        {
            "rule": "soon_ask of a preview skill (generated)",
            "steps": [{"intent": "soon_ask"}, {"action": "action_service_preview"}],
        }
    ]


@pytest.mark.parametrize(
    "kind, add",
    [
        (
            "intent",
            lambda m, d: (
                m["intents"].update({"shared_intent": "общий"}),
                d.setdefault("intents", []).append("shared_intent"),
            ),
        ),
        ("action", lambda m, d: d.setdefault("actions", []).append("action_shared")),
        (
            "slot",
            lambda m, d: d.setdefault("slots", {}).update({"shared_slot": {"type": "any", "mappings": []}}),
        ),
        (
            "response",
            lambda m, d: d.setdefault("responses", {}).update({"utter_shared": [{"text": "общий ответ"}]}),
        ),
    ],
)
def test_a_name_owned_by_two_skills_fails_naming_both(make_skill, packages, tmp_path, kind, add):
    for name in ("alpha", "beta"):
        root = make_skill(name)
        manifest = yaml.safe_load((root / "manifest.yml").read_text(encoding="utf-8"))
        domain = yaml.safe_load((root / "domain.yml").read_text(encoding="utf-8"))
        add(manifest, domain)
        (root / "manifest.yml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
        (root / "domain.yml").write_text(yaml.safe_dump(domain, allow_unicode=True), encoding="utf-8")
    with pytest.raises(BuildError, match=rf"{kind} '\w+' is owned by both skill 'alpha' and skill 'beta'"):
        build(packages(), tmp_path / "build")


def test_a_skill_may_not_take_a_core_name(make_skill, packages, tmp_path):
    root = make_skill("rogue")
    edit_yaml(root / "domain.yml", lambda d: d["responses"].update({"utter_greet": [{"text": "привет"}]}))
    with pytest.raises(
        BuildError, match="response 'utter_greet' is owned by both skill 'core' and skill 'rogue'"
    ):
        build(packages(), tmp_path / "build")


def test_a_table_owned_by_two_skills_fails(make_skill, packages, tmp_path):
    make_skill("alpha")
    root = make_skill("beta")
    edit_yaml(root / "manifest.yml", lambda m: m["tables"].append("alpha_notes"))
    with pytest.raises(
        BuildError, match="table 'alpha_notes' is owned by both skill 'alpha' and skill 'beta'"
    ):
        build(packages(), tmp_path / "build")


def test_an_intent_without_a_title_fails(make_skill, packages, tmp_path):
    root = make_skill("sneaky")
    edit_yaml(root / "domain.yml", lambda d: d["intents"].append("sneaky_extra"))
    with pytest.raises(
        BuildError, match=r"skill 'sneaky': manifest.yml gives no Russian title to intents \['sneaky_extra'\]"
    ):
        build(packages(), tmp_path / "build")


def test_a_title_for_an_intent_the_domain_lacks_fails(make_skill, packages, tmp_path):
    root = make_skill("empty")
    edit_yaml(root / "manifest.yml", lambda m: m["intents"].update({"empty_missing": "нет такого"}))
    with pytest.raises(
        BuildError, match=r"titles intents \['empty_missing'\] that domain.yml does not define"
    ):
        build(packages(), tmp_path / "build")


@pytest.mark.parametrize(
    "kind, add",
    [
        ("actions", lambda d: d["actions"].append("action_elsewhere")),
        ("responses", lambda d: d["responses"].update({"utter_elsewhere": [{"text": "где-то"}]})),
        ("slots", lambda d: d.setdefault("slots", {}).update({"elsewhere": {"type": "any", "mappings": []}})),
        ("entities", lambda d: d.setdefault("entities", []).append("color")),
    ],
)
def test_a_name_without_the_skill_prefix_fails(make_skill, packages, tmp_path, kind, add):
    root = make_skill("tidy")
    edit_yaml(root / "domain.yml", add)
    with pytest.raises(BuildError, match=rf"skill 'tidy': {kind} \['\w+'\] lack the skill's prefix 'tidy_'"):
        build(packages(), tmp_path / "build")


def test_a_contract_entity_needs_no_prefix_but_a_slot_of_that_name_does(make_skill, packages, tmp_path):
    root = make_skill("meters")
    edit_yaml(root / "manifest.yml", lambda m: m.update({"contract_entities": ["reading"]}))
    edit_yaml(root / "domain.yml", lambda d: d.update({"entities": ["reading"]}))
    assert "meters" in build(packages(), tmp_path / "one").packages
    edit_yaml(
        root / "domain.yml", lambda d: d.update({"slots": {"reading": {"type": "any", "mappings": []}}})
    )
    with pytest.raises(BuildError, match=r"slots \['reading'\] lack the skill's prefix"):
        build(packages(), tmp_path / "two")


def test_a_preview_skill_may_not_have_dialogue(preview_skill, packages, tmp_path):
    edit_yaml(preview_skill / "domain.yml", lambda d: d.update({"actions": ["action_soon_answer"]}))
    with pytest.raises(BuildError, match="a preview skill has no dialogue yet: no actions"):
        build(packages(), tmp_path / "build")


def test_declared_tables_must_match_the_models(make_skill, packages, tmp_path):
    root = make_skill("tables")
    edit_yaml(root / "manifest.yml", lambda m: m["tables"].append("tables_missing"))
    with pytest.raises(BuildError, match="declares tables"):
        build(packages(), tmp_path / "build")


def test_an_intent_without_enough_examples_fails(make_skill, packages, tmp_path):
    root = make_skill("thin")
    nlu = root / "data" / "nlu.yml"
    lines = nlu.read_text(encoding="utf-8").splitlines()
    nlu.write_text("\n".join(lines[:-3]) + "\n", encoding="utf-8")
    with pytest.raises(BuildError, match="fewer than 5 training examples: thin_note"):
        build(packages(), tmp_path / "build")


@pytest.mark.parametrize("split", ["nlu", "nlu_apart"])
def test_a_held_out_example_that_is_also_trained_on_fails(make_skill, packages, tmp_path, split):
    root = make_skill("leaky")
    holdout = root / "tests" / split / "holdout.yml"
    holdout.parent.mkdir(exist_ok=True)
    if not holdout.exists():
        holdout.write_text(
            (root / "tests" / "nlu" / "holdout.yml").read_text(encoding="utf-8"), encoding="utf-8"
        )
    # The same message with other case, ё, punctuation and entity markup is still the same message.
    holdout.write_text(
        holdout.read_text(encoding="utf-8") + "      - Leaky, запиши заметку: позвонить [маме](person)!\n",
        encoding="utf-8",
    )
    with pytest.raises(
        BuildError, match=r"also in the training data:\n  .*holdout\.yml: Leaky, запиши заметку"
    ):
        build(packages(), tmp_path / "build")


def test_both_held_out_splits_are_assembled_apart(make_skill, packages, tmp_path):
    root = make_skill("split")
    apart = root / "tests" / "nlu_apart" / "holdout_apart.yml"
    apart.parent.mkdir()
    apart.write_text(
        'version: "3.1"\nnlu:\n- intent: split_note\n  examples: |\n    - черкни себе в блокнот купить хлеб\n',
        encoding="utf-8",
    )
    output = build(packages(), tmp_path / "build")
    assert (output.nlu_apart / "split" / "holdout_apart.yml").read_text(encoding="utf-8") == apart.read_text(
        encoding="utf-8"
    )
    assert not list(output.nlu_holdout.rglob("holdout_apart.yml"))


def test_fingerprint_follows_the_training_data(make_skill, packages, tmp_path):
    root = make_skill("prints")
    first = build(packages(), tmp_path / "one").fingerprint
    assert build(packages(), tmp_path / "two").fingerprint == first
    nlu = root / "data" / "nlu.yml"
    nlu.write_text(nlu.read_text(encoding="utf-8") + "      - prints заметка ещё одна\n", encoding="utf-8")
    assert build(packages(), tmp_path / "three").fingerprint != first


def test_canonical_values_are_collected(make_skill, packages, tmp_path):
    root = make_skill("colors")

    edit_yaml(
        root / "manifest.yml",
        lambda m: m.update({"canonical_values": {"colors_tone": {"values": {"red": ["красный"]}}}}),
    )
    with pytest.raises(
        BuildError, match="canonical_values for 'colors_tone', an entity this skill does not own"
    ):
        build(packages(), tmp_path / "unowned")
    edit_yaml(root / "domain.yml", lambda d: d.update({"entities": ["colors_tone"]}))
    output = build(packages(), tmp_path / "build")
    vocabulary = yaml.safe_load(output.canonical_values.read_text(encoding="utf-8"))
    assert vocabulary["colors_tone"] == {"find_in_text": True, "values": {"red": ["красный"]}}


def test_gazetteers_are_collected_and_retrain_the_model(make_skill, packages, tmp_path):
    root = make_skill("towns")
    plain = build(packages(), tmp_path / "plain")
    assert yaml.safe_load((plain.root / "gazetteers.yml").read_text(encoding="utf-8")) == {}
    (root / "places.yml").write_text("landmarks:\n  - aliases: [рынок, базар]\n", encoding="utf-8")
    edit_yaml(root / "manifest.yml", lambda m: m.update({"gazetteers": {"towns_place": "places.yml"}}))
    with pytest.raises(BuildError, match="gazetteers for 'towns_place', an entity no domain defines"):
        build(packages(), tmp_path / "unknown")
    edit_yaml(root / "manifest.yml", lambda m: m.update({"gazetteers": {"location": "places.yml"}}))
    output = build(packages(), tmp_path / "build")
    assert yaml.safe_load((output.root / "gazetteers.yml").read_text(encoding="utf-8")) == {
        "location": ["базар", "рынок"]
    }
    assert output.fingerprint != plain.fingerprint


def test_numbered_intents_are_collected_and_retrain_the_model(make_skill, packages, tmp_path):
    root = make_skill("towns")
    plain = build(packages(), tmp_path / "plain")
    intent = next(iter(yaml.safe_load((root / "manifest.yml").read_text(encoding="utf-8"))["intents"]))
    edit_yaml(root / "manifest.yml", lambda m: m.update({"numbered": {intent: "towns_number"}}))
    with pytest.raises(BuildError, match=f"numbered {intent}: 'towns_number', an entity no domain defines"):
        build(packages(), tmp_path / "unknown")
    edit_yaml(root / "manifest.yml", lambda m: m.update({"numbered": {intent: "location"}}))
    output = build(packages(), tmp_path / "build")
    assert yaml.safe_load((output.root / "numbered.yml").read_text(encoding="utf-8")) == {intent: "location"}
    assert output.fingerprint != plain.fingerprint
