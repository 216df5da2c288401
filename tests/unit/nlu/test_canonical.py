import pytest
from rasa.shared.nlu.training_data.message import Message

from nlu.canonical import CanonicalEntityNormalizer, words_match

VOCABULARY = {
    "service_category": {
        "find_in_text": True,
        "values": {
            "plumber": ["сантехник", "водопроводчик"],
            "cleaning": ["уборка", "клининг", "убраться"],
            "electrician": ["электрик"],
        },
    },
    "meter_type": {
        "find_in_text": True,
        "values": {
            "cold_water": ["холодная вода", "хвс"],
            "hot_water": ["горячая вода", "гвс"],
            "electricity": ["свет"],
        },
    },
    "vote_choice": {"find_in_text": False, "values": {"for": ["за"], "against": ["против"]}},
}


@pytest.fixture(scope="module")
def normalizer():
    return CanonicalEntityNormalizer({"vocabulary": ""}, VOCABULARY, None, None)


def parse(normalizer, text, entities=()):
    message = Message(data={"text": text, "entities": list(entities)})
    normalizer.process([message])
    return [(e["entity"], text[e["start"] : e["end"]], e["value"]) for e in message.get("entities")]


@pytest.mark.parametrize(
    "form", ["сантехник", "сантехника", "сантехнику", "сантехников", "Сантехниками", "сантехнека"]
)
def test_every_form_of_a_word_means_one_value(normalizer, form):
    text = f"нужен {form}"
    entity = {"entity": "service_category", "start": 6, "end": len(text), "value": form}
    assert parse(normalizer, text, [entity]) == [("service_category", form, "plumber")]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("передаю показания горячей воды 120", [("meter_type", "горячей воды", "hot_water")]),
        ("по холодной воде 345", [("meter_type", "холодной воде", "cold_water")]),
        ("ХВС 345 ГВС 120", [("meter_type", "ХВС", "cold_water"), ("meter_type", "ГВС", "hot_water")]),
        ("нужна уборка квартиры", [("service_category", "уборка", "cleaning")]),
        ("голосую за", []),  # "за" is too ambiguous to look for in text
    ],
)
def test_values_are_found_in_text_by_lemma(normalizer, text, expected):
    assert parse(normalizer, text) == expected


def test_a_closed_class_span_with_no_known_value_is_dropped(normalizer):
    entity = {"entity": "service_category", "start": 0, "end": 5, "value": "слоны"}
    assert parse(normalizer, "слоны", [entity]) == []


def test_other_entities_pass_unchanged(normalizer):
    entity = {"entity": "date", "start": 0, "end": 6, "value": "2026-11-23"}
    assert parse(normalizer, "завтра", [entity]) == [("date", "завтра", "2026-11-23")]


def test_found_values_do_not_overlap_trained_entities(normalizer):
    entity = {"entity": "meter_type", "start": 0, "end": 3, "value": "ХВС"}
    assert parse(normalizer, "ХВС 345", [entity]) == [("meter_type", "ХВС", "cold_water")]


@pytest.mark.parametrize(
    "said, known, same",
    [
        ("сантехник", "сантехник", True),
        ("сантехнек", "сантехник", True),
        ("свет", "сват", False),
        ("электрик", "электричество", True),
    ],
)
def test_words_match(said, known, same):
    assert words_match(said, known) is same


def test_a_value_listed_for_some_intents_is_found_in_their_messages_only():
    vocabulary = {
        "vote_choice": {
            "find_in_text": ["gov_vote"],
            "values": {"for": ["за", "согласен"], "against": ["против"]},
        }
    }
    normalizer = CanonicalEntityNormalizer({"vocabulary": ""}, vocabulary, None, None)
    text = "согласна с одиннадцатым предложением"
    vote = Message(data={"text": text, "intent": {"name": "gov_vote"}, "entities": []})
    other = Message(data={"text": text, "intent": {"name": "gov_proposals"}, "entities": []})
    normalizer.process([vote, other])
    assert [(e["entity"], e["value"]) for e in vote.get("entities")] == [("vote_choice", "for")]
    assert other.get("entities") == []
