"""The Russian vocabularies of the NLU components: YAML files in `nlu/lexicon/`, read once per process.

Code holds no Russian words: the rules take their words and regex fragments from these files. Every file is
part of the components' training-cache fingerprint (`nlu.morphology.source_fingerprint`).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Dict, Iterable

import yaml

LEXICON_DIR = Path(__file__).resolve().parent / "lexicon"


@cache
def lexicon(name: str) -> Dict[str, Any]:
    """The content of `nlu/lexicon/<name>.yml`; callers must not modify it (it is shared)."""
    with (LEXICON_DIR / f"{name}.yml").open(encoding="utf-8") as stream:
        return yaml.safe_load(stream)


def alternatives(fragments: Iterable[str]) -> str:
    """Regex fragments joined as alternatives, in the order given (regex tries them in that order)."""
    return "|".join(fragments)


def longest_first(words: Iterable[str]) -> str:
    """Words as regex alternatives, longest first so that no word stops the match of a longer one."""
    return "|".join(sorted(words, key=len, reverse=True))


def phrase_pattern(phrase: str) -> str:
    """A phrase of plain words as a regex: any run of white space between its words."""
    return r"\s+".join(phrase.split(" "))
