"""Times of day in Russian resident messages: clock times, ranges, noon and midnight, parts of the day.

Works on text folded by `nlu.text_spans.fold_text`; the words are in `nlu/lexicon/times.yml`.

"for" (the `after_date_cues`) makes a number an hour only right after a date said with it too ("for tomorrow for
12 o'clock"): elsewhere it is a duration ("off for 2 hours", "tomorrow, off for 2 hours").

Documented choice: an hour of 1–6 with no part of the day and no leading zero ("at 3", "at three o'clock",
"at 5:30") is afternoon: nobody books a visit for 3 a.m. without saying "at night". "03:00" or "3 at night" is
taken literally.
"""

from __future__ import annotations

import re
from typing import Iterator, Mapping, NamedTuple

from nlu.lexicons import alternatives, lexicon, longest_first, phrase_pattern
from nlu.text_spans import STOP_AFTER, Found, prev_word

_WORDS = lexicon("times")

# Hour words and the grammatical case they are in: nominative after "at", dative after "by", genitive after
# "until/after/from/about".
_HOUR_WORDS: dict[str, tuple[int, str]] = {
    word: (hour, cases) for word, (hour, cases) in _WORDS["hour_words"].items()
}
_CUE_CASE: dict[str, str] = _WORDS["cue_cases"]
_BARE_CUES = frozenset(_WORDS["bare_cues"])
_POINT_CUES = frozenset(_WORDS["point_cues"])  # "at 10.10" is a time, "until 10.10" a date
_AT_CUES = frozenset(_WORDS["at_cues"])
_AFTER_DATE_CUES = frozenset(_WORDS["after_date_cues"])
_REPEAT_WORD: str = _WORDS["repeat_word"]
_RANGE_CUES = frozenset(_WORDS["range_cues"])
_BETWEEN: str = _WORDS["between_cue"]
_UNTIL_JOIN: str = _WORDS["range_joins"]["until"]
_BETWEEN_JOIN: str = _WORDS["range_joins"]["between"]
_PART_OF: dict[str, str] = _WORDS["day_part_words"]  # word -> morning | afternoon | evening | night
_HOUR_WORD = "(?:" + longest_first(_HOUR_WORDS) + r")(?!\w)"
_END = r"(?!\w|-\w|[.,:/]\d)"  # not "15th", "10-12", "10.5"
_OPEN_END = r"(?!\w|-[^\W\d]|[.,:/]\d)"  # the first clock of a range may be followed by "-12"


def _clock_pattern(n: str, end_guard: str) -> str:
    """A clock time with its groups suffixed by `n` (two clocks make a range)."""
    return (
        rf"(?P<h{n}>\d{{1,2}}(?!\d)|{_HOUR_WORD})"
        rf"(?:(?P<sep{n}>[:.])(?P<m{n}>\d\d)(?!\d)|-(?P<hm{n}>00|2[4-9]|[3-5]\d)(?!\d))?"
        rf"(?:\s*(?P<hw{n}>{_WORDS['hours_word']})"
        rf"(?:\s*(?P<mm{n}>\d{{1,2}})\s*{_WORDS['minutes_word']})?)?"
        rf"(?:\s+(?P<pod{n}>{alternatives(_PART_OF)})(?!\w))?" + end_guard
    )


_TIME_RE = re.compile(r"(?<![\w.,:/])" + _clock_pattern("", _END))
_TIME_RANGE_RE = re.compile(
    r"(?<![\w.,:/])" + _clock_pattern("a", _OPEN_END)
    + rf"(?:\s*-\s*|\s+(?P<join>{alternatives(_WORDS['range_joins'].values())})\s+)" + _clock_pattern("b", _END)
)  # fmt: skip
_ONE_OCLOCK: dict[str, str] = _WORDS["one_oclock"]["times"]
_ONE_OCLOCK_RE = re.compile(rf"\b{_WORDS['one_oclock']['word']}\s+(?P<pod>{alternatives(_ONE_OCLOCK)})(?!\w)")
_NOON, _MIDNIGHT = _WORDS["noon"], _WORDS["midnight"]
_NOON_RE = re.compile(
    rf"\b(?:(?P<noon>{alternatives(_NOON['words'])})|{alternatives(_MIDNIGHT['words'])})(?!\w)"
)
_DAY_PARTS: dict[str, tuple[str, str]] = {phrase: tuple(span) for phrase, span in _WORDS["day_parts"].items()}
_DAY_PART_RE = re.compile(r"\b(?:" + alternatives(map(phrase_pattern, _DAY_PARTS)) + r")(?!\w)")
# Greetings and adjectives before a part of the day ("happy birthday", "good morning"): not times.
_NOT_DAY_PART_AFTER = frozenset(_WORDS["not_day_part_after"])
_ADJECTIVE_ENDINGS = tuple(_WORDS["adjective_endings"])


class _Clock(NamedTuple):
    hour: int
    minute: int
    sep: str | None  # ":", "." or "-" when minutes are written with the hour
    hours_word: bool  # the word "hours" follows
    part: str | None  # morning / afternoon / evening / night
    padded: bool  # written with a leading zero: "03:00"

    @property
    def bare(self) -> bool:
        return not (self.sep or self.hours_word or self.part)

    @property
    def looks_like_date(self) -> bool:
        """ "10.05" with nothing else could just as well be the 10th of May."""
        return (
            self.sep == "."
            and not (self.hours_word or self.part)
            and 1 <= self.hour <= 31
            and 1 <= self.minute <= 12
        )


def _read_clock(m: re.Match[str], n: str, case: str) -> _Clock | None:
    raw = m.group("h" + n)
    sep = m.group("sep" + n) or ("-" if m.group("hm" + n) else None)
    if raw.isdigit():
        hour = int(raw)
    else:
        hour, cases = _HOUR_WORDS[raw]
        if case not in cases or sep:
            return None
    if sep and m.group("mm" + n):
        return None
    minute = int(m.group("m" + n) or m.group("hm" + n) or m.group("mm" + n) or 0)
    if hour > 23 or minute > 59:
        return None
    part = m.group("pod" + n)
    return _Clock(
        hour, minute, sep, bool(m.group("hw" + n)), _PART_OF[part] if part else None, raw.startswith("0")
    )


def _with_part(hour: int, part: str) -> int | None:
    """The 24-hour value of `hour` said with a part of the day; None when they do not go together ("9 at night")."""
    if part == "morning":
        return hour if 1 <= hour <= 11 else None
    if part == "afternoon":
        return hour + 12 if 1 <= hour <= 6 else hour if 10 <= hour <= 18 else None
    if part == "evening":
        return hour + 12 if 4 <= hour <= 11 else hour if 16 <= hour <= 23 else None
    if hour == 12:  # night
        return 0
    return hour if hour <= 5 or hour >= 21 else hour + 12 if 9 <= hour <= 11 else None


def _minutes(clock: _Clock, part: str | None) -> int | None:
    """Minutes since midnight; 1–6 o'clock with no part of the day and no leading zero is afternoon."""
    if part:
        hour = _with_part(clock.hour, part)
    elif not clock.padded and 1 <= clock.hour <= 6:
        hour = clock.hour + 12
    else:
        hour = clock.hour
    return None if hour is None else hour * 60 + clock.minute


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _is_time_alone(norm: str, end: int, clock: _Clock, cue: str, cue_start: int) -> bool:
    """Whether a single clock is a time given the word before it (`cue`) and what follows it."""
    if cue in _AT_CUES and prev_word(norm, cue_start)[0] == _REPEAT_WORD:  # "once in 3 days"
        return False
    if clock.sep == ":" or clock.part in ("morning", "evening") or (clock.hours_word and clock.part):
        return True
    if cue not in _CUE_CASE:
        return False
    if clock.part or clock.hours_word or clock.sep == "-":
        return True
    if clock.sep == ".":
        return cue in _POINT_CUES or not clock.looks_like_date
    return cue in _BARE_CUES and not STOP_AFTER.match(norm, end)


def _follows_date(norm: str, cue: str, cue_start: int, dates: Mapping[int, int]) -> bool:
    """The cue right after a date said with the same cue: "for tomorrow for 12"."""
    if cue not in _AFTER_DATE_CUES:
        return False
    before_cue = cue_start  # where the text before the cue ends, spaces and commas left out
    while before_cue > 0 and norm[before_cue - 1] in " ,":
        before_cue -= 1
    date_start = dates.get(before_cue)
    return date_start is not None and prev_word(norm, date_start)[0] in _AFTER_DATE_CUES


def _single_times(norm: str, dates: Mapping[int, int]) -> Iterator[Found]:
    for m in _TIME_RE.finditer(norm):
        cue, cue_start = prev_word(norm, m.start())
        clock = _read_clock(m, "", _CUE_CASE.get(cue, "n"))
        if clock is None:
            continue
        after_date = _follows_date(norm, cue, cue_start, dates) and not STOP_AFTER.match(norm, m.end())
        if not after_date and not _is_time_alone(norm, m.end(), clock, cue, cue_start):
            continue
        minutes = _minutes(clock, clock.part)
        if minutes is not None:
            yield Found("time", m.start(), m.end(), _hhmm(minutes))


def _range_minutes(first: _Clock, last: _Clock) -> tuple[int, int] | None:
    """ "from 8 to 10 in the evening" lends the part of the day to both ends; "from 5 to 8" is 17:00–20:00."""
    end = _minutes(last, last.part)
    if end is None:
        return None
    start = _minutes(first, last.part) if first.part is None and last.part else None
    if start is None or start >= end:
        start = _minutes(first, first.part)
    if start is None:
        return None
    if start >= end and last.part is None and not last.padded and end < 12 * 60:
        end += 12 * 60
    if start < end or (last.part and start != end):  # over midnight only when said: "from 23 to 6 a.m."
        return start, end
    return None


def _time_ranges(norm: str) -> Iterator[Found]:
    for m in _TIME_RANGE_RE.finditer(norm):
        cue = prev_word(norm, m.start())[0]
        join = m.group("join") or "-"
        if (cue == _BETWEEN) != (join == _BETWEEN_JOIN):
            continue
        case = _CUE_CASE.get(cue, "n")
        first = _read_clock(m, "a", case)
        last = _read_clock(m, "b", "g" if join == _UNTIL_JOIN else case)
        if first is None or last is None or first.looks_like_date or last.looks_like_date:
            continue
        if cue not in _RANGE_CUES and not (first.sep == ":" and last.sep == ":"):
            continue
        if last.bare and STOP_AFTER.match(norm, m.end()):  # "from 10 to 12 years old"
            continue
        minutes = _range_minutes(first, last)
        if minutes is not None:
            yield Found("time", m.start(), m.end(), {"from": _hhmm(minutes[0]), "to": _hhmm(minutes[1])})


def _named_times(norm: str) -> Iterator[Found]:
    """ "at one in the afternoon", "at noon", "at midnight"."""
    for m in _ONE_OCLOCK_RE.finditer(norm):
        if prev_word(norm, m.start())[0] in _CUE_CASE:
            yield Found("time", m.start(), m.end(), _ONE_OCLOCK[m.group("pod")])
    for m in _NOON_RE.finditer(norm):
        yield Found("time", m.start(), m.end(), _NOON["time"] if m.group("noon") else _MIDNIGHT["time"])


def _day_parts(norm: str) -> Iterator[Found]:
    for m in _DAY_PART_RE.finditer(norm):
        before = prev_word(norm, m.start())[0]
        if before in _NOT_DAY_PART_AFTER or before.endswith(_ADJECTIVE_ENDINGS):
            continue
        start, end = _DAY_PARTS[" ".join(m.group().split())]
        yield Found("time", m.start(), m.end(), {"from": start, "to": end})


def find_times(norm: str, dates: Mapping[int, int] | None = None) -> list[Found]:
    """Every time candidate in folded text, overlapping ones included; `dates` maps where each date found in the
    same text ends to where it starts."""
    return [*_single_times(norm, dates or {}), *_time_ranges(norm), *_named_times(norm), *_day_parts(norm)]
