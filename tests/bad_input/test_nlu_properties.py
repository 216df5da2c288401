"""Properties of the rule-based NLU on arbitrary text (hypothesis; profiles in conftest.py).

Whatever a resident types, the rules never raise; every span lies within the text and matches it; what
`extract_rule_entities` returns is sorted and non-overlapping, as it promises; normalised values have their
documented shapes and read back as themselves.
"""

from __future__ import annotations

import itertools
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st
from num2words import num2words
from rasa.shared.nlu.training_data.message import Message

from nlu.morphology import fold_spelling
from nlu.number_words import parse_number_words
from nlu.rule_dates import ROLLOVER_DAYS, date_without_year, find_dates
from nlu.rule_entities import reparse_value, resident_now
from nlu.rule_extraction import extract_rule_entities
from nlu.rule_times import find_times
from nlu.text_spans import fold_text, prev_word
from nlu.tokenizer import split_words

# Pieces the rules react to, so that random text often holds something to find.
FRAGMENTS = [
    "с", "по", "до", "в", "на", "к", "от", "через", "между", "и", "-", "—", ",", ".", ":", "/", " ", "  ", "\n",
    "\u00a0", "завтра", "послезавтра", "понедельника", "пятницу", "среду", "выходные", "неделю", "месяц",
    "этой", "следующей", "15", "3", "10:00", "9.30", "12.03", "12.03.2026", "2026", "года", "марта", "января",
    "числа", "первого", "двадцать", "пятого", "утра", "вечера", "дня", "ночи", "полдень", "час", "часов",
    "минут", "руб", "рублей", "₽", "коп", "тыс", "тысячи", "две", "пять", "сто", "2к", "1 500,50", "+7",
    "8", "912", "345-67-89", "(912)", "тел", "телефон", "номер", "лицевой", "счёт", "1002003004", "№",
    "Ё", "İ", "😀", "\u202e", "\x00",
]  # fmt: skip
texts = st.one_of(
    st.text(max_size=200),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=3)), max_size=40).map("".join),
    st.lists(st.sampled_from(FRAGMENTS), max_size=40).map(" ".join),
)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
HHMM = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d")
PHONE = re.compile(r"\+7\d{10}")


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=ZoneInfo("Europe/Moscow"))


def assert_value_shape(entity: str, value: object) -> None:
    if entity == "date":
        if isinstance(value, dict):
            assert date.fromisoformat(value["from"]) <= date.fromisoformat(value["to"])
        else:
            date.fromisoformat(str(value))
    elif entity == "time":
        values = [value["from"], value["to"]] if isinstance(value, dict) else [value]
        assert all(HHMM.fullmatch(str(v)) for v in values), value
    elif entity == "amount":
        assert isinstance(value, float) and value >= 0
    elif entity == "phone":
        assert PHONE.fullmatch(str(value)), value
    else:
        assert entity == "account_number" and str(value).isdigit() and 6 <= len(str(value)) <= 12


@given(texts, days)
def test_rule_entities_are_sorted_apart_within_the_text_and_well_formed(text, day):
    found = extract_rule_entities(text, at(day))
    for entity in found:
        assert 0 <= entity.start < entity.end <= len(text)
        assert entity.text == text[entity.start : entity.end]
        assert_value_shape(entity.entity, entity.value)
    for before, after in itertools.pairwise(found):
        assert before.end <= after.start


@given(texts, days)
def test_every_date_and_time_candidate_is_a_non_empty_span_of_the_text(text, day):
    """Overlap removal relies on it: it marks the characters each kept match covers."""
    norm = fold_text(text)
    dates = find_dates(norm, day)
    for found in [*dates, *find_times(norm, {d.end: d.start for d in dates})]:
        assert 0 <= found.start < found.end <= len(text)


@given(texts)
def test_folding_keeps_every_offset_and_is_idempotent(text):
    folded = fold_text(text)
    assert len(folded) == len(text)
    assert fold_text(folded) == folded
    assert fold_spelling(fold_spelling(text)) == fold_spelling(text)


@given(texts, st.integers(min_value=0, max_value=250))
def test_the_word_before_a_position_is_a_word_of_the_text(text, position):
    position = min(position, len(text))
    word, start = prev_word(text, position)
    assert text[start : start + len(word)] == word
    assert word == "" or word.isalnum()
    assert text[start + len(word) : position].strip() == ""


@given(texts, st.none() | st.integers(min_value=0, max_value=20))
def test_tokens_are_ordered_spans_of_the_text(text, limit):
    tokens = split_words(text, limit=limit)
    assert limit is None or len(tokens) <= limit
    for token in tokens:
        assert 0 <= token.start < token.end <= len(text)
        assert len(token.text) == token.end - token.start
    for before, after in itertools.pairwise(tokens):
        assert before.end <= after.start


@given(days, st.integers(min_value=1, max_value=12), st.integers(min_value=1, max_value=31))
def test_a_date_without_a_year_is_at_most_the_rollover_ago_and_within_a_year_ahead(today, month, day):
    found = date_without_year(today, month, day)
    if found is not None:
        assert (found.month, found.day) == (month, day)
        assert today - timedelta(days=ROLLOVER_DAYS) <= found <= today + timedelta(days=366)


@given(st.integers(min_value=1, max_value=999_999_999))
def test_number_words_read_back_the_number_they_say(number):
    assert parse_number_words(fold_text(num2words(number, lang="ru"))) == number


@given(texts, days)
def test_normalised_values_read_back_as_themselves(text, day):
    """A normalised phone, account number or amount, handed back as a trained entity's text, keeps its value."""
    now = at(day)
    for entity in extract_rule_entities(text, now):
        if entity.entity == "phone":
            assert reparse_value({"entity": "phone", "value": entity.value}, now) == entity.value
        elif entity.entity == "account_number":
            assert reparse_value({"entity": "account_number", "value": entity.value}, now) == entity.value
        elif entity.entity == "amount":
            assert reparse_value({"entity": "amount", "value": f"{entity.value:.2f}"}, now) == entity.value


@given(st.from_regex(r"\+7 ?\(?9\d\d\)? ?\d{3}[ -]?\d\d[ -]?\d\d", fullmatch=True))
def test_a_written_phone_is_normalised_once_and_for_all(written):
    [phone] = extract_rule_entities(written, at(date(2026, 11, 22)))
    assert PHONE.fullmatch(phone.value)
    [again] = extract_rule_entities(phone.value, at(date(2026, 11, 22)))
    assert again.value == phone.value


@given(
    st.one_of(
        st.text(max_size=300),
        st.sampled_from(["", ".", "..", "/", "Europe", "Europe/", "../etc/passwd", "UTC/..", "x" * 5000]),
        st.integers(),
        st.none(),
        st.lists(st.text(max_size=5), max_size=3),
    ),
    st.one_of(st.none(), st.just("metadata-as-list")),
)
def test_any_time_zone_a_channel_passes_gives_an_aware_now(timezone, shape):
    metadata = [timezone] if shape else {"timezone": timezone}
    now = resident_now(Message(data={"text": "завтра", "metadata": metadata}), "Europe/Moscow")
    assert now.utcoffset() is not None
