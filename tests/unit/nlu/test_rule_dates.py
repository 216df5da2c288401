"""nlu.rule_dates: dates without a year, relative dates seen from days other than the tests' Sunday, past dates
("3 дня назад", "в прошлом месяце", "за последние 3 месяца"), written dates and ranges, long messages."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from nlu.date_calendar import last_season, two_digit_year
from nlu.rule_dates import date_without_year, find_dates
from nlu.rule_extraction import extract_rule_entities
from nlu.text_spans import fold_text

MONDAY = date(2026, 11, 23)
SATURDAY = date(2026, 11, 28)


def dates(text: str, today: date) -> list:
    """The date values found in `text`, longest first (extract_rule_entities keeps the longest)."""
    found = sorted(find_dates(fold_text(text), today), key=lambda f: f.start - f.end)
    return [f.value for f in found]


@pytest.mark.parametrize(
    "today,month,day,expected",
    [
        (date(2026, 11, 22), 3, 15, date(2027, 3, 15)),
        (date(2026, 11, 22), 9, 23, date(2026, 9, 23)),  # 60 days ago: still this year
        (date(2026, 11, 22), 9, 22, date(2027, 9, 22)),  # 61 days ago: next year
        (date(2026, 2, 10), 12, 31, date(2026, 12, 31)),
        (date(2026, 11, 22), 2, 29, None),  # neither 2026 nor 2027 has one
    ],
)
def test_date_without_year(today: date, month: int, day: int, expected: date | None) -> None:
    assert date_without_year(today, month, day) == expected


@pytest.mark.parametrize(
    "text,today,expected",
    [
        ("в среду", MONDAY, "2026-11-25"),
        ("в следующую среду", MONDAY, "2026-12-02"),  # next calendar week, not the nearest Wednesday
        ("в понедельник", MONDAY, "2026-11-23"),
        ("в следующий понедельник", MONDAY, "2026-11-30"),
        ("в субботу", SATURDAY, "2026-11-28"),
        ("в выходные", SATURDAY, {"from": "2026-11-28", "to": "2026-11-29"}),
        ("в следующие выходные", SATURDAY, {"from": "2026-12-05", "to": "2026-12-06"}),
        ("на этой неделе", MONDAY, {"from": "2026-11-23", "to": "2026-11-29"}),
        ("через месяц", date(2026, 1, 31), "2026-02-28"),
        ("15-го", date(2026, 11, 15), "2026-11-15"),
        ("1 ноября", date(2026, 11, 22), "2026-11-01"),
    ],
)
def test_relative_dates(text: str, today: date, expected: object) -> None:
    assert dates(text, today)[0] == expected


# ---------------------------------------------------------------------------------------------- past dates

SUNDAY = date(2026, 11, 22)


def entities(text: str, today: date) -> list[tuple[str, object]]:
    """The date entities extract_rule_entities keeps: (span text, value)."""
    now = datetime(today.year, today.month, today.day, 12, 0, tzinfo=ZoneInfo("Europe/Moscow"))
    return [(e.text, e.value) for e in extract_rule_entities(text, now) if e.entity == "date"]


def days(first: str, last: str) -> dict[str, str]:
    return {"from": first, "to": last}


@pytest.mark.parametrize(
    "text,today,expected",
    [
        ("3 дня назад", SUNDAY, ("3 дня назад", "2026-11-19")),
        ("три дня назад", SUNDAY, ("три дня назад", "2026-11-19")),
        ("3дня назад", SUNDAY, ("3дня назад", "2026-11-19")),  # no space after the digits
        ("пару дней тому назад", SUNDAY, ("пару дней тому назад", "2026-11-20")),
        ("двадцать один день назад", SUNDAY, ("двадцать один день назад", "2026-11-01")),
        ("день назад", SUNDAY, ("день назад", "2026-11-21")),
        ("неделю назад", SUNDAY, ("неделю назад", "2026-11-15")),
        ("две недели назад", SUNDAY, ("две недели назад", "2026-11-08")),
        ("2недели назад", SUNDAY, ("2недели назад", "2026-11-08")),
        ("месяц назад", SUNDAY, ("месяц назад", "2026-10-22")),
        ("месяц назад", date(2026, 3, 31), ("месяц назад", "2026-02-28")),  # calendar months, clipped
        ("три месяца назад", SUNDAY, ("три месяца назад", "2026-08-22")),
        ("полгода назад", SUNDAY, ("полгода назад", "2026-05-22")),
        ("год назад", SUNDAY, ("год назад", "2025-11-22")),
        ("5 лет назад", SUNDAY, ("5 лет назад", "2021-11-22")),
        ("ДВА ГОДА НАЗАД", SUNDAY, ("ДВА ГОДА НАЗАД", "2024-11-22")),
        ("один два дня назад", SUNDAY, ("два дня назад", "2026-11-20")),  # the words that make one number
        ("вчера", SUNDAY, ("вчера", "2026-11-21")),
        ("позавчера", SUNDAY, ("позавчера", "2026-11-20")),
        ("позапозавчера", SUNDAY, ("позапозавчера", "2026-11-19")),
        ("в прошлый вторник", SUNDAY, ("прошлый вторник", "2026-11-10")),
        ("в позапрошлую пятницу", SUNDAY, ("позапрошлую пятницу", "2026-11-06")),
        ("в позапрошлую пятницу", MONDAY, ("позапрошлую пятницу", "2026-11-13")),
    ],
)
def test_past_days(text: str, today: date, expected: tuple[str, str]) -> None:
    assert entities(text, today) == [expected]


@pytest.mark.parametrize(
    "text,today,expected",
    [
        ("на прошлой неделе", SUNDAY, ("прошлой неделе", days("2026-11-09", "2026-11-15"))),
        ("на прошлой неделе", MONDAY, ("прошлой неделе", days("2026-11-16", "2026-11-22"))),
        ("за прошлую неделю", SUNDAY, ("прошлую неделю", days("2026-11-09", "2026-11-15"))),
        ("на позапрошлой неделе", MONDAY, ("позапрошлой неделе", days("2026-11-09", "2026-11-15"))),
        ("в прошлом месяце", SUNDAY, ("прошлом месяце", days("2026-10-01", "2026-10-31"))),
        ("в прошлом месяце", date(2026, 1, 15), ("прошлом месяце", days("2025-12-01", "2025-12-31"))),
        ("за прошлый месяц", date(2026, 3, 31), ("прошлый месяц", days("2026-02-01", "2026-02-28"))),
        ("в позапрошлом месяце", SUNDAY, ("позапрошлом месяце", days("2026-09-01", "2026-09-30"))),
        ("в прошлом году", SUNDAY, ("прошлом году", days("2025-01-01", "2025-12-31"))),
        ("ЗА ПРОШЛЫЙ ГОД", SUNDAY, ("ПРОШЛЫЙ ГОД", days("2025-01-01", "2025-12-31"))),
        ("в позапрошлом году", SUNDAY, ("позапрошлом году", days("2024-01-01", "2024-12-31"))),
        ("в следующем году", SUNDAY, ("следующем году", days("2027-01-01", "2027-12-31"))),
        ("прошлой осенью", SUNDAY, ("прошлой осенью", days("2025-09-01", "2025-11-30"))),
        ("прошлой осенью", date(2026, 12, 1), ("прошлой осенью", days("2026-09-01", "2026-11-30"))),
        ("прошлой зимой", SUNDAY, ("прошлой зимой", days("2025-12-01", "2026-02-28"))),
        ("прошлой зимой", date(2026, 2, 10), ("прошлой зимой", days("2024-12-01", "2025-02-28"))),
        ("позапрошлым летом", SUNDAY, ("позапрошлым летом", days("2025-06-01", "2025-08-31"))),
        ("за последние 3 месяца", SUNDAY, ("последние 3 месяца", days("2026-08-23", "2026-11-22"))),
        ("за последние три месяца", SUNDAY, ("последние три месяца", days("2026-08-23", "2026-11-22"))),
        ("за последний месяц", SUNDAY, ("последний месяц", days("2026-10-23", "2026-11-22"))),
        ("за последнюю неделю", SUNDAY, ("последнюю неделю", days("2026-11-16", "2026-11-22"))),
        ("последние 7 дней нет воды", SUNDAY, ("последние 7 дней", days("2026-11-16", "2026-11-22"))),
        (
            "в течение последних трёх месяцев",
            SUNDAY,
            ("последних трёх месяцев", days("2026-08-23", "2026-11-22")),
        ),
        ("за последние сутки", SUNDAY, ("последние сутки", days("2026-11-22", "2026-11-22"))),
    ],
)
def test_past_periods(text: str, today: date, expected: tuple[str, dict[str, str]]) -> None:
    assert entities(text, today) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "500 дней назад",  # out of range: no date rather than a wrong one
        "дня назад",  # a plural unit needs its count
        "много лет назад",
        "шаг назад",
        "вернуться назад",
        "последний месяц",  # a window without a count needs "за"
        "в последний день месяца",
        "в этом году",  # documented: not read
        "прошлый раз",
        "в прошлом",
        "летом",  # a season needs "прошлый"
    ],
)
def test_not_past_dates(text: str) -> None:
    assert entities(text, SUNDAY) == []


def test_a_past_date_in_a_message() -> None:
    assert entities("Оплатил 3 месяца назад 500 рублей, а в прошлом месяце пришёл долг", SUNDAY) == [
        ("3 месяца назад", "2026-08-22"),
        ("прошлом месяце", days("2026-10-01", "2026-10-31")),
    ]


# ---------------------------------------------------------------------------------------------- written dates


@pytest.mark.parametrize(
    "text,expected",
    [
        ("31.10.74", ("31.10.74", "1974-10-31")),  # a two-digit year too far ahead is last century's
        ("01.12.36", ("01.12.36", "2036-12-01")),
        ("пятница, 18 июля 2014", ("пятница, 18 июля 2014", "2014-07-18")),  # the weekday belongs to the date
        ("Понедельник 18.02.2013", ("Понедельник 18.02.2013", "2013-02-18")),
        ("13 июля - 15 июля", ("13 июля - 15 июля", days("2027-07-13", "2027-07-15"))),
        ("понедельник-пятница", ("понедельник-пятница", days("2026-11-23", "2026-11-27"))),
        ("с 25.12 по 10.01.2027", ("25.12 по 10.01.2027", days("2026-12-25", "2027-01-10"))),
        ("с 14.10. по 15.10.2018", ("14.10. по 15.10.2018", days("2018-10-14", "2018-10-15"))),
        ("14-15.10", ("14-15.10", days("2026-10-14", "2026-10-15"))),  # five weeks ago: this year
        ("14./15.10.2018", ("14./15.10.2018", days("2018-10-14", "2018-10-15"))),
    ],
)
def test_written_dates(text: str, expected: tuple[str, object]) -> None:
    assert entities(text, SUNDAY) == [expected]


# ---------------------------------------------------------------------------------------------- calendar


def test_two_digit_years_and_seasons() -> None:
    assert two_digit_year(36, SUNDAY) == 2036
    assert two_digit_year(37, SUNDAY) == 1937
    assert last_season(date(2026, 8, 31), 6, 0) == (date(2025, 6, 1), date(2025, 8, 31))  # not over yet
    assert last_season(date(2026, 9, 1), 6, 0) == (date(2026, 6, 1), date(2026, 8, 31))


# ---------------------------------------------------------------------------------------------- long input


@pytest.mark.parametrize(
    "sentence", ["01.10-", "3 дня назад ", "последние два ", "прошлой ", "пятница, ", "два "]
)
def test_a_100k_message_is_read_in_linear_time(sentence: str) -> None:
    """Dates joined by dashes used to make every date reach to the end of the message (minutes, not a second);
    a count is read backwards from "назад" so that a run of number words is not rescanned."""
    text = (sentence * (100_000 // len(sentence) + 1))[:100_000]
    found = find_dates(fold_text(text), SUNDAY)
    assert all(0 <= f.start < f.end <= len(text) for f in found)


# ---------------------------------------------------------------------------------------------- shapes

FRAGMENTS = [
    "назад", "тому", "через", "за", "в", "на", "с", "по", "-", ".", ",", " ", "  ", "3", "15", "31", "500",
    "3дня", "дня", "дней", "неделю", "недели", "месяц", "месяца", "полгода", "год", "лет", "сутки", "два",
    "двадцать", "одну", "пару", "прошлой", "прошлом", "позапрошлый", "последние", "последний", "этой",
    "следующем", "неделе", "месяце", "году", "осенью", "зимой", "летом", "пятница", "вторник", "марта",
    "15.03", "14.10.", "15.10.2018", "31.10.74", "29.02", "вчера", "позавчера", "Ё", "İ",
]  # fmt: skip


@pytest.mark.parametrize("seed", range(5))
def test_every_candidate_is_a_span_of_the_text_with_a_well_formed_value(seed: int) -> None:
    """Seeded random mixes of the words the rules react to: spans lie within the text, values are ISO dates or
    spans whose start is not after their end, on any day (month ends and leap days included)."""
    chance = random.Random(seed)
    for _ in range(200):
        text = " ".join(chance.choices(FRAGMENTS, k=chance.randint(1, 12)))
        today = date(2000, 1, 1) + timedelta(days=chance.randint(0, 36_500))
        for found in find_dates(fold_text(text), today):
            assert 0 <= found.start < found.end <= len(text)
            if isinstance(found.value, dict):
                assert date.fromisoformat(found.value["from"]) <= date.fromisoformat(found.value["to"])
            else:
                date.fromisoformat(found.value)
