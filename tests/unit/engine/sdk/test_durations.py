"""engine.sdk.read_minutes: how long, from what a resident typed."""

import pytest

from engine.sdk import read_minutes


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("на час", 60),
        ("на 1 час", 60),
        ("на два часа", 120),
        ("2 часа", 120),
        ("полтора часа", 90),
        ("1,5 часа", 90),
        ("на полчаса", 30),
        ("45 минут", 45),
        ("45 мин", 45),
        ("через десять минут", 10),
        ("1 час 30 минут", 90),
        ("2 ч 30 мин", 150),
        ("на сутки", 1440),
        ("двое суток", 2880),
        ("три дня", 4320),
        ("НА ЧАС", 60),
    ],
)
def test_durations_in_digits_and_words(text, minutes):
    assert read_minutes(text) == minutes


@pytest.mark.parametrize("text", ["", "в 18:30", "ленина 5", "да", "день", "завтра", "0 минут"])
def test_no_duration(text):
    assert read_minutes(text) is None


def test_a_time_of_day_adds_no_day():
    # «дня» after an hour is the part of the day, not a day of parking
    assert read_minutes("в 2 часа дня") == 120


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("напоминай за час до занятия", 60),
        ("предупреждай за 30 минут", 30),
        ("за день до шахмат напомни", 1440),
        ("за полтора часа до йоги", 90),
        ("за двое суток", 2880),
        ("за 2 дня", 2880),
        ("за сорок пять минут", 45),
        ("за сто двадцать минут", 120),
        ("за 90 мин", 90),
        ("за 1 час 30 минут", 90),
        ("за пару часов", 120),
        ("за пол часа", 30),
        ("четверть часа", 15),
        ("за 2ч", 120),
        ("за чaс", 60),  # a Latin «a»
        ("за неделю", 7 * 1440),
        ("через час", 60),
        ("час", 60),  # the answer to «на сколько?», or what follows a «через» the caller cut off
        ("полчаса подайте", 30),
        ("на сутки и не больше", 1440),
        ("на 2-3 часа", 180),  # the later number counts
        ("на два три часа", 180),
        ("через час 20 минут", 80),
        ("на 1,5 суток", 2160),
    ],
)
def test_durations_with_prepositions_lemmas_and_compounds(text, minutes):
    assert read_minutes(text) == minutes


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("за минут 40", 40),
        ("минут за 40", 40),
        ("минут сорок пять", 45),
        ("часа 2 постою", 120),
    ],
)
def test_the_unit_before_its_number(text, minutes):
    assert read_minutes(text) == minutes


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("не за сутки, а за час", 60),
        ("не на 2 часа, а на 30 минут", 30),
        ("не через час, а через два часа", 120),
    ],
)
def test_a_negated_duration_gives_way_to_the_next(text, minutes):
    assert read_minutes(text) == minutes


@pytest.mark.parametrize(
    "text",
    [
        "напоминай в тот же день",
        "не за сутки",  # the only duration said is refused
        "в час дня",  # a time of day
        "часа в 2",  # «about 2 o'clock»
        "на 5 человек",
        "два три",
        "минут",
    ],
)
def test_no_duration_without_a_number_or_a_preposition(text):
    assert read_minutes(text) is None


def test_a_larger_unit_after_a_duration_is_no_part_of_it():
    assert read_minutes("в 2 часа дня 5 декабря") == 120
    assert read_minutes("на 2 дня 3 часа") == 2 * 1440 + 180
    assert read_minutes("за день") == 1440


def test_a_negation_before_a_comma_negates_nothing_after_it():
    # "no no, 2 hours will do": a correction at a confirmation
    assert read_minutes("не не, на 2 часа хватит") == 120
    assert read_minutes("не за сутки, а за час") == 60
