import pytest

from nlu.morphology import fold_spelling, lemma
from nlu.tokenizer import split_words


def texts(text):
    return [t.text for t in split_words(text)]


@pytest.mark.parametrize(
    "words",
    [
        ["водопроводчик", "водопроводчика", "водопроводчику", "водопроводчиков", "Водопроводчиками"],
        ["счётчик", "счетчика", "счётчиков", "СЧЕТЧИКИ"],
        ["оператор", "оператора", "оператором", "операторы"],
        ["квартплата", "квартплату", "квартплаты"],
    ],
)
def test_word_forms_share_a_lemma(words):
    assert len({lemma(w) for w in words}) == 1


def test_latin_lookalikes_inside_russian_words_are_folded():
    assert fold_spelling("сaнтехник") == "сантехник"  # Latin a
    assert fold_spelling("пpивет") == "привет"  # Latin p
    assert fold_spelling("wifi") == "wifi"  # a Latin word stays Latin


@pytest.mark.parametrize(
    "text, expected",
    [
        ("мой номер +7 912 345-67-89", ["мой", "номер", "+7 912 345-67-89"]),
        ("звоните 8 (912) 345 67 89", ["звоните", "8 (912) 345 67 89"]),
        ("оплатил 1 500,50 ₽", ["оплатил", "1 500,50", "₽"]),
        ("дом 12к2 кв 5", ["дом", "12к2", "кв", "5"]),
        ("ГВС 120,5 в 18:00", ["ГВС", "120,5", "в", "18:00"]),
        ("приду 15.03.2026", ["приду", "15.03.2026"]),
        ("ХВС 345 ГВС 120", ["ХВС", "345", "ГВС", "120"]),
        ("Ростов-на-Дону, по-моему!", ["Ростов-на-Дону", "по-моему"]),
        ("ёлки", ["елки"]),
        ("до ж/д вокзала, л/с 123456", ["до", "ж/д", "вокзала", "л/с", "123456"]),
        ("вход/выход", ["вход", "выход"]),
    ],
)
def test_tokens_keep_numbers_phones_amounts_and_addresses_whole(text, expected):
    assert texts(text) == expected


def test_offsets_point_into_the_original_text():
    text = "Нужен  сaнтехник, дом 12к2"
    for token in split_words(text):
        assert fold_spelling(text[token.start : token.end]) == token.text


def test_lemmas_fold_yo():
    assert lemma("счётчиков") == "счетчик"
    assert split_words("ещё")[0].get("normal_form") in ("ещё", "еще")
