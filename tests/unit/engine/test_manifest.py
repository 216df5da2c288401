import pytest
import yaml

from engine.skills.manifest import ManifestError, load_manifest

VALID = {
    "name": "demo",
    "title": "Демо",
    "description": "Навык для примера.",
    "version": "1.0.0",
    "prefix": "demo",
    "intents": {"demo_hello": "поздороваться"},
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
    assert manifest.prefix == "demo"
    assert manifest.preview is False


def test_preview_manifest_is_read(tmp_path):
    assert load_manifest(write(tmp_path, {**VALID, "preview": True})).preview is True


@pytest.mark.parametrize(
    "change, message",
    [
        ({"title": ""}, "'title' is required"),
        ({"name": "Bad-Name"}, "must be lower-case"),
        ({"intents": ["demo_hello"]}, "must map each intent to a short Russian title"),
        ({"tables": "demo_x"}, "'tables' must be a list of names"),
        ({"tables": ["demo_a", "demo_a"]}, "lists a name twice"),
        ({"canonical_values": {"demo_color": {"values": {"red": []}}}}, "needs a list of phrases"),
        ({"preview": "yes"}, "'preview' must be true or false"),
        ({"prefix": "Demo-"}, "'prefix' is required"),
        (
            {"actions": ["action_demo"]},
            r"unknown keys \['actions'\] \(slots, responses, actions and forms are declared in domain.yml\)",
        ),
        ({"slots": ["demo_a"]}, r"unknown keys \['slots'\]"),
    ],
)
def test_invalid_manifests_say_why(tmp_path, change, message):
    with pytest.raises(ManifestError, match=message):
        load_manifest(write(tmp_path, {**VALID, **change}))


def test_a_skill_needs_a_prefix(tmp_path):
    without = {k: v for k, v in VALID.items() if k != "prefix"}
    with pytest.raises(ManifestError, match="'prefix' is required"):
        load_manifest(write(tmp_path, without))


def test_unreadable_manifest(tmp_path):
    path = tmp_path / "manifest.yml"
    path.write_text("name: [unclosed", encoding="utf-8")
    with pytest.raises(ManifestError, match="cannot be read"):
        load_manifest(path)


def test_bare_values_and_problems_are_read(tmp_path):
    manifest = load_manifest(
        write(
            tmp_path,
            {
                **VALID,
                "bare_values": {"demo_color": ["demo_hello"]},
                "problems": {"demo_color": {"red": ["покраснело небо"]}},
                "urgent_problems": {"demo_color": ["red"]},
            },
        )
    )
    assert manifest.bare_values == {"demo_color": ("demo_hello",)}
    assert manifest.problems == {"demo_color": {"red": ("покраснело небо",)}}
    assert manifest.urgent_problems == {"demo_color": ("red",)}


@pytest.mark.parametrize(
    "change, message",
    [
        ({"bare_values": {"demo_color": ["market_search"]}}, "names intents the manifest does not list"),
        ({"bare_values": ["demo_hello"]}, "'bare_values' must map an entity"),
        ({"problems": {"colour": {"red": ["x"]}}}, "the entity needs canonical_values in this manifest"),
        ({"problems": {"demo_color": {"blue": ["синее"]}}}, "is not a canonical value"),
        ({"problems": {"demo_color": {"red": []}}}, "needs a list of phrases"),
        ({"urgent_problems": ["red"]}, "'urgent_problems' must map an entity"),
        ({"urgent_problems": {"demo_color": ["red"]}}, "red has no problems in this manifest"),
        (
            {"problems": {"demo_color": {"red": ["x"]}}, "urgent_problems": {"demo_color": []}},
            "needs a list of canonical values",
        ),
    ],
)
def test_bare_values_and_problems_name_what_the_skill_owns(tmp_path, change, message):
    with pytest.raises(ManifestError, match=message):
        load_manifest(write(tmp_path, {**VALID, **change}))


def test_gazetteers_name_the_places_of_their_files(tmp_path):
    (tmp_path / "places.yml").write_text(
        yaml.safe_dump(
            {
                "streets": {"lenina": {"title": "ул. Ленина", "names": ["Ленина"], "houses": [1, 150]}},
                "landmarks": [
                    {"aliases": ["вокзал", "ж/д вокзал"], "categories": ["вокзал"]},
                    {"aliases": [" рынок "], "at": [56.8, 53.2]},
                ],
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    manifest = load_manifest(write(tmp_path, {**VALID, "gazetteers": {"location": "places.yml"}}))
    assert manifest.gazetteers == {"location": ("вокзал", "ж/д вокзал", "рынок", "Ленина")}
    assert load_manifest(write(tmp_path, VALID)).gazetteers == {}


@pytest.mark.parametrize(
    "gazetteers, places, message",
    [
        ({"location": "missing.yml"}, None, "missing.yml cannot be read"),
        ({"location": "places.yml"}, {"streets": {"x": {"title": "ул. Ленина"}}}, "names no place"),
        (["places.yml"], None, "must map an entity to a YAML file"),
    ],
)
def test_a_gazetteer_that_names_nothing_is_refused(tmp_path, gazetteers, places, message):
    if places is not None:
        (tmp_path / "places.yml").write_text(yaml.safe_dump(places, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ManifestError, match=message):
        load_manifest(write(tmp_path, {**VALID, "gazetteers": gazetteers}))


def test_numbered_maps_the_skills_intents_to_an_entity(tmp_path):
    manifest = load_manifest(write(tmp_path, {**VALID, "numbered": {"demo_hello": "order_id"}}))
    assert manifest.numbered == {"demo_hello": "order_id"}
    assert load_manifest(write(tmp_path, VALID)).numbered == {}


@pytest.mark.parametrize(
    "numbered, message",
    [
        ({"other_intent": "order_id"}, "numbered names intents the manifest does not list"),
        ({"demo_hello": ""}, "'numbered' must map an intent of the skill to an entity"),
        (["demo_hello"], "'numbered' must map an intent of the skill to an entity"),
    ],
)
def test_a_wrong_numbered_is_refused(tmp_path, numbered, message):
    with pytest.raises(ManifestError, match=message):
        load_manifest(write(tmp_path, {**VALID, "numbered": numbered}))


def test_find_in_text_may_name_the_skills_intents(tmp_path):
    def color(where):
        return {"demo_color": {"values": {"red": ["красный"]}, "find_in_text": where}}

    manifest = load_manifest(write(tmp_path, {**VALID, "canonical_values": color(["demo_hello"])}))
    assert manifest.canonical_values["demo_color"].find_in_text == ("demo_hello",)
    for wrong in (["other_intent"], [], "yes"):
        with pytest.raises(
            ManifestError, match="find_in_text must be true, false or a list of the skill's intents"
        ):
            load_manifest(write(tmp_path, {**VALID, "canonical_values": color(wrong)}))
