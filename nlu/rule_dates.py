"""Dates and times in Russian resident messages, plus the text helpers and number words shared with amounts.

Everything here works on text folded by `fold_text` (lower case, ё → е, one character for one), so offsets of a
match are offsets into the original message. Spans leave out prepositions ("на завтра" → "завтра") except where
the preposition is the meaning ("через неделю", "после обеда").

Documented choices:
* A weekday on its own or with "этот/ближайший" ("в пятницу", "в эту пятницу") is the nearest such day from today
  on, today included. "следующий/будущий …" is that weekday of next calendar week (weeks start on Monday), the
  usual reading of "в следующую среду": on a Monday it is nine days away, on a Sunday three. "прошлый …" is
  last week's.
* A day and month without a year ("15 марта", "15.03") is this year's, unless that is over `ROLLOVER_DAYS` ago:
  then next year's. In November "15 января" is next January, while "1 ноября" is still this year's (residents
  do report what happened three weeks ago).
* A day without a month ("15-го", "к 10-му", "до 10 числа") is in this month, or in the next month that has
  that day once it has passed.
* "в выходные" is the Saturday–Sunday from the nearest Saturday on (a Saturday counts, a Sunday does not);
  "на этой неделе" and "в этом месяце" run from today to their end.
* An hour of 1–6 with no part of the day and no leading zero ("в 3", "в три часа", "в 5:30") is afternoon:
  nobody books a visit for 3 a.m. without saying "ночи". "03:00" or "в 3 ночи" is taken literally.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from typing import Any, Iterator, NamedTuple

ROLLOVER_DAYS = 60


class Found(NamedTuple):
    """One match before overlaps are resolved; offsets are into the folded, and so the original, text."""

    entity: str
    start: int
    end: int
    value: Any


# ---------------------------------------------------------------------------------------------- text helpers

_FOLD = str.maketrans({"ё": "е", "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2013": "-", "\u2014": "-"})


def fold_text(text: str) -> str:
    """Lower case, ё → е, exotic spaces and dashes → plain ones, keeping one character for each original one."""
    folded = text.lower()
    if len(folded) != len(text):  # a few characters ("İ") lower-case into two
        folded = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    return folded.translate(_FOLD)


def prev_word(norm: str, start: int) -> tuple[str, int]:
    """The word right before `start` with only spaces between, and where it begins ("" if punctuation is there)."""
    end = start
    while end > 0 and norm[end - 1].isspace():
        end -= 1
    begin = end
    while begin > 0 and norm[begin - 1].isalnum():
        begin -= 1
    return norm[begin:end], begin


# Nouns that make the number before them a count, an address or money rather than a time or a day.
STOP_NOUN = (
    r"(?:квартир\w*|кв|подъезд\w*|под|дом(?:а|е|у|ом|ов|ах)?|д|корпус\w*|корп|строени\w*|стр|этаж\w*|эт"
    r"|раз(?:а|ов)?|рубл\w*|руб|р|₽|коп\w*|тыс\w*|млн|миллион\w*|штук\w*|шт|процент\w*|%"
    r"|метр\w*|м|км|см|мм|кг|г|гр|грамм\w*|л|литр\w*|куб\w*|градус\w*"
    r"|человек\w*|чел|жител\w*|дет(?:ей|и)|год\w*|лет|месяц\w*|недел\w*|дн(?:я|ей|и)|день|сут\w*"
    r"|час(?:а|ов)?|минут\w*|мин|секунд\w*|сек|числ\w*"
    r"|комнат\w*|окн\w*|окон|мест\w*|класс\w*|групп\w*|школ\w*|кабинет\w*|каб|офис\w*|участ\w*"
    r"|автобус\w*|маршрут\w*|трамва\w*|троллейбус\w*|машин\w*|счет\w*|заявк\w*|квитанц\w*|показани\w*"
    r"|улиц\w*|ул|мкр|микрорайон\w*|район\w*|лини[ия]|пункт\w*|п|ряд\w*|секци\w*|блок\w*"
    r"|контейнер\w*|бак\w*|мешк\w*|пакет\w*|шаг\w*|балл\w*|половин\w*|смен\w*|экземпляр\w*|вариант\w*"
    r"|случа\w*|очеред\w*|этап\w*|сторон\w*|квартал\w*)(?!\w)"
)
STOP_AFTER = re.compile(rf"\s*(?:\d|{STOP_NOUN})")

# ---------------------------------------------------------------------------------------------- number words

_UNIT, _TEEN, _TEN, _HUNDRED, _SCALE = range(5)
_NUMBER_TABLE: tuple[tuple[float, int, str], ...] = (
    (1, _UNIT, "один одна одно одну одного одной одному"),
    (1.5, _UNIT, "полтора полторы полутора"),
    (2, _UNIT, "два две двух двум пара пару"),
    (3, _UNIT, "три трех трем"),
    (4, _UNIT, "четыре четырех четырем"),
    (5, _UNIT, "пять пяти"),
    (6, _UNIT, "шесть шести"),
    (7, _UNIT, "семь семи"),
    (8, _UNIT, "восемь восьми"),
    (9, _UNIT, "девять девяти"),
    (10, _TEEN, "десять десяти"),
    (11, _TEEN, "одиннадцать одиннадцати"),
    (12, _TEEN, "двенадцать двенадцати"),
    (13, _TEEN, "тринадцать тринадцати"),
    (14, _TEEN, "четырнадцать четырнадцати"),
    (15, _TEEN, "пятнадцать пятнадцати"),
    (16, _TEEN, "шестнадцать шестнадцати"),
    (17, _TEEN, "семнадцать семнадцати"),
    (18, _TEEN, "восемнадцать восемнадцати"),
    (19, _TEEN, "девятнадцать девятнадцати"),
    (20, _TEN, "двадцать двадцати"),
    (30, _TEN, "тридцать тридцати"),
    (40, _TEN, "сорок сорока"),
    (50, _TEN, "пятьдесят пятидесяти"),
    (60, _TEN, "шестьдесят шестидесяти"),
    (70, _TEN, "семьдесят семидесяти"),
    (80, _TEN, "восемьдесят восьмидесяти"),
    (90, _TEN, "девяносто девяноста"),
    (100, _HUNDRED, "сто ста"),
    (200, _HUNDRED, "двести двухсот"),
    (300, _HUNDRED, "триста трехсот"),
    (400, _HUNDRED, "четыреста четырехсот"),
    (500, _HUNDRED, "пятьсот пятисот"),
    (600, _HUNDRED, "шестьсот шестисот"),
    (700, _HUNDRED, "семьсот семисот"),
    (800, _HUNDRED, "восемьсот восьмисот"),
    (900, _HUNDRED, "девятьсот девятисот"),
    (1000, _SCALE, "тысяча тысячи тысяч тысячу"),
    (1_000_000, _SCALE, "миллион миллиона миллионов"),
)
NUMBER_WORDS: dict[str, tuple[float, int]] = {
    form: (value, rank) for value, rank, forms in _NUMBER_TABLE for form in forms.split()
}
_NUMBER_WORD = "(?:" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")(?!\w)"
# A run of number words ("две тысячи пятьсот"); parse_number_words decides whether it is a well-formed number.
NUMBER_RUN = rf"{_NUMBER_WORD}(?:\s+{_NUMBER_WORD})*"


def is_scale_word(word: str) -> bool:
    """ "тысяча", "миллионов": words that multiply what comes before them."""
    return NUMBER_WORDS[word][1] == _SCALE


def parse_number_words(run: str) -> float | None:
    """The value of a run of Russian number words, None if they do not form one number ("два три")."""
    total = 0.0
    group = 0.0
    group_rank = _SCALE
    last_scale = float("inf")
    for word in run.split():
        value, rank = NUMBER_WORDS[word]
        if rank == _SCALE:
            if value >= last_scale:
                return None
            total += (group or 1) * value
            group, group_rank, last_scale = 0.0, _SCALE, value
        elif rank < group_rank and not (group_rank == _TEN and rank == _TEEN):
            group += value
            group_rank = rank
        else:
            return None
    return total + group


# ---------------------------------------------------------------------------------------------- dates

_DAY_OFFSETS = {
    "позавчера": -2, "вчера": -1, "сегодня": 0, "седня": 0, "завтра": 1, "послезавтра": 2, "после завтра": 2,
}  # fmt: skip
_RELATIVE_DAY_RE = re.compile(r"\b(?:позавчера|вчера|сегодня|седня|послезавтра|после\s+завтра|завтра)(?!\w)")

_WEEKDAY_BY_PREFIX = {
    "по": 0, "пн": 0, "вт": 1, "ср": 2, "че": 3, "чт": 3, "пя": 4, "пт": 4,
    "су": 5, "сб": 5, "во": 6, "вс": 6,
}  # fmt: skip
_WEEKDAY = (
    r"(?P<wd>понедельник(?:а|у|ом|е)?|вторник(?:а|у|ом|е)?|сред[ауые]|четверг(?:а|у|ом|е)?|пятниц(?:а|у|ы|е|ей)"
    r"|суббот(?:а|у|ы|е|ой)|воскресен[ьи](?:е|я|ю|ем)|(?P<abbr>пн|вт|ср|чт|пт|сб|вс)\.?)(?!\w)"
)
_WEEKDAY_RE = re.compile(
    r"\b(?:(?P<mod>эт(?:от|у|о|а|ой)|(?:следующ|будущ|ближайш)(?:ий|ую|ее|ая|ей|его|ему)"
    r"|прошл(?:ый|ую|ое|ая|ой|ого|ому)|кажд(?:ый|ую|ое|ая|ой|ого|ому))\s+)?" + _WEEKDAY
)
_DATE_PREPOSITIONS = frozenset({"в", "во", "к", "ко", "до", "на", "с", "со", "по", "от", "после", "перед"})

_MONTH = (
    r"(?P<month>(?:январ[ьяе]|феврал[ьяе]|март[ае]?|апрел[ьяе]|ма[йяе]|июн[ьяе]|июл[ьяе]|август[ае]?"
    r"|сентябр[ьяе]|октябр[ьяе]|ноябр[ьяе]|декабр[ьяе])(?!\w)"
    r"|(?:янв|февр?|мар|апр|июн|июл|авг|сент?|окт|нояб?|дек)(?:\.|(?!\w)))"
)
_MONTH_BY_PREFIX = {
    "янв": 1, "фев": 2, "мар": 3, "апр": 4, "май": 5, "мая": 5, "мае": 5, "июн": 6,
    "июл": 7, "авг": 8, "сен": 9, "окт": 10, "ноя": 11, "дек": 12,
}  # fmt: skip
_ORDINAL_STEMS = {
    "перв": 1, "втор": 2, "трет": 3, "четверт": 4, "пят": 5, "шест": 6, "седьм": 7, "восьм": 8, "девят": 9,
    "десят": 10, "одиннадцат": 11, "двенадцат": 12, "тринадцат": 13, "четырнадцат": 14, "пятнадцат": 15,
    "шестнадцат": 16, "семнадцат": 17, "восемнадцат": 18, "девятнадцат": 19, "двадцат": 20, "тридцат": 30,
}  # fmt: skip
_ORDINAL = (
    r"(?:(?P<otens>двадцать|тридцать)\s+)?(?P<ostem>"
    + "|".join(sorted(_ORDINAL_STEMS, key=len, reverse=True))
    + r")(?P<oend>ьего|ьему|ье|ого|ому|ое)(?!\w)"
)
_DAY_DIGITS = r"(?P<day>\d{1,2})(?:-?(?:го|е|ое|ого|му|ому))?"
# A year must not be the start of an amount: "15 марта 2000 рублей".
_NOT_MONEY = r"(?!к(?!\w))(?!\s*(?:руб|р(?:\.|(?![\w-]))|₽|тыс|млн|миллион))"
_DAY_MONTH_RE = re.compile(
    rf"(?<![\w.,:/])(?:{_DAY_DIGITS}\s*|{_ORDINAL}\s+){_MONTH}"
    rf"(?:\s+(?P<year>(?:19|20)\d\d)(?!\d){_NOT_MONEY}(?:\s*(?:год(?:а|у)?(?!\w)|г(?:\.|(?!\w))))?)?"
)
_NUMERIC_DATE_RE = re.compile(
    r"(?<![\w.,:/])(?P<day>\d{1,2})(?P<sep>[./])(?P<month>\d{1,2})"
    r"(?:(?P=sep)(?P<year>\d{4}|\d\d)(?:\s*(?:год(?:а|у)?(?!\w)|г(?:\.|(?!\w))))?)?(?!\d|[.,/:]\d)"
)
# Words after which "12.05" or "15/3" is a house, flat, order or meter reading, not a date.
_NUMBER_OWNER_RE = re.compile(
    r"дом\w*|д|кв|квартир\w*|корп\w*|подъезд\w*|офис\w*|номер\w*|заказ\w*|заявк\w*|показани\w*|счет\w*|лс|стр"
)
_DAY_OF_MONTH_RE = re.compile(
    rf"(?<![\w.,:/])(?:{_DAY_DIGITS}|{_ORDINAL})\s+числ[аоу](?!\w)"
    rf"|(?<![\w.,:/])(?P<sday>\d{{1,2}})-?(?:го|му)(?!\w)(?!{STOP_AFTER.pattern})"
)
_DAY_SPAN_RE = re.compile(
    rf"(?<![\w.,:/])(?P<first>\d{{1,2}})(?:-?(?:го|е))?(?:\s*-\s*|\s+(?P<join>по|до)\s+){_DAY_DIGITS}\s*{_MONTH}"
)
_INTERVAL_RE = re.compile(
    rf"\bчерез\s+(?:(?P<n>\d{{1,3}}(?!\d)|{NUMBER_RUN})\s+)?"
    r"(?P<unit>дн(?:я|ей)|день|сутки|суток|недел(?:ю|и|ь)|недельку|месяц(?:а|ев)?|год(?:а)?|лет)(?!\w)"
)
# Units by first letter: days, сутки and weeks count days; months and years (год/лет) are calendar ones.
_DAYS_PER_UNIT = {"д": 1, "с": 1, "н": 7}
_INTERVAL_LIMITS = {"д": 366, "с": 366, "н": 52, "м": 24, "г": 10, "л": 10}
_SINGLE_UNITS = frozenset({"день", "сутки", "неделю", "недельку", "месяц", "год"})
_PERIOD_RE = re.compile(
    r"\b(?:на\s+(?P<week>(?P<wmod>этой|текущей|следующей|будущей)\s+неделе)"
    r"|в\s+(?P<mon>(?P<mmod>этом|текущем|следующем|будущем)\s+месяце)"
    r"|(?:в|на)\s+(?P<weekend>(?:(?P<emod>эти|этих|следующие|следующих|ближайшие|ближайших|будущие|будущих)\s+)?"
    r"выходн(?:ые|ых)))(?!\w)"
)
_PAIR_GAP_RE = re.compile(r"\s*-\s*|\s+(?:по|до)\s+")


def _iso(day: date) -> str:
    return day.isoformat()


def _make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _monday(today: date) -> date:
    return today - timedelta(days=today.weekday())


def date_without_year(today: date, month: int, day: int) -> date | None:
    """This year's day, or next year's when this year's is more than ROLLOVER_DAYS ago."""
    for year in (today.year, today.year + 1):
        candidate = _make_date(year, month, day)
        if candidate is not None and (today - candidate).days <= ROLLOVER_DAYS:
            return candidate
    return None


def _day_of_month(today: date, day: int) -> date | None:
    """Day `day` of this month if it has not passed, else of the next month that has such a day."""
    year, month = today.year, today.month
    for _ in range(3):
        candidate = _make_date(year, month, day)
        if candidate is not None and candidate >= today:
            return candidate
        year, month = _next_month(year, month)
    return None


def _weekday_date(today: date, weekday: int, modifier: str) -> date:
    if modifier.startswith(("следующ", "будущ")):
        return _monday(today) + timedelta(days=7 + weekday)
    if modifier.startswith("прошл"):
        return _monday(today) + timedelta(days=weekday - 7)
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def _ordinal_day(m: re.Match[str]) -> int | None:
    """The day an ordinal word names ("двадцать пятого" → 25), None for a malformed one ("третого")."""
    stem = m.group("ostem")
    if (stem == "трет") != m.group("oend").startswith("ь"):
        return None
    value = _ORDINAL_STEMS[stem]
    tens = m.group("otens")
    if tens is None:
        return value
    return (20 if tens == "двадцать" else 30) + value if value <= 9 else None


def _day_number(m: re.Match[str]) -> int | None:
    return int(m.group("day")) if m.group("day") else _ordinal_day(m)


def _relative_days(norm: str, today: date) -> Iterator[Found]:
    for m in _RELATIVE_DAY_RE.finditer(norm):
        offset = _DAY_OFFSETS[" ".join(m.group().split())]
        yield Found("date", m.start(), m.end(), _iso(today + timedelta(days=offset)))


def _weekdays(norm: str, today: date) -> Iterator[Found]:
    for m in _WEEKDAY_RE.finditer(norm):
        modifier = m.group("mod") or ""
        if modifier.startswith("кажд"):  # "каждую среду" repeats, it is not a date
            continue
        weekday_text = m.group("wd")
        # "среда" is also "environment" ("городская среда") and "вс"/"ср" are too short to stand alone.
        needs_cue = m.group("abbr") is not None or weekday_text.startswith("ср")
        if needs_cue and not modifier and prev_word(norm, m.start())[0] not in _DATE_PREPOSITIONS:
            continue
        weekday = _WEEKDAY_BY_PREFIX[weekday_text[:2]]
        yield Found("date", m.start(), m.end(), _iso(_weekday_date(today, weekday, modifier)))


def _day_months(norm: str, today: date) -> Iterator[Found]:
    for m in _DAY_MONTH_RE.finditer(norm):
        day = _day_number(m)
        if day is None:
            continue
        month = _MONTH_BY_PREFIX[m.group("month")[:3]]
        year = m.group("year")
        value = _make_date(int(year), month, day) if year else date_without_year(today, month, day)
        if value is not None:
            yield Found("date", m.start(), m.end(), _iso(value))


def _numeric_dates(norm: str, today: date) -> Iterator[Found]:
    for m in _NUMERIC_DATE_RE.finditer(norm):
        day, month, year = int(m.group("day")), int(m.group("month")), m.group("year")
        if year:
            value = _make_date(int(year) + (2000 if len(year) == 2 else 0), month, day)
        elif (
            len(m.group("month")) == 2
            and not STOP_AFTER.match(norm, m.end())
            and not _NUMBER_OWNER_RE.fullmatch(prev_word(norm, m.start())[0])
        ):
            value = date_without_year(today, month, day)
        else:
            continue
        if value is not None and 1900 <= value.year <= 2100:
            yield Found("date", m.start(), m.end(), _iso(value))


def _days_of_month(norm: str, today: date) -> Iterator[Found]:
    for m in _DAY_OF_MONTH_RE.finditer(norm):
        day = int(m.group("sday")) if m.group("sday") else _day_number(m)
        value = _day_of_month(today, day) if day else None
        if value is not None:
            yield Found("date", m.start(), m.end(), _iso(value))


def _day_spans(norm: str, today: date) -> Iterator[Found]:
    """ "с 15 по 20 ноября", "15-20 ноября": the first day takes the month of the second."""
    for m in _DAY_SPAN_RE.finditer(norm):
        if m.group("join") and prev_word(norm, m.start())[0] not in ("с", "со"):
            continue
        last = date_without_year(today, _MONTH_BY_PREFIX[m.group("month")[:3]], int(m.group("day")))
        first = _make_date(last.year, last.month, int(m.group("first"))) if last else None
        if first is not None and first < last:
            yield Found("date", m.start(), m.end(), {"from": _iso(first), "to": _iso(last)})


def _interval_count(raw: str | None, unit: str) -> int | None:
    """How many units "через …" counts: none written means one ("через неделю"), but not "через дня"."""
    if raw is None:
        return 1 if unit in _SINGLE_UNITS else None
    count = float(raw) if raw.isdigit() else parse_number_words(raw)
    if count is None or not count.is_integer() or not 1 <= count <= _INTERVAL_LIMITS[unit[0]]:
        return None
    return int(count)


def _intervals(norm: str, today: date) -> Iterator[Found]:
    for m in _INTERVAL_RE.finditer(norm):
        unit = m.group("unit")
        count = _interval_count(m.group("n"), unit)
        if count is None:
            continue
        if unit[0] in _DAYS_PER_UNIT:
            value = today + timedelta(days=count * _DAYS_PER_UNIT[unit[0]])
        else:
            value = _add_months(today, count * (1 if unit[0] == "м" else 12))
        yield Found("date", m.start(), m.end(), _iso(value))


def _period(m: re.Match[str], today: date) -> tuple[date, date]:
    """The first and last day of "на этой неделе", "в следующем месяце", "в выходные"..."""
    if m.group("week"):
        monday = _monday(today) + timedelta(days=0 if m.group("wmod") in ("этой", "текущей") else 7)
        return max(monday, today), monday + timedelta(days=6)
    if m.group("mon"):
        if m.group("mmod") in ("этом", "текущем"):
            first = today
        else:
            first = date(*_next_month(today.year, today.month), 1)
        return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])
    modifier = m.group("emod") or ""
    if modifier.startswith(("следующ", "будущ")):
        saturday = _monday(today) + timedelta(days=12)
    else:
        saturday = today + timedelta(days=(5 - today.weekday()) % 7)
    return saturday, saturday + timedelta(days=1)


def _periods(norm: str, today: date) -> Iterator[Found]:
    for m in _PERIOD_RE.finditer(norm):
        group = "week" if m.group("week") else "mon" if m.group("mon") else "weekend"
        first, last = _period(m, today)
        yield Found("date", m.start(group), m.end(group), {"from": _iso(first), "to": _iso(last)})


def _date_pairs(norm: str, dates: list[Found]) -> Iterator[Found]:
    """ "с понедельника по пятницу", "с 25 декабря по 10 января": two single dates joined into a range."""
    singles = sorted((f for f in dates if isinstance(f.value, str)), key=lambda f: f.start)
    for first in singles:
        if prev_word(norm, first.start)[0] not in ("с", "со"):
            continue
        for last in singles:
            if last.start > first.end and _PAIR_GAP_RE.fullmatch(norm, first.end, last.start):
                start, end = date.fromisoformat(first.value), date.fromisoformat(last.value)
                if end < start and _WEEKDAY_RE.fullmatch(norm, last.start, last.end):
                    end += timedelta(days=7)  # "с пятницы по понедельник"
                if start < end:
                    yield Found("date", first.start, last.end, {"from": _iso(start), "to": _iso(end)})


def find_dates(norm: str, today: date) -> list[Found]:
    """Every date candidate in folded text, overlapping ones included."""
    found = [
        *_relative_days(norm, today),
        *_weekdays(norm, today),
        *_day_months(norm, today),
        *_numeric_dates(norm, today),
        *_days_of_month(norm, today),
        *_day_spans(norm, today),
        *_intervals(norm, today),
        *_periods(norm, today),
    ]
    return found + list(_date_pairs(norm, found))


# ---------------------------------------------------------------------------------------------- times

# Hour words and the grammatical case they are in: nominative after "в", dative after "к", genitive after
# "до/после/с/около". "в двух словах" is not "at two", "к двум" is.
_HOUR_WORDS: dict[str, tuple[int, str]] = {
    "два": (2, "n"), "двух": (2, "g"), "двум": (2, "d"), "три": (3, "n"), "трех": (3, "g"), "трем": (3, "d"),
    "четыре": (4, "n"), "четырех": (4, "g"), "четырем": (4, "d"),
    "пять": (5, "n"), "пяти": (5, "gd"), "шесть": (6, "n"), "шести": (6, "gd"), "семь": (7, "n"), "семи": (7, "gd"),
    "восемь": (8, "n"), "восьми": (8, "gd"), "девять": (9, "n"), "девяти": (9, "gd"),
    "десять": (10, "n"), "десяти": (10, "gd"), "одиннадцать": (11, "n"), "одиннадцати": (11, "gd"),
    "двенадцать": (12, "n"), "двенадцати": (12, "gd"),
}  # fmt: skip
_CUE_CASE = {
    "в": "n", "во": "n", "к": "d", "ко": "d",
    "до": "g", "после": "g", "с": "g", "со": "g", "около": "g", "между": "g",
}  # fmt: skip
_BARE_CUES = frozenset({"в", "во", "к", "ко", "до", "после", "около"})
_POINT_CUES = frozenset({"в", "во", "после", "около"})  # "в 10.10" is a time, "до 10.10" a date
_HOUR_WORD = "(?:" + "|".join(sorted(_HOUR_WORDS, key=len, reverse=True)) + r")(?!\w)"
_END = r"(?!\w|-\w|[.,:/]\d)"  # not "15-й", "10-12", "10.5"
_OPEN_END = r"(?!\w|-[^\W\d]|[.,:/]\d)"  # the first clock of a range may be followed by "-12"


def _clock_pattern(n: str, end_guard: str) -> str:
    """A clock time with its groups suffixed by `n` (two clocks make a range)."""
    return (
        rf"(?P<h{n}>\d{{1,2}}(?!\d)|{_HOUR_WORD})"
        rf"(?:(?P<sep{n}>[:.])(?P<m{n}>\d\d)(?!\d)|-(?P<hm{n}>00|2[4-9]|[3-5]\d)(?!\d))?"
        rf"(?:\s*(?P<hw{n}>час(?:а|ов)?(?!\w)|ч(?:\.|(?!\w)))"
        rf"(?:\s*(?P<mm{n}>\d{{1,2}})\s*мин(?:ут[аы]?(?!\w)|\.|(?!\w)))?)?"
        rf"(?:\s+(?P<pod{n}>утра|дня|вечера|ночи)(?!\w))?" + end_guard
    )


_TIME_RE = re.compile(r"(?<![\w.,:/])" + _clock_pattern("", _END))
_TIME_RANGE_RE = re.compile(
    r"(?<![\w.,:/])" + _clock_pattern("a", _OPEN_END) + r"(?:\s*-\s*|\s+(?P<join>до|и)\s+)" + _clock_pattern("b", _END)
)
_ONE_OCLOCK_RE = re.compile(r"\bчасу?\s+(?P<pod>дня|ночи)(?!\w)")
_NOON_RE = re.compile(r"\b(?:(?P<noon>полдень|полудня|полудню)|полночь|полуночи)(?!\w)")
_DAY_PARTS = {
    "утром": ("08:00", "12:00"), "с утра": ("08:00", "12:00"), "днем": ("12:00", "17:00"),
    "до обеда": ("08:00", "13:00"), "в обед": ("12:00", "14:00"), "после обеда": ("13:00", "18:00"),
    "вечером": ("18:00", "22:00"), "ночью": ("00:00", "06:00"),
}  # fmt: skip
_DAY_PART_RE = re.compile(r"\b(?:утром|с\s+утра|днем|до\s+обеда|в\s+обед|после\s+обеда|вечером|ночью)(?!\w)")
# "с днем рождения", "с добрым утром", "рабочим днем": greetings and adjectives, not times.
_NOT_DAY_PART_BEFORE = frozenset({"с", "со", "за", "перед", "над", "под"})


class _Clock(NamedTuple):
    hour: int
    minute: int
    sep: str | None  # ":", "." or "-" when minutes are written with the hour
    hours_word: bool  # "час/часов/ч" follows
    part: str | None  # утра / дня / вечера / ночи
    padded: bool  # written with a leading zero: "03:00"

    @property
    def bare(self) -> bool:
        return not (self.sep or self.hours_word or self.part)

    @property
    def looks_like_date(self) -> bool:
        """ "10.05" with nothing else could just as well be the 10th of May."""
        return (
            self.sep == "." and not (self.hours_word or self.part) and 1 <= self.hour <= 31 and 1 <= self.minute <= 12
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
    return _Clock(hour, minute, sep, bool(m.group("hw" + n)), m.group("pod" + n), raw.startswith("0"))


def _with_part(hour: int, part: str) -> int | None:
    """The 24-hour value of `hour` said with a part of the day; None when they do not go together ("9 ночи")."""
    if part == "утра":
        return hour if 1 <= hour <= 11 else None
    if part == "дня":
        return hour + 12 if 1 <= hour <= 6 else hour if 10 <= hour <= 18 else None
    if part == "вечера":
        return hour + 12 if 4 <= hour <= 11 else hour if 16 <= hour <= 23 else None
    if hour == 12:  # ночи
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
    if cue in ("в", "во") and prev_word(norm, cue_start)[0] == "раз":  # "раз в 3 дня"
        return False
    if clock.sep == ":" or clock.part in ("утра", "вечера") or (clock.hours_word and clock.part):
        return True
    if cue not in _CUE_CASE:
        return False
    if clock.part or clock.hours_word or clock.sep == "-":
        return True
    if clock.sep == ".":
        return cue in _POINT_CUES or not clock.looks_like_date
    return cue in _BARE_CUES and not STOP_AFTER.match(norm, end)


def _single_times(norm: str) -> Iterator[Found]:
    for m in _TIME_RE.finditer(norm):
        cue, cue_start = prev_word(norm, m.start())
        clock = _read_clock(m, "", _CUE_CASE.get(cue, "n"))
        if clock is None or not _is_time_alone(norm, m.end(), clock, cue, cue_start):
            continue
        minutes = _minutes(clock, clock.part)
        if minutes is not None:
            yield Found("time", m.start(), m.end(), _hhmm(minutes))


def _range_minutes(first: _Clock, last: _Clock) -> tuple[int, int] | None:
    """ "с 8 до 10 вечера" lends the part of the day to both ends; "с 5 до 8" is 17:00–20:00."""
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
    if start < end or (last.part and start != end):  # over midnight only when said: "с 23 до 6 утра"
        return start, end
    return None


def _time_ranges(norm: str) -> Iterator[Found]:
    for m in _TIME_RANGE_RE.finditer(norm):
        cue = prev_word(norm, m.start())[0]
        join = m.group("join") or "-"
        if (cue == "между") != (join == "и"):
            continue
        case = _CUE_CASE.get(cue, "n")
        first = _read_clock(m, "a", case)
        last = _read_clock(m, "b", "g" if join == "до" else case)
        if first is None or last is None or first.looks_like_date or last.looks_like_date:
            continue
        if cue not in ("с", "со", "между") and not (first.sep == ":" and last.sep == ":"):
            continue
        if last.bare and STOP_AFTER.match(norm, m.end()):  # "с 10 до 12 лет"
            continue
        minutes = _range_minutes(first, last)
        if minutes is not None:
            yield Found("time", m.start(), m.end(), {"from": _hhmm(minutes[0]), "to": _hhmm(minutes[1])})


def _named_times(norm: str) -> Iterator[Found]:
    """ "в час дня", "в полдень", "в полночь"."""
    for m in _ONE_OCLOCK_RE.finditer(norm):
        if prev_word(norm, m.start())[0] in _CUE_CASE:
            yield Found("time", m.start(), m.end(), "13:00" if m.group("pod") == "дня" else "01:00")
    for m in _NOON_RE.finditer(norm):
        yield Found("time", m.start(), m.end(), "12:00" if m.group("noon") else "00:00")


def _day_parts(norm: str) -> Iterator[Found]:
    for m in _DAY_PART_RE.finditer(norm):
        before = prev_word(norm, m.start())[0]
        if before in _NOT_DAY_PART_BEFORE or before.endswith(("ым", "им")):
            continue
        start, end = _DAY_PARTS[" ".join(m.group().split())]
        yield Found("time", m.start(), m.end(), {"from": start, "to": end})


def find_times(norm: str) -> list[Found]:
    """Every time candidate in folded text, overlapping ones included."""
    return [*_single_times(norm), *_time_ranges(norm), *_named_times(norm), *_day_parts(norm)]
