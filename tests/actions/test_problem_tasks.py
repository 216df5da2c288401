"""Problems in residents' words across the served skills: the longest phrase of any skill decides the task."""

import pytest

from engine.sdk.problems import problem_task


@pytest.mark.parametrize(
    "text, task",
    [
        (
            "на площадке сильно пахнет газом",
            ("utilities_report_problem", {"utilities_request_category": "emergency"}),
        ),
        ("в подъезде опять темно", ("utilities_report_problem", {"utilities_request_category": "regular"})),
        (
            "искрит в щитке на площадке",
            ("utilities_report_problem", {"utilities_request_category": "emergency"}),
        ),
        ("дома искрит розетка", ("market_search", {"service_category": "electrician"})),
        ("течёт кран на кухне", ("market_search", {"service_category": "plumber"})),
        ("хочу пиццу", None),
    ],
)
def test_problems_lead_to_the_task_of_the_longest_phrase(text, task):
    assert problem_task(text, {}) == task


def test_the_task_that_takes_most_of_the_other_values_wins():
    when = {"date": "2026-12-06", "time": "15:00"}
    assert problem_task("сломалась стиральная машина, мастера на послезавтра", when) == (
        "market_order",
        {**when, "service_category": "appliance_repair"},
    )
    assert problem_task("сломалась стиральная машина", {"location": "Ленина 5"})[0] == "market_search"
