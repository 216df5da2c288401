"""Typed values read from what a resident typed, for slots that must never take a value of another type.

Each reader returns the value or None: an account number is 6–12 digits, a yes or a no is the first word of the
answer (`values.yml`), a sum is a number. `read_typed(kind, text)` reads by entity name, so that an offer or a
form can take a bare value the model did not tag (a ten-digit number tagged as something else).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.forms import REQUESTED_SLOT

from engine.lexicon import load_lexicon
from engine.sdk.address import read_address
from engine.sdk.words import parse_phone, plain_words
from nlu.morphology import fold_spelling
from nlu.number_words import NUMBER_RUN, parse_number_words
from nlu.rule_extraction import extract_rule_entities

_WORDS = load_lexicon(Path(__file__).resolve().parent / "values.yml")
YES = tuple(_WORDS["yes_words"])
NO = tuple(sorted(_WORDS["no_words"], key=len, reverse=True))  # "не надо" before "не"
NO_WORDS = frozenset(w for w in NO if " " not in w)
# Every word of a message that says only yes or no ("yes", "no thanks", "well, no need").
YES_NO_ONLY_WORDS = frozenset(
    word for phrase in YES + NO + tuple(_WORDS["yes_no_fillers"]) for word in phrase.split()
)
ACCOUNT_DIGITS = re.compile(r"\d{6,12}")
NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
MAX_AGE = 120
_AGE = re.compile(
    rf"(?<!\w)(?<!{_WORDS['age_bound_word']} )(?P<n>\d{{1,3}}|{NUMBER_RUN})(?:-?(?:{'|'.join(_WORDS['age_number_endings'])}))?"
    rf"\s*-?\s*(?:{'|'.join(_WORDS['age_words'])})(?!\w)"
)
# "ему 9", "дочке восемь": a number after a word for whom, ending the clause.
_CUED_AGE = re.compile(
    rf"(?<!\w)(?:{'|'.join(_WORDS['age_cue_words'])})\s+(?P<n>\d{{1,3}}|{NUMBER_RUN})(?=\s*(?:[,.;!?]|$))"
)
_BARE_AGE = re.compile(rf"^\s*(?P<n>\d{{1,3}}|{NUMBER_RUN})\s*[.!]?\s*$")


def read_account_number(text: str) -> Optional[str]:
    """The account number in a message: 6–12 digits, spaces and dashes between groups allowed; of two, the last
    when the message corrects the first ("not X but Y"), else none (which one would be a guess)."""
    if "+" in (text or ""):  # a phone number, not an account
        return None
    digits = re.sub(r"(?<=\d)[ \-](?=\d)", "", text or "")
    found = ACCOUNT_DIGITS.findall(digits)
    if len(found) > 1 and NO_WORDS & set(folded_words(text)):
        return found[-1]  # a correction, "not X but Y": the last number said
    return found[0] if len(found) == 1 else None


def folded_words(text: str) -> List[str]:
    """The words of a text in lower case, spelling folded (yo as ye), punctuation dropped."""
    return plain_words(fold_spelling((text or "").lower()))


def read_yes_no(text: str) -> Optional[bool]:
    """True for an answer that starts with a word of yes, False for one that starts with a word of no
    (`values.yml`), None otherwise: "yes, all correct" answers, "maybe yes" is left to the model."""
    words = " ".join(folded_words(text))
    if any(words == no or words.startswith(no + " ") for no in NO):
        return False
    if any(words == yes or words.startswith(yes + " ") for yes in YES):
        return True
    return None


def yes_no_extraction(tracker: Tracker, slot: str) -> Dict[str, bool]:
    """For a form's `extract_<confirm slot>`: a yes or a no said in words the model took for another intent
    ("yes, I am waiting for the plumber"), while the form asks `slot`. Empty when the message is no such answer."""
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    if tracker.get_slot(REQUESTED_SLOT) != slot or intent in ("affirm", "deny"):
        return {}
    answer = read_yes_no(tracker.latest_message.get("text") or "")
    return {} if answer is None else {slot: answer}


def read_numbers(text: str) -> List[Decimal]:
    """Every number in the text, in order ("1 500,50" is one number)."""
    joined = re.sub(r"(?<=\d) (?=\d{3}\b)", "", text or "")
    found = []
    for raw in NUMBER.findall(joined):
        try:
            found.append(Decimal(raw.replace(",", ".")))
        except InvalidOperation:
            continue
    return found


def _number(raw: str) -> Optional[int]:
    value = int(raw) if raw.isdigit() else parse_number_words(raw)
    return int(value) if value is not None and 0 < value <= MAX_AGE else None


def read_age(text: str, bare: bool = False) -> Optional[int]:
    """An age in years ("8 years", "eight years", "an 8-year-old": `age_words` of values.yml after a number in
    digits or words; "he is 9": a number after an `age_cue_words` word, ending the clause); with `bare` (the question was the age) also a number alone. None when no age, two
    different ones, or a bound ("up to 10 years") is said."""
    folded = fold_spelling((text or "").lower())
    ages = {_number(m.group("n")) for m in [*_AGE.finditer(folded), *_CUED_AGE.finditer(folded)]} - {None}
    if not ages and bare:
        alone = _BARE_AGE.match(folded)
        ages = {_number(alone.group("n"))} - {None} if alone else set()
    return ages.pop() if len(ages) == 1 else None


def _rule_value(entity: str) -> Callable[[str], Optional[Any]]:
    def read(text: str) -> Optional[Any]:
        found = [
            e.value for e in extract_rule_entities(text, datetime.now(timezone.utc)) if e.entity == entity
        ]
        return found[0] if len(found) == 1 else None

    return read


READERS: Dict[str, Callable[[str], Optional[Any]]] = {
    "account_number": read_account_number,
    "location": lambda text: read_address(text).address,
    "phone": parse_phone,
    "date": _rule_value("date"),
    "time": _rule_value("time"),
    "amount": _rule_value("amount"),
}


def register_reader(kind: str, reader: Callable[[str], Optional[Any]]) -> None:
    """Teaches `read_typed` (and so offers that accept `kind`) to read a skill's own entity from text."""
    READERS[kind] = reader


def read_typed(kind: str, text: str) -> Optional[Any]:
    """The value of an entity of `kind` read from the text by its type, or None (also for a kind with no reader)."""
    reader = READERS.get(kind)
    return reader(text) if reader else None


# Record ids as they come in slots, entities and button payloads: typed by hand as often as pressed, so anything.
# A longer number fits no store's integer, and ten thousand digits are not even converted.
MAX_ID_DIGITS = 18
_RECORD_ID = re.compile(rf"[0-9]{{1,{MAX_ID_DIGITS}}}")


def record_id(value: Any) -> Optional[int]:
    """The positive whole number a value holds (7, "7", " 7 "), or None: not digits, zero, negative, a fraction, a
    bool, or longer than MAX_ID_DIGITS digits."""
    if isinstance(value, bool):
        return None
    text = str(value if value is not None else "").strip()
    return (int(text) or None) if _RECORD_ID.fullmatch(text) else None
