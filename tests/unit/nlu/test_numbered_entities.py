"""A lone number in a message of a numbered intent names that intent's record (nlu/numbered_entities.py)."""

from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.training_data.message import Message

from nlu.numbered_entities import NumberedEntities, is_number, number_spans, numbered
from nlu.tokenizer import split_words

DIET = "DIETClassifier"


def span(text, words, entity, extractor=DIET):
    start = text.index(words)
    return {
        "entity": entity,
        "start": start,
        "end": start + len(words),
        "value": words,
        "extractor": extractor,
    }


def said(text, entities):
    return [(e["entity"], text[e["start"] : e["end"]]) for e in entities]


@pytest.mark.parametrize(
    "text, numbers",
    [
        ("итоги по 8", ["8"]),
        ("обращение двести тридцать рассмотрели?", ["двести тридцать"]),
        ("за пятнадцатое", ["пятнадцатое"]),
        ("согласна с одиннадцатым предложением", ["одиннадцатым"]),
        ("голосую за двадцать пятое", ["двадцать пятое"]),
        ("заказ 15 и заказ 16", ["15", "16"]),
        ("два три", []),
        ("голосую против", []),
    ],
)
def test_numbers_in_digits_words_and_ordinals(text, numbers):
    assert [text[s:e] for s, e in number_spans(split_words(text))] == numbers


def test_a_whole_span_is_a_number_only_if_nothing_else_is_in_it():
    assert is_number("двенадцать") and is_number("8") and is_number("третье")
    assert not is_number("8 звезд") and not is_number("Садовая 8") and not is_number("")


def test_a_number_the_model_tagged_as_something_else_becomes_the_intents_record():
    text = "по 2 воздерживаюсь"
    entities = numbered(text, [span(text, "2", "rating")], "proposal_id", "numbered")
    assert said(text, entities) == [("proposal_id", "2")]
    assert entities[0]["extractor"] == "numbered"


def test_an_untagged_number_becomes_the_record_beside_the_other_entities():
    text = "за пятнадцатое"
    entities = numbered(text, [span(text, "за", "vote_choice")], "proposal_id", "numbered")
    assert said(text, entities) == [("vote_choice", "за"), ("proposal_id", "пятнадцатое")]


@pytest.mark.parametrize(
    "text, tagged",
    [
        # the record is there already: nothing else changes
        ("заказ 15 на 3 звезды", [("15", "order_id"), ("3", "rating")]),
        # two numbers the model tagged: which one is the record is not known
        ("по 2 и по 3", [("2", "rating"), ("3", "reading")]),
        # a number a rule read keeps its meaning, and one not tagged is not added beside it
        ("итоги к 8 утра", [("к 8 утра", "time")]),
    ],
)
def test_what_is_left_alone(text, tagged):
    entities = [span(text, words, entity, DIET if entity != "time" else "rules") for words, entity in tagged]
    kind = "order_id" if "заказ" in text else "proposal_id"
    assert numbered(text, entities, kind, "numbered") == entities


def test_two_untagged_numbers_add_nothing():
    text = "за третье и пятое"
    assert numbered(text, [], "proposal_id", "numbered") == []


def test_the_component_reads_the_built_file_and_keeps_other_intents_as_they_are(tmp_path: Path):
    path = tmp_path / "numbered.yml"
    path.write_text(yaml.safe_dump({"gov_results": "proposal_id"}), encoding="utf-8")
    component = NumberedEntities.create({"numbered": str(path)}, None, None, None)
    results = Message(data={"text": "итоги по 8", "intent": {"name": "gov_results"}, "entities": []})
    other = Message(data={"text": "итоги по 8", "intent": {"name": "market_order_status"}, "entities": []})
    component.process([results, other])
    assert said("итоги по 8", results.get("entities")) == [("proposal_id", "8")]
    assert other.get("entities") == []
