"""The NLU components on a 100,000-character message: linear work, sane results (no timing is asserted).

Date pairing (nlu/rule_dates.py) and overlap removal (nlu/rule_extraction.py, nlu/canonical.py) used to be
quadratic: these messages took from seconds to minutes. The connectors refuse such a message (4096 characters,
connectors/incoming.py); these tests are about one that reaches the components anyway.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu.canonical import CanonicalEntityNormalizer
from nlu.rule_dates import find_dates
from nlu.rule_entities import RuleEntityExtractor
from nlu.rule_extraction import extract_rule_entities
from nlu.rule_times import find_times
from nlu.text_spans import fold_text
from nlu.tokenizer import MAX_TOKENS, RussianTokenizer, split_words

SIZE = 100_000
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=ZoneInfo("Europe/Moscow"))  # a Sunday


def repeated(sentence: str) -> str:
    return (sentence * (SIZE // len(sentence) + 1))[:SIZE]


def assert_sorted_and_apart(entities: list, text: str) -> None:
    for entity in entities:
        assert 0 <= entity.start < entity.end <= len(text)
        assert entity.text == text[entity.start : entity.end]
    for before, after in itertools.pairwise(entities):
        assert before.end <= after.start


@pytest.mark.parametrize(
    "sentence",
    [
        "с завтра ",  # every date has "from" before it: the pairing tried every pair
        "в 10:00 ",  # many kept entities: the overlap check compared each with all kept ones
        "на завтра на 12 ",  # a time after a date with the same cue
        "с 1 - 2 - 3 - 4 ",
        "С понедельника по пятницу, с 15 марта до 20 апреля в 10:00 оплатил 500 рублей, "
        "тел. +7 912 345-67-89, лицевой счёт 1002003004. ",
    ],
    ids=["from-tomorrow", "at-ten", "for-tomorrow-for-twelve", "dashes", "everything"],
)
def test_rule_entities_of_a_100k_message_repeat_those_of_one_sentence(sentence):
    text = repeated(sentence)
    found = extract_rule_entities(text, NOW)
    assert_sorted_and_apart(found, text)
    one = [(e.entity, e.start, e.end, e.value) for e in extract_rule_entities(sentence, NOW)]
    assert one, "the sentence itself has entities"
    whole = len(text) // len(sentence)
    for n in (0, 1, whole // 2, whole - 1):
        offset = n * len(sentence)
        inside = [
            (e.entity, e.start - offset, e.end - offset, e.value)
            for e in found
            if offset <= e.start and e.end <= offset + len(sentence)
        ]
        assert inside == one, f"repetition {n}"


def test_date_pairs_of_a_100k_message():
    sentence = "с понедельника по пятницу "
    text = repeated(sentence)
    found = find_dates(fold_text(text), NOW.date())
    ranges = [f for f in found if isinstance(f.value, dict)]
    assert len(ranges) == len(text) // len(sentence)
    assert {tuple(f.value.values()) for f in ranges} == {("2026-11-23", "2026-11-27")}
    assert all(0 <= f.start < f.end <= len(text) for f in found)


def test_times_of_a_100k_message():
    sentence = "с 9 до 18 часов, "
    text = repeated(sentence)
    found = find_times(fold_text(text))  # candidates: the range, and "18 hours" inside it
    ranges = [f.value for f in found if isinstance(f.value, dict)]
    assert ranges == [{"from": "09:00", "to": "18:00"}] * (len(text) // len(sentence))
    assert all(0 <= f.start < f.end <= len(text) for f in found)


def test_a_100k_message_of_nothing_but_digits_spaces_or_dashes_has_no_entities():
    for filler in ("1", " ", "-", "1 ", "ааа "):
        assert extract_rule_entities(repeated(filler), NOW) == []


def test_the_rule_extractor_component_processes_a_100k_message():
    text = repeated("Приходите завтра в 10:00, оплата 500 рублей. ")
    message = Message(data={TEXT: text, ENTITIES: [], "metadata": {"timezone": "x" * 5000}})
    RuleEntityExtractor({"timezone": "Europe/Moscow"}).process([message])
    entities = message.get(ENTITIES)
    assert len(entities) == 3 * (len(text) // len("Приходите завтра в 10:00, оплата 500 рублей. "))
    assert [e["start"] for e in entities] == sorted(e["start"] for e in entities)
    assert {e["entity"] for e in entities} == {"date", "time", "amount"}


def test_the_canonical_normaliser_finds_every_phrase_of_a_100k_message():
    vocabulary = {
        "service_category": {"find_in_text": True, "values": {"plumber": ["сантехник"]}},
        "meter_type": {"find_in_text": True, "values": {"hot_water": ["горячая вода"]}},
    }
    sentence = "нужен сантехник, нет горячей воды. "
    text = repeated(sentence)
    message = Message(data={TEXT: text, ENTITIES: [{"entity": "x", "start": 0, "end": 5, "value": "нужен"}]})
    CanonicalEntityNormalizer({"vocabulary": ""}, vocabulary, None, None).process([message])
    found = [e for e in message.get(ENTITIES) if e["entity"] != "x"]
    whole = len(text) // len(sentence)
    assert [e["value"] for e in found[:4]] == ["plumber", "hot_water"] * 2
    assert len(found) in (2 * whole, 2 * whole + 1)
    ends = sorted((e["start"], e["end"]) for e in message.get(ENTITIES))
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(ends))


def test_the_tokenizer_gives_the_pipeline_at_most_max_tokens_of_a_100k_message():
    text = repeated("Прорвало трубу в подвале. ")
    assert len(split_words(text)) > MAX_TOKENS  # the rules and the canonical normaliser read it all
    message = Message(data={TEXT: text})
    tokens = RussianTokenizer(RussianTokenizer.get_default_config()).tokenize(message, TEXT)
    assert len(tokens) == MAX_TOKENS
    assert [t.text for t in tokens[:4]] == ["Прорвало", "трубу", "в", "подвале"]
    assert tokens[-1].end < len(text)


def test_the_tokenizer_keeps_a_message_of_emoji_only_as_one_token():
    text = "😀" * SIZE
    [token] = RussianTokenizer(RussianTokenizer.get_default_config()).tokenize(
        Message(data={TEXT: text}), TEXT
    )
    assert (token.start, token.end) == (0, SIZE)


def test_a_day_far_away_is_still_read_at_the_end_of_a_long_message():
    text = "а " * (SIZE // 2 - 20) + "приду 15 марта"
    [found] = extract_rule_entities(text, NOW)
    assert (found.entity, found.value, found.end) == ("date", date(2027, 3, 15).isoformat(), len(text))
