import pytest

from engine.sdk.problems import compile_problems, match_problem
from nlu.canonical import one_typo_apart

PHRASES = compile_problems(
    {
        "plumber": ["течёт кран", "засор", "батарея течёт", "не греет батарея"],
        "electrician": ["выбило пробки", "не работает розетка"],
        "appliance_repair": ["сломалась стиральная машина"],
    }
)


@pytest.mark.parametrize(
    "text, value",
    [
        ("у меня на кухне течёт кран, нужен мастер", "plumber"),
        ("кран течет", "plumber"),  # any order, ё as е
        ("КРАН ТЕЧЁТ!!!", "plumber"),
        ("засорилась раковина", None),  # another word: not listed
        ("в ванной засор", "plumber"),
        ("выбило пробки во всей квартире", "electrician"),
        ("выбила пробки", "electrician"),  # another form of the verb
        ("выбило пробкии", "electrician"),  # one typo
        ("у нас не работают розетки", "electrician"),
        ("сломалась стиральная машинка", "appliance_repair"),  # a derived form shares the stem
        ("стиральная машина", None),  # not every word of the phrase
        ("батарея не греет", "plumber"),
        ("нужен сантехник", None),
        ("", None),
    ],
)
def test_a_problem_told_in_own_words_names_the_service(text, value):
    assert match_problem(text, PHRASES) == value


def test_the_longest_matching_phrase_wins():
    phrases = compile_problems({"plumber": ["батарея"], "electrician": ["не греет батарея"]})
    assert match_problem("батарея совсем не греет", phrases) == "electrician"


@pytest.mark.parametrize(
    "said, known, expected",
    [
        ("пробки", "пробки", True),
        ("пробкии", "пробки", True),
        ("прбки", "пробки", True),
        ("пробик", "пробки", True),  # neighbours swapped
        ("пбоки", "пробки", False),
        ("кран", "крон", False),  # short words: no typo forgiven
        ("розетка", "ракета", False),
    ],
)
def test_one_typo_is_forgiven_in_longer_words(said, known, expected):
    assert one_typo_apart(said, known) is expected


@pytest.mark.parametrize(
    "text, started_by, task",
    [
        ("на площадке сильно пахнет газом", "gov_appeal", "utilities_report_problem"),
        ("застряли в лифте, помогите", "market_search", "utilities_report_problem"),
        ("не вывозят мусор", "gov_appeal", None),  # a regular request: not urgent
        ("яма на дороге", "gov_appeal", None),
        ("пахнет газом", "utilities_report_problem", None),  # already the task that handles it
    ],
)
def test_an_urgent_problem_of_the_served_skills_names_its_task(text, started_by, task):
    from engine.sdk.problems import urgent_task

    found = urgent_task(text, {}, {started_by})
    assert (found[0] if found else None) == task
    if found:
        assert found[1]["utilities_request_category"] == "emergency"
