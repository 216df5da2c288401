"""nlu.rule_dates on a public Russian date corpus (Duckling's, see tests/nlu/public_date_cases.yml).

Supported cases must give exactly their value; unsupported ones must still miss it (strict: a change that
makes one pass has to move it to `cases`, so the pass ratio below stays true); `no_date` texts give no date.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from nlu.rule_extraction import extract_rule_entities

CORPUS = yaml.safe_load((Path(__file__).parent / "public_date_cases.yml").read_text(encoding="utf-8"))
REFERENCE = datetime.fromisoformat(CORPUS["reference"]).replace(tzinfo=ZoneInfo("Europe/Moscow"))
SUPPORTED = [(text, value) for text, value in CORPUS["cases"]]
UNSUPPORTED = [(case["text"], case["value"], case["reason"]) for case in CORPUS["unsupported"]]


def date_values(text: str) -> list[Any]:
    return [e.value for e in extract_rule_entities(text, REFERENCE) if e.entity == "date"]


@pytest.mark.parametrize("text,value", SUPPORTED, ids=[text for text, _ in SUPPORTED])
def test_supported_case(text: str, value: Any) -> None:
    assert date_values(text) == [value]


@pytest.mark.parametrize("text,value,reason", UNSUPPORTED, ids=[text for text, _, _ in UNSUPPORTED])
def test_unsupported_case_still_fails(text: str, value: Any, reason: str) -> None:
    assert reason.strip()
    assert date_values(text) != [value], f"now supported: move {text!r} to `cases`"


@pytest.mark.parametrize("text", CORPUS["no_date"])
def test_no_date(text: str) -> None:
    assert date_values(text) == []


def test_the_corpus_is_whole_and_without_repeats() -> None:
    texts = [text for text, _ in SUPPORTED] + [text for text, _, _ in UNSUPPORTED] + CORPUS["no_date"]
    assert len(texts) == len(set(texts)) == 111
    ratio = len(SUPPORTED) / (len(SUPPORTED) + len(UNSUPPORTED))
    assert ratio >= 0.70, f"pass ratio {ratio:.0%}"
