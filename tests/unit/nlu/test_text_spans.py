"""nlu.text_spans: folding keeps offsets, the word before a match."""

from __future__ import annotations

from nlu.text_spans import STOP_AFTER, fold_text, prev_word


def test_fold_text_keeps_length() -> None:
    text = "Ёлка İ\u00a0500\u2014600"
    folded = fold_text(text)
    assert len(folded) == len(text)
    assert folded == "елка İ 500-600"


def test_prev_word() -> None:
    assert prev_word("приду в  10", 9) == ("в", 6)
    assert prev_word("(10", 1) == ("", 1)


def test_stop_nouns_are_whole_words() -> None:
    assert STOP_AFTER.match("10 лет", 2)
    assert STOP_AFTER.match(" квартир", 0)
    assert not STOP_AFTER.match(" летом", 0)
