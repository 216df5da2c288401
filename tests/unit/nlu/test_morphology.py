"""nlu.morphology: the source fingerprint covers the code and the vocabularies of the NLU package."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nlu import morphology
from nlu.morphology import fold_spelling, is_numeral, normal_form, readings, source_fingerprint
from nlu.tokenizer import split_words


def test_lookalikes_only_inside_cyrillic_words() -> None:
    assert fold_spelling("вoдa") == "вода"  # Latin o and a
    assert fold_spelling("Ёж") == "Еж"
    assert fold_spelling("code") == "code"


# A Tangut ideograph: a letter to str.isalpha() that unicodedata.name() has no name for, which pymorphy3's shape
# check asks of every letter (found by the property tests of tests/bad_input).
NAMELESS = "\U00017000"


def test_a_word_with_a_nameless_letter_has_no_reading_and_stays_as_typed() -> None:
    word = NAMELESS + "а"
    assert readings(word) == []
    assert normal_form(word) == word
    assert not is_numeral(word)
    assert [(t.text, t.start, t.end) for t in split_words(word + " пять")] == [(word, 0, 2), ("пять", 3, 7)]
    assert is_numeral("пять")


@pytest.fixture
def package_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the nlu package that the fingerprint reads instead of the real one."""
    copy = tmp_path / "nlu"
    shutil.copytree(morphology.NLU_PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(morphology, "NLU_PACKAGE", copy)
    monkeypatch.setattr(morphology, "LEXICON_DIR", copy / "lexicon")
    return copy


def test_fingerprint_is_stable(package_copy: Path) -> None:
    assert source_fingerprint() == source_fingerprint()


@pytest.mark.parametrize("changed", ["rule_dates.py", "lexicon/dates.yml"])
def test_fingerprint_changes_with_code_and_words(package_copy: Path, changed: str) -> None:
    before = source_fingerprint()
    path = package_copy / changed
    path.write_text(path.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert source_fingerprint() != before
