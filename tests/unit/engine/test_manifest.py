import pytest
import yaml

from engine.skills.manifest import ManifestError, load_manifest

VALID = {
    "name": "demo",
    "title": "Демо",
    "description": "Навык для примера.",
    "version": "1.0.0",
    "intents": {"demo_hello": "поздороваться"},
    "entities": ["demo_color"],
    "canonical_values": {"demo_color": {"values": {"red": ["красный", "алый"]}, "find_in_text": False}},
}


def write(tmp_path, content):
    path = tmp_path / "manifest.yml"
    path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    return path


def test_valid_manifest_is_read(tmp_path):
    manifest = load_manifest(write(tmp_path, VALID))
    assert manifest.intents == {"demo_hello": "поздороваться"}
    assert manifest.canonical_values["demo_color"].values == {"red": ("красный", "алый")}
    assert not manifest.canonical_values["demo_color"].find_in_text
    assert manifest.tables == ()
    assert manifest.preview is False


def test_preview_manifest_is_read(tmp_path):
    assert load_manifest(write(tmp_path, {**VALID, "preview": True})).preview is True


@pytest.mark.parametrize(
    "change, message",
    [
        ({"title": ""}, "'title' is required"),
        ({"name": "Bad-Name"}, "must be lower-case"),
        ({"intents": ["demo_hello"]}, "must map each intent to a short Russian title"),
        ({"actions": "action_x"}, "'actions' must be a list of names"),
        ({"slots": ["a", "a"]}, "lists a name twice"),
        ({"canonical_values": {"other": {"values": {"x": ["y"]}}}}, "an entity this skill does not own"),
        ({"canonical_values": {"demo_color": {"values": {"red": []}}}}, "needs a list of phrases"),
        ({"preview": "yes"}, "'preview' must be true or false"),
        ({"preview": True, "actions": ["action_demo"]}, "a preview skill has no dialogue yet"),
    ],
)
def test_invalid_manifests_say_why(tmp_path, change, message):
    with pytest.raises(ManifestError, match=message):
        load_manifest(write(tmp_path, {**VALID, **change}))


def test_unreadable_manifest(tmp_path):
    path = tmp_path / "manifest.yml"
    path.write_text("name: [unclosed", encoding="utf-8")
    with pytest.raises(ManifestError, match="cannot be read"):
        load_manifest(path)
