"""Rule-based entities in Russian resident messages: dates, times, amounts, phones and account numbers.

`extract_rule_entities` folds the text itself (lower case, yo → ye, one character for one), so offsets point
into the text passed in. It is precise rather than eager: a number only becomes an entity with a cue that says
what it is (a currency word, "at" before an hour, "personal account" before an account...). Dates live in
`nlu.rule_dates` and times in `nlu.rule_times`, which document how relative dates and bare hours are resolved.
The words of amounts, phones and accounts are in `nlu/lexicon/amounts.yml` and `nlu/lexicon/contacts.yml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterator

from nlu.lexicons import alternatives, lexicon
from nlu.number_words import NUMBER_RUN, is_scale_word, parse_number_words
from nlu.rule_dates import find_dates
from nlu.rule_times import find_times
from nlu.text_spans import STOP_AFTER, Found, fold_text, prev_word


@dataclass(frozen=True)
class RuleEntity:
    entity: str  # "date" | "time" | "amount" | "phone" | "account_number"
    start: int  # character offsets into the original text
    end: int
    value: (
        Any  # normalised: ISO date or {"from", "to"}, "HH:MM" or {"from", "to"}, float rubles, "+7…", digits
    )
    text: str  # text[start:end]


# Words that open a date or time span when right before it, per entity (nlu/lexicon/spans.yml).
_PREPOSITIONS = {
    entity: frozenset(words) for entity, words in lexicon("spans")["governing_prepositions"].items()
}
# Prepositions that belong to a date only when it ends with one of the given words ("on this week").
_LOCATIVE = {word: tuple(ends) for word, ends in lexicon("spans")["locative_prepositions"].items()}

# On equal spans: an account cue beats a phone shape, and "at 10.10" is a time before it is a date.
_PRIORITY = {"account_number": 0, "phone": 1, "amount": 2, "time": 3, "date": 4}

# ---------------------------------------------------------------------------------------------- amounts

_MONEY = lexicon("amounts")
_NUMBER = r"\d{1,3}(?: \d{3})+(?:[.,]\d{1,2})?(?!\d)|\d+(?:[.,]\d{1,2})?(?!\d|[.,]\d)"
_RUB = "(?:" + alternatives(_MONEY["rubles"]) + ")"
_KOPECK_WORD = _MONEY["kopecks"]
_KOPECKS = rf"(?:\s*(?P<kop>\d{{1,2}})\s*{_KOPECK_WORD})?"
_SCALE_WORD = "(?P<scale>" + alternatives(_MONEY["scales"]) + ")"
_WEAK_CUES = frozenset(_MONEY["weak_cues"])  # enough for "2k", not for a bare number
_AMOUNT_RE = re.compile(
    rf"(?:\b(?P<cue>{alternatives(_MONEY['cues'])})\s*[:\-]?\s*)?"
    rf"(?<![\d.,])(?P<span>(?P<num>{_NUMBER})(?:(?P<k>{_MONEY['thousands_suffix']})(?!\w)|\s*{_SCALE_WORD})?"
    rf"(?:\s+(?P<rest>\d{{1,3}}(?!\d)|{NUMBER_RUN})(?=\s*{_RUB}))?"
    rf"(?:\s*(?P<rub>{_RUB}))?{_KOPECKS})"
)
_WORD_AMOUNT_RE = re.compile(
    rf"(?<!\w)(?P<words>{NUMBER_RUN})(?:\s+(?P<rest>\d{{1,3}})(?!\d)(?=\s*{_RUB}))?(?:\s*(?P<rub>{_RUB}))?{_KOPECKS}"
)
_KOPECKS_ONLY_RE = re.compile(rf"(?<![\d.,])(?P<kop>\d{{1,2}})\s*{_KOPECK_WORD}")
_MULTIPLIERS: dict[str, float] = _MONEY["multipliers"]  # by the first letter of the scale


def _decimal(number: str) -> float:
    return float(number.replace(" ", "").replace(",", "."))


def _rest_value(rest: str | None) -> float | None:
    """The hundreds after a scale: "2 thousand 500 rubles", in digits or in words."""
    if rest is None:
        return 0.0
    value = float(rest) if rest.isdigit() else parse_number_words(rest)
    return value if value is not None and value < 1000 else None


def _amount_marked(m: re.Match[str], norm: str) -> bool:
    """Whether a number is money: a currency word, a scale that is not counting people, or a budget cue."""
    if m.group("rub") or m.group("kop"):
        return True
    cue = m.group("cue")
    if m.group("k"):
        return cue is not None  # "for 2k", "up to 2k"; a bare "2k" may be a building
    if cue is None and not m.group("scale"):
        return False
    if not m.group("scale") and cue in _WEAK_CUES:  # "up to 2000" alone is not money
        return False
    return not STOP_AFTER.match(norm, m.end())  # "2 thousand people"


def _digit_amounts(norm: str) -> Iterator[Found]:
    for m in _AMOUNT_RE.finditer(norm):
        rest = _rest_value(m.group("rest"))
        if rest is None or not _amount_marked(m, norm):
            continue
        scale = m.group("k") or m.group("scale")
        value = _decimal(m.group("num")) * (_MULTIPLIERS[scale[0]] if scale else 1.0) + rest
        value += int(m.group("kop") or 0) / 100
        yield Found("amount", m.start("span"), m.end("span"), round(value, 2))


def _word_amounts(norm: str) -> Iterator[Found]:
    for m in _WORD_AMOUNT_RE.finditer(norm):
        words = m.group("words").split()
        value = parse_number_words(m.group("words"))
        if value is None:
            continue
        if not (m.group("rub") or m.group("kop")):
            # "two thousand" is money even without "rubles"; "thousand" alone or "two thousand people" is not
            scaled = any(is_scale_word(word) for word in words) and not is_scale_word(words[0])
            if not scaled or STOP_AFTER.match(norm, m.end()):
                continue
        value += float(m.group("rest") or 0) + int(m.group("kop") or 0) / 100
        yield Found("amount", m.start(), m.end(), round(value, 2))


def _kopeck_amounts(norm: str) -> Iterator[Found]:
    for m in _KOPECKS_ONLY_RE.finditer(norm):
        yield Found("amount", m.start(), m.end(), int(m.group("kop")) / 100)


# ---------------------------------------------------------------------------------------------- phones

_CONTACTS = lexicon("contacts")
_PHONE_BODY = r"\(?\s?(?P<area>[3489]\d\d)\s?\)?[ -]?(?P<a>\d{3})[ -]?(?P<b>\d\d)[ -]?(?P<c>\d\d)(?!\d|-\d)"
_PHONE_RE = re.compile(rf"(?<![\d+])(?<!\d-)(?:\+\s?7|8|7(?=9\d{{9}}(?!\d)))[ -]?{_PHONE_BODY}")
# Ten digits without +7/8 only right after a phone word ("tel. 912 345 67 89") or the word "number".
_CUED_PHONE_RE = re.compile(
    rf"\b(?:(?:{alternatives(_CONTACTS['phone_words'])})(?:\s+[^\W\d]+){{0,3}}?|{_CONTACTS['number_word']})"
    rf"\s*[:\-]?\s*(?<![\d+])(?P<span>{_PHONE_BODY})"
)


def _phone_value(m: re.Match[str]) -> str:
    return "+7" + m.group("area") + m.group("a") + m.group("b") + m.group("c")


def _phones(norm: str) -> Iterator[Found]:
    for m in _PHONE_RE.finditer(norm):
        yield Found("phone", m.start(), m.end(), _phone_value(m))
    for m in _CUED_PHONE_RE.finditer(norm):
        yield Found("phone", m.start("span"), m.end("span"), _phone_value(m))


# ---------------------------------------------------------------------------------------------- accounts

_ACCOUNT_RE = re.compile(
    rf"\b(?:{alternatives(_CONTACTS['account_words'])})(?:\s+[^\W\d]+){{0,3}}?\s*[№#:\-]?\s*"
    r"(?<!\d)(?P<span>\d+(?:[ -]\d+)*)(?!\d|[.,/]\d)"
)
_DIGIT_GROUP_RE = re.compile(r"\d+")
_ACCOUNT_DIGITS = range(6, 13)


def _account_groups(norm: str, start: int, end: int) -> tuple[str, int]:
    """The account digits and where they end. "100 200 3004" is one number, but "123456 15" stops at 123456:
    a first group of six or more digits stands alone, later groups must look like parts (3–4 digits)."""
    groups = list(_DIGIT_GROUP_RE.finditer(norm, start, end))
    digits, last = groups[0].group(), groups[0].end()
    if len(digits) < _ACCOUNT_DIGITS.start:
        for group in groups[1:]:
            part = group.group()
            if not 3 <= len(part) <= 4 or len(digits) + len(part) > _ACCOUNT_DIGITS.stop - 1:
                break
            digits, last = digits + part, group.end()
    return digits, last


def _accounts(norm: str) -> Iterator[Found]:
    for m in _ACCOUNT_RE.finditer(norm):
        digits, end = _account_groups(norm, m.start("span"), m.end("span"))
        if len(digits) in _ACCOUNT_DIGITS:
            yield Found("account_number", m.start("span"), end, digits)


# ---------------------------------------------------------------------------------------------- all together


def _without_overlaps(found: list[Found], size: int) -> list[Found]:
    """The longest matches first, then the surest kind; kept in text order. `size` is the text's length.

    `covered` marks the characters of the matches kept so far: a candidate is checked in time proportional to its
    own length rather than against every kept match (which was quadratic on a long message). Every finder's match
    spans at least one character, so sharing a character is the same as overlapping."""
    covered = bytearray(size)
    kept: list[Found] = []
    for candidate in sorted(found, key=lambda f: (f.start - f.end, _PRIORITY[f.entity], f.start)):
        if covered.find(1, candidate.start, candidate.end) == -1:
            covered[candidate.start : candidate.end] = b"\x01" * (candidate.end - candidate.start)
            kept.append(candidate)
    return sorted(kept, key=lambda f: f.start)


def extract_rule_entities(text: str, now: datetime) -> list[RuleEntity]:
    """`now` is a timezone-aware datetime in the resident's time zone. Sorted by start, non-overlapping
    (longest match wins)."""
    norm = fold_text(text)
    dates = find_dates(norm, now.date())
    found = [
        *dates,
        *find_times(norm, {d.end: d.start for d in dates}),
        *_digit_amounts(norm),
        *_word_amounts(norm),
        *_kopeck_amounts(norm),
        *_phones(norm),
        *_accounts(norm),
    ]
    return [
        RuleEntity(f.entity, f.start, f.end, f.value, text[f.start : f.end])
        for f in _without_overlaps(found, len(norm))
    ]


def _governs(word: str, match: RuleEntity, norm: str) -> bool:
    if word in _PREPOSITIONS.get(match.entity, ()):
        return True
    return match.entity == "date" and norm[match.start : match.end].endswith(_LOCATIVE.get(word, ()))


def with_prepositions(text: str, matches: list[RuleEntity]) -> list[RuleEntity]:
    """The spans the NLU contract gives dates and times ("on Saturday", "by 18:00" with the preposition): each
    date or time starts at a preposition of its entity's list right before it (or at a locative one, "on this
    week", where the date ends as that preposition wants), unless that word ends the match before. The rules
    themselves match without it (a preposition changes no value)."""
    norm = fold_text(text)
    spans = []
    for i, match in enumerate(matches):
        word, begin = prev_word(norm, match.start)
        previous_end = matches[i - 1].end if i else 0
        if _governs(word, match, norm) and begin >= previous_end:
            spans.append(RuleEntity(match.entity, begin, match.end, match.value, text[begin : match.end]))
        else:
            spans.append(match)
    return spans
