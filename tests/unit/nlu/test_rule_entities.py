from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from rasa.shared.nlu.training_data.message import Message

from nlu.rule_entities import RuleEntityExtractor, reparse_value, resident_now

NOW = datetime(2026, 11, 22, 18, 0, tzinfo=ZoneInfo("Europe/Moscow"))


@pytest.mark.parametrize(
    "entity, value",
    [
        ({"entity": "date", "value": "завтра"}, "2026-11-23"),
        ({"entity": "date", "value": "чат"}, None),  # a trained extractor's mistake is dropped
        ({"entity": "time", "value": "к 18:00"}, "18:00"),
        ({"entity": "amount", "value": "2000"}, 2000.0),
        ({"entity": "amount", "value": "1 500,50 ₽"}, 1500.5),
        ({"entity": "amount", "value": "много"}, None),
        ({"entity": "account_number", "value": "1002003004"}, "1002003004"),
        ({"entity": "account_number", "value": "12"}, None),
        ({"entity": "phone", "value": "89123456789"}, "+79123456789"),
    ],
)
def test_trained_entities_get_normalised_values(entity, value):
    assert reparse_value(entity, NOW) == value


def test_rule_matches_replace_overlapping_trained_entities():
    text = "нужен сантехник на завтра"
    trained = [
        {
            "entity": "service_category",
            "start": 6,
            "end": 15,
            "value": "сантехник",
            "extractor": "DIETClassifier",
        },
        {"entity": "date", "start": 16, "end": 25, "value": "на завтра", "extractor": "DIETClassifier"},
    ]
    message = Message(data={"text": text, "entities": trained})
    RuleEntityExtractor({"timezone": "Europe/Moscow"}).process([message])
    found = [(e["entity"], text[e["start"] : e["end"]], e["extractor"]) for e in message.get("entities")]
    assert found == [
        ("service_category", "сантехник", "DIETClassifier"),
        ("date", "завтра", "RuleEntityExtractor"),
    ]


@pytest.mark.parametrize(
    "text, kept",
    [
        ("репетитор для 9 класс", False),
        ("нужен мастер на 3 этажа", False),
        ("репетитор до 900", True),
        ("репетитор до 900 в час", True),
    ],
)
def test_a_trained_bare_amount_before_a_count_noun_is_dropped(text, kept):
    start = next(i for i, ch in enumerate(text) if ch.isdigit())
    end = start
    while end < len(text) and text[end].isdigit():
        end += 1
    trained = [
        {
            "entity": "amount",
            "start": start,
            "end": end,
            "value": text[start:end],
            "extractor": "DIETClassifier",
        }
    ]
    message = Message(data={"text": text, "entities": trained})
    RuleEntityExtractor({"timezone": "Europe/Moscow"}).process([message])
    amounts = [e for e in message.get("entities") if e["entity"] == "amount"]
    assert bool(amounts) == kept
    if kept:
        assert amounts[0]["value"] == float(text[start:end])


@pytest.mark.parametrize(
    "text, spans",
    [
        ("в субботу к 18:00", [("date", "в субботу"), ("time", "к 18:00")]),
        ("во вторник в 19:00", [("date", "во вторник"), ("time", "в 19:00")]),
        ("завтра в 10 утра", [("date", "завтра"), ("time", "в 10 утра")]),
        ("на следующей неделе после обеда", [("date", "на следующей неделе"), ("time", "после обеда")]),
        ("оплатил 500 руб в пятницу", [("amount", "500 руб"), ("date", "в пятницу")]),
        ("вход с торца, завтра", [("date", "завтра")]),  # punctuation between: not the date's preposition
        # a day after "на" is the target, outside the span; a week "на" which something happens includes it
        ("нужен сантехник на завтра", [("date", "завтра")]),
        ("запишите на 15 июня к 10:00", [("date", "15 июня"), ("time", "к 10:00")]),
        ("скок я получил на этой неделе", [("date", "на этой неделе")]),
        ("такси на субботу на 6 утра", [("date", "субботу"), ("time", "на 6 утра")]),
        ("с 1 июля тарифы меняются?", [("date", "1 июля")]),
    ],
)
def test_dates_and_times_span_their_preposition_as_the_contract_does(text, spans):
    message = Message(data={"text": text})
    RuleEntityExtractor({"timezone": "Europe/Moscow"}).process([message])
    assert [(e["entity"], text[e["start"] : e["end"]]) for e in message.get("entities")] == spans


def test_time_zone_comes_from_the_channel_metadata():
    message = Message(data={"text": "x", "metadata": {"timezone": "Asia/Vladivostok"}})
    assert resident_now(message, "Europe/Moscow").utcoffset().total_seconds() == 10 * 3600
    broken = Message(data={"text": "x", "metadata": {"timezone": "Mars/Olympus"}})
    assert resident_now(broken, "Europe/Moscow").utcoffset().total_seconds() == 3 * 3600


def _trained(text, *pieces):
    entities = []
    for piece, role in pieces:
        start = text.index(piece)
        entity = {"entity": "location", "start": start, "end": start + len(piece), "value": piece}
        entities.append({**entity, "confidence_entity": 0.9, **({"role": role} if role else {})})
    return entities


@pytest.mark.parametrize(
    "text, pieces, places",
    [
        ("у центрального рынка", [("центрального", None), ("рынка", None)], ["центрального рынка"]),
        ("на улице Пушкина 10", [("улице", None), ("Пушкина 10", None)], ["улице Пушкина 10"]),
        ("из центра в аэропорт", [("центра", "from"), ("аэропорт", "to")], ["центра", "аэропорт"]),
        ("Ленина 5, вокзал", [("Ленина 5", None), ("вокзал", None)], ["Ленина 5", "вокзал"]),
        ("центр аэропорт", [("центр", "from"), ("аэропорт", "to")], ["центр", "аэропорт"]),
    ],
)
def test_pieces_of_one_place_are_joined_and_two_places_stay_two(text, pieces, places):
    message = Message(data={"text": text, "entities": _trained(text, *pieces)})
    RuleEntityExtractor({"timezone": "Europe/Moscow"}).process([message])
    found = [e for e in message.get("entities") if e["entity"] == "location"]
    assert [text[e["start"] : e["end"]] for e in found] == places
    assert all(e["value"] == text[e["start"] : e["end"]] for e in found)
