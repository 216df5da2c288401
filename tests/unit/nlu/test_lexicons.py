"""nlu.lexicons: every vocabulary file loads, and the package's code holds no Russian string literal."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest

from nlu.lexicons import LEXICON_DIR, lexicon, phrase_pattern

CYRILLIC = re.compile("[А-Яа-яЁё]")


@pytest.mark.parametrize("path", sorted(LEXICON_DIR.glob("*.yml")), ids=lambda path: path.name)
def test_every_lexicon_loads(path: Path) -> None:
    assert isinstance(lexicon(path.stem), dict)


def test_phrase_pattern() -> None:
    assert re.fullmatch(phrase_pattern("после обеда"), "после   обеда")


def test_no_russian_string_literals_in_code() -> None:
    found = []
    for path in sorted(LEXICON_DIR.parent.glob("*.py")):
        for token in tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline):
            if token.type == tokenize.STRING and CYRILLIC.search(token.string):
                found.append(f"{path.name}:{token.start[0]}")
    assert found == []
