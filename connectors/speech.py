"""What a voice assistant says for a bot's written answer (Alice's `tts`), cutting text to a size, and the
phrases a resident says to the channel rather than to the bot (`heard_phrases`).

`spoken(text)` turns what a resident reads into what a speaker should say:

- markdown goes (bold, italic, code, links keep their words) and so do emoji; a bare web address becomes the
  word `link` of the vocabulary;
- money is said in words with nouns that agree with the number (one, few, many); dates get ordinals and the
  month in the genitive, the year an ordinal in the genitive. Both take the case the preceding word asks for
  (`case_after` in the vocabulary); cases not listed there fall back to the nominative;
- long digit strings (account, receipt and order numbers: 5 digits and more) are said in groups of three and two
  digits, leading zeros one by one; phone numbers (+7, also masked ones) group by group; numbers joined by
  hyphens are identifiers, said part by part;
- numbers with a decimal comma are said in words, and so are numbers with thousands separators. Other plain
  numbers stay digits: Alice's speech synthesis puts them in the case of the sentence, which a nominative in
  words could not do.

Number words come from `num2words` (lang="ru"); every other word from `speech.yml` beside this module and the
month names from the engine's `russian.yml`. `+`, `<` and `>` are markup in Alice's `tts` and never reach it.
"""

# Examples (tests/connectors/test_speech.py has more):
#   «К оплате 1 500,50 ₽»  → «К оплате тысяча пятьсот рублей пятьдесят копеек»
#   «Долг 21 ₽, пени 2,01 ₽» → «Долг двадцать один рубль, пени два рубля одна копейка»
#   «Оплатите до 12.03.2026» → «Оплатите до двенадцатого марта две тысячи двадцать шестого года»
#   «Лицевой счёт 1234567890» → «Лицевой счёт сто двадцать три, четыреста пятьдесят шесть, семьдесят восемь, девяносто»
#   «всего 12 345 кВт·ч» → «всего двенадцать тысяч триста сорок пять кВт·ч»; «120,5» → «сто двадцать целых пять десятых»
#   «в 5 домах» stays as it is: the synthesis declines the number itself.

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from num2words import num2words

from engine.lexicon import load_lexicon
from engine.russian import month_genitive

VOCABULARY = Path(__file__).resolve().parent / "speech.yml"
NOMINATIVE, GENITIVE = "nominative", "genitive"
SPACE = "[ \u00a0\u202f]"  # a space, a no-break space or a narrow no-break space
SENTENCE_END = re.compile(r"[.!?…](?:[»\")\]]*)\s+|\n+")
DROPPED = {"\u200d", "\ufe0e", "\ufe0f", "\u20e3"}  # joiners, variation selectors, keycaps of emoji

LINK = re.compile(r"\[([^\]]*)\]\((?:[^)\s]+)\)")
URL = re.compile(r"\bhttps?://\S+|\bwww\.\S+")
EMPHASIS = re.compile(r"(\*{1,2}|_{1,2})(?=\S)(.+?)(?<=\S)\1")
PHONE = re.compile(r"\+7[\s\-]*\(?([\d*•]{3})\)?[\s\-]*([\d*•]{3})[\s\-]*([\d*•]{2})[\s\-]*([\d*•]{2})(?!\d)")
NUMERIC_DATE = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?![\d])")
DECIMAL = re.compile(r"(?<![\d,.])(\d+),(\d+)(?![\d,])")
THOUSANDS = re.compile(rf"(?<![\d,])(\d{{1,3}}(?:{SPACE}\d{{3}})+)(?![\d])")
IDENTIFIER = re.compile(r"(?<![\d.,])\d+(?:-\d+)+(?![\d,]|\.\d)")
DIGITS = re.compile(r"\d{5,}")


@lru_cache(maxsize=1)
def vocabulary() -> Dict[str, Any]:
    """The words of `speech.yml`."""
    return load_lexicon(VOCABULARY)


def words(number: int, case: str = NOMINATIVE, gender: str = "m") -> str:
    """A cardinal number in words; a leading one of thousands or millions is not said (1500: "thousand five
    hundred", as Russians say it)."""
    said = num2words(number, lang="ru", case=case, gender=gender, animate=False)
    leading = str(number)[: (len(str(number)) - 1) % 3 + 1]
    if number >= 1000 and leading == "1":
        said = said.split(" ", 1)[1]
    return said


def form(count: int, forms: Sequence[str]) -> str:
    """The noun form Russian asks for after `count`: forms are (one, few, many)."""
    one, few, many = forms
    tens, units = count % 100, count % 10
    if 11 <= tens <= 14:
        return many
    if units == 1:
        return one
    return few if 2 <= units <= 4 else many


def digit_groups(digits: str) -> str:
    """A long digit string said in groups of three, the last ones in groups of two: 1234567890 as 123, 456, 78,
    90."""
    threes, remainder = divmod(len(digits), 3)
    sizes = [3] * threes
    if remainder == 2:
        sizes.append(2)
    elif remainder == 1:
        sizes[-1:] = [2, 2]
    groups, start = [], 0
    for size in sizes:
        groups.append(group_words(digits[start : start + size]))
        start += size
    return ", ".join(groups)


def group_words(digits: str) -> str:
    """A group of digits: each leading zero said alone, then the rest as a number (05: zero, five)."""
    significant = digits.lstrip("0")
    zeros = [words(0)] * (len(digits) - len(significant))
    return " ".join(zeros + ([words(int(significant))] if significant else []))


def case_before(text: str, position: int) -> str:
    """The case the word right before `position` asks for (`case_after` of the vocabulary), else the nominative."""
    previous = re.search(r"(\w+)\W*$", text[:position])
    word = previous.group(1).lower() if previous else ""
    for case, prepositions in (vocabulary().get("case_after") or {}).items():
        if word in prepositions:
            return case
    return NOMINATIVE


def money_words(rubles: int, kopecks: int, case: str = NOMINATIVE) -> str:
    """Rubles and kopecks in words with agreeing nouns; zero rubles or zero kopecks are not said (unless both
    are zero)."""
    spoken = vocabulary()
    parts: List[str] = []
    if rubles or not kopecks:
        parts.append(f"{words(rubles, case)} {form(rubles, spoken['ruble'][case])}")
    if kopecks:
        parts.append(f"{words(kopecks, case, gender='f')} {form(kopecks, spoken['kopeck'][case])}")
    return " ".join(parts)


def date_words(day: int, month: int, year: Optional[int], case: str = NOMINATIVE) -> str:
    """The day as a neuter ordinal, the month in the genitive, the year as a genitive ordinal with its word."""
    said = f"{num2words(day, lang='ru', to='ordinal', case=case, gender='n')} {month_genitive(month)}"
    if year is not None:
        said += f" {num2words(year, lang='ru', to='ordinal', case=GENITIVE)} {vocabulary()['year']}"
    return said


def _alternatives(values: Sequence[str]) -> str:
    return "|".join(re.escape(value) for value in sorted(values, key=len, reverse=True))


@lru_cache(maxsize=1)
def _money_pattern() -> re.Pattern:
    marks = _alternatives(vocabulary()["currency_marks"])
    return re.compile(
        rf"(?<![\d,])(\d{{1,3}}(?:{SPACE}\d{{3}})+|\d+)(?:,(\d{{1,2}}))?{SPACE}?(?:{marks})(?!\w)"
    )


@lru_cache(maxsize=1)
def _year_mark() -> str:
    return rf"(?:{SPACE}?(?:{_alternatives(vocabulary()['year_marks'])})(?!\w))?"


@lru_cache(maxsize=1)
def _date_patterns() -> Tuple[re.Pattern, re.Pattern]:
    months = _alternatives([month_genitive(month) for month in range(1, 13)])
    numeric = re.compile(NUMERIC_DATE.pattern + _year_mark())
    worded = re.compile(
        rf"(?<![\d,.])(\d{{1,2}}){SPACE}({months})(?!\w)(?:{SPACE}(\d{{4}})(?!\d){_year_mark()})?"
    )
    return numeric, worded


def _money(match: re.Match) -> str:
    rubles = int(re.sub(r"\D", "", match.group(1)))
    kopecks = int((match.group(2) or "0").ljust(2, "0"))
    return money_words(rubles, kopecks, case_before(match.string, match.start()))


def _numeric_date(match: re.Match) -> str:
    day, month, year = (int(group) for group in match.group(1, 2, 3))
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return match.group(0)
    return date_words(day, month, year, case_before(match.string, match.start()))


def _worded_date(match: re.Match) -> str:
    day = int(match.group(1))
    month = [month_genitive(number) for number in range(1, 13)].index(match.group(2)) + 1
    year = int(match.group(3)) if match.group(3) else None
    if not 1 <= day <= 31:
        return match.group(0)
    return date_words(day, month, year, case_before(match.string, match.start()))


def _phone(match: re.Match) -> str:
    groups = [group_words(group) for group in match.groups() if group.isdigit()]
    return ", ".join([f"{vocabulary()['plus']} {words(7)}", *groups])


def _thousands(match: re.Match) -> str:
    return words(int(re.sub(r"\D", "", match.group(1))), case_before(match.string, match.start()))


def _identifier(match: re.Match) -> str:
    parts = match.group(0).split("-")
    return ", ".join(digit_groups(part) if len(part) >= 5 else group_words(part) for part in parts)


def _decimal(match: re.Match) -> str:
    return num2words(Decimal(f"{match.group(1)}.{match.group(2)}"), lang="ru")


def plain(text: str) -> str:
    """The text without markdown, emoji and web addresses (links keep their words)."""
    text = LINK.sub(lambda match: match.group(1), text)
    text = URL.sub(vocabulary()["link"], text)
    text = PHONE.sub(_phone, text)
    text = EMPHASIS.sub(lambda match: match.group(2), text)
    text = re.sub(r"[*_`#~<>]", "", text)
    text = re.sub(r"\+(?!\d)", "", text)
    text = text.replace("№", f" {vocabulary()['number_sign']} ")
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if char in DROPPED or category in ("So", "Cs", "Co") or (category == "Sk" and ord(char) > 0xFFFF):
            continue
        kept.append(" " if char == "•" else char)
    return "".join(kept)


def spoken(text: str) -> str:
    """What a speaker should say for a written answer (see the module docstring)."""
    text = plain(text)
    text = _money_pattern().sub(_money, text)
    numeric_date, worded_date = _date_patterns()
    text = numeric_date.sub(_numeric_date, text)
    text = worded_date.sub(_worded_date, text)
    text = DECIMAL.sub(_decimal, text)
    text = THOUSANDS.sub(_thousands, text)
    text = IDENTIFIER.sub(_identifier, text)
    text = DIGITS.sub(lambda match: digit_groups(match.group(0)), text)
    text = text.replace("+", f" {vocabulary()['plus']} ")
    lines = [line.strip(" \t-") for line in text.splitlines() if line.strip(" \t-")]
    ended = [line if line[-1] in ".!?…:;," else line + "." for line in lines[:-1]]
    text = " ".join(ended + lines[-1:])
    return re.sub(r"\s+", " ", text).strip()


def cut(text: str, limit: int) -> Tuple[str, str]:
    """(head, rest): the text split after the last sentence that fits in `limit` characters, or after the last
    whole word when no sentence ends in the first half of it; nothing is dropped but the spaces at the cut."""
    text = text.strip()
    if len(text) <= limit:
        return text, ""
    window = text[: limit + 1]
    ends = [match.end() for match in SENTENCE_END.finditer(window) if match.start() < limit]
    position = ends[-1] if ends and ends[-1] > limit // 2 else 0
    if not position:
        space = max(window.rfind(" "), window.rfind("\n"))
        position = space if space > 0 else limit
    return text[:position].rstrip(), text[position:].strip()


def shortened(text: str, limit: int) -> str:
    """The text in at most `limit` characters: cut after a whole word, with «…» when anything was cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if " " in head and not text[limit - 1].isspace():
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,.;:—-") + "…"


def folded(text: str) -> str:
    """Lower case, accents and punctuation dropped: how phrases of the resident are compared."""
    decomposed = unicodedata.normalize("NFD", (text or "").lower())
    letters = "".join(char for char in decomposed if unicodedata.category(char) != "Mn")
    return " ".join(re.sub(r"[^\w\s]", " ", letters).split())


@lru_cache(maxsize=4)
def heard_phrases(kind: str) -> frozenset:
    """A list of phrases of the vocabulary (`fetch_phrases`, `continue_phrases`), folded."""
    return frozenset(folded(said) for said in vocabulary().get(kind) or [])
