"""Places completed with their house number and sifted by the skills' gazetteers (nlu/location_spans.py)."""

from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.training_data.message import Message

from nlu.location_spans import LocationSpans, is_known_place, place_lemmas, with_house_numbers

GAZETTEER = [
    "вокзал",
    "ж/д вокзал",
    "рынок",
    "центральный рынок",
    "парк Горького",
    "парк",
    "поликлиника",
    "Мира",
]
KNOWN = place_lemmas(GAZETTEER)


def span(text, words, entity="location", role=None):
    start = text.index(words)
    found = {"entity": entity, "start": start, "end": start + len(words), "value": words}
    return {**found, "role": role} if role else found


def places(text, entities):
    return [(e["entity"], text[e["start"] : e["end"]], e.get("role")) for e in entities]


@pytest.mark.parametrize(
    "text, trained, place",
    [
        ("доставка бабушке на Мира 3", ["Мира"], "Мира 3"),
        ("вызовите мастера на Советскую 8 кв 15 к двум часам", ["Советскую"], "Советскую 8 кв 15"),
        ("на Ленина, д. 5, корп. 2, кв. 10 завтра", ["Ленина"], "Ленина, д. 5, корп. 2, кв. 10"),
        ("Гагарина 12а подъезд 2", ["Гагарина"], "Гагарина 12а"),
        ("проспект Ленина 42, кв 7", ["проспект Ленина 42"], "проспект Ленина 42, кв 7"),
        ("на Ленина 12 к 5", ["Ленина"], "Ленина 12"),  # «к 5» is an hour
        ("до Ленина до 5", ["Ленина"], "Ленина"),
        ("такси от Садовой в 10", ["Садовой"], "Садовой"),
        ("на Мира 12345", ["Мира"], "Мира"),  # no house has five digits
    ],
)
def test_the_house_number_after_a_place_belongs_to_it(text, trained, place):
    assert places(text, with_house_numbers(text, [span(text, w) for w in trained])) == [
        ("location", place, None)
    ]


def test_a_piece_of_the_place_is_merged_and_keeps_the_role():
    text = "такси от Ленина 5 до вокзала"
    trained = [span(text, "Ленина", role="from"), span(text, "5"), span(text, "вокзала", role="to")]
    assert places(text, with_house_numbers(text, trained)) == [
        ("location", "Ленина 5", "from"),
        ("location", "вокзала", "to"),
    ]


def test_a_number_a_rule_read_is_not_a_house():
    text = "на Ленина 1500 рублей"
    trained = [
        span(text, "Ленина"),
        {**span(text, "1500 рублей", entity="amount"), "extractor": "RuleEntityExtractor"},
    ]
    assert places(text, with_house_numbers(text, trained))[0] == ("location", "Ленина", None)


def test_a_bare_number_diet_took_for_a_sum_is_the_house():
    text = "хочу пожаловаться на яму у дома ленина 5"
    trained = [span(text, "ленина"), {**span(text, "5", entity="amount"), "extractor": "DIETClassifier"}]
    assert places(text, with_house_numbers(text, trained)) == [("location", "ленина 5", None)]


@pytest.mark.parametrize(
    "text, words, kept",
    [
        ("до рынка", "рынка", True),
        ("такси до вакзала", "вакзала", True),  # a word the dictionary lacks: a typo or a name
        ("с улицы хрюнделя", "хрюнделя", True),
        ("в парке на Советской", "парке", True),  # «парке» is also a form of «парка», a jacket
        ("мира 5", "мира 5", True),
        ("на Строителей", "Строителей", True),  # written with a capital: a name
        ("на садовой", "садовой", True),  # an adjective: a street's name
        ("от ленина", "ленина", True),  # a surname
        ("жалобу на шумное кафе рассмотрели", "кафе", False),
        (
            "больше не надо записывать меня на вокал",
            "вокал",
            False,
        ),  # a dictionary word, not a typo of «вокзал»
        ("долго мне ещё стоять на улице", "улице", False),
        ("оплати парковку на 2 часа", "2", False),
        ("оплатить парковку в зоне 1015", "1015", False),
        ("Кафе на углу", "Кафе", False),  # a capital that starts the message says nothing
    ],
)
def test_a_lone_common_noun_is_a_place_only_if_a_gazetteer_names_it(text, words, kept):
    assert is_known_place(text, span(text, words), KNOWN) is kept


def test_the_component_reads_the_built_gazetteers_and_keeps_other_entities(tmp_path: Path):
    gazetteers = tmp_path / "gazetteers.yml"
    gazetteers.write_text(yaml.safe_dump({"location": GAZETTEER}, allow_unicode=True), encoding="utf-8")
    component = LocationSpans.create({"gazetteers": str(gazetteers)}, None, None, None)
    text = "жалоба на шум от кафе на Набережной 5 завтра"
    trained = [span(text, "кафе"), span(text, "Набережной"), span(text, "завтра", entity="date")]
    message = Message(data={"text": text, "entities": trained})
    component.process([message])
    assert places(text, message.get("entities")) == [
        ("location", "Набережной 5", None),
        ("date", "завтра", None),
    ]


def test_without_gazetteers_every_lone_common_noun_goes():
    component = LocationSpans({"gazetteers": ""}, {}, None, None)
    text = "до рынка"
    message = Message(data={"text": text, "entities": [span(text, "рынка")]})
    component.process([message])
    assert message.get("entities") == []
