"""natasha's yargy DatesExtractor against nlu.rule_dates on written (absolute) dates: coverage and speed.

Not a test: the measurement behind docs/nlu-dates.md. Run `PYTHONPATH=. .venv/bin/python tests/nlu/compare_yargy_dates.py`.
The cases are the module's own absolute forms (tests/unit/nlu), Duckling's written dates
(tests/nlu/public_date_cases.yml) and natasha's own date tests; a day yargy finds without a year is placed by
the module's rule (`date_without_year`), so only the reading of the text is compared.
"""

from __future__ import annotations

import time
from datetime import date, datetime
from typing import Any, Callable
from zoneinfo import ZoneInfo

from natasha import DatesExtractor, MorphVocab

from nlu.rule_dates import date_without_year, find_dates
from nlu.rule_extraction import extract_rule_entities
from nlu.text_spans import fold_text

OURS = date(2026, 11, 22)
DUCKLING = date(2013, 2, 12)
# (text, reference day, the ISO date it names, or None where no day is named)
CASES: list[tuple[str, date, str | None]] = [
    ("15 марта", OURS, "2027-03-15"),
    ("15-го марта", OURS, "2027-03-15"),
    ("1 января 2027", OURS, "2027-01-01"),
    ("1 января 2027 года", OURS, "2027-01-01"),
    ("1 ноября", OURS, "2026-11-01"),
    ("25 дек.", OURS, "2026-12-25"),
    ("двадцать пятого декабря", OURS, "2026-12-25"),
    ("третье января", OURS, "2027-01-03"),
    ("15.03", OURS, "2027-03-15"),
    ("15.03.2026", OURS, "2026-03-15"),
    ("01.12.26", OURS, "2026-12-01"),
    ("15/03", OURS, "2027-03-15"),
    ("до 10.10", OURS, "2026-10-10"),
    ("15 марта 2000 рублей", OURS, "2027-03-15"),
    ("2 марта", OURS, "2027-03-02"),
    ("18 февраля", DUCKLING, "2013-02-18"),
    ("1 марта", DUCKLING, "2013-03-01"),
    ("первое марта", DUCKLING, "2013-03-01"),
    ("1 мар.", DUCKLING, "2013-03-01"),
    ("3 марта 2015", DUCKLING, "2015-03-03"),
    ("3 мар. 2015", DUCKLING, "2015-03-03"),
    ("15 февраля", DUCKLING, "2013-02-15"),
    ("15.2", DUCKLING, "2013-02-15"),
    ("15 Фев", DUCKLING, "2013-02-15"),
    ("8 августа", DUCKLING, "2013-08-08"),
    ("8 Авг", DUCKLING, "2013-08-08"),
    ("31.10.1974", DUCKLING, "1974-10-31"),
    ("31.10.74", DUCKLING, "1974-10-31"),
    ("14 апреля 2015", DUCKLING, "2015-04-14"),
    ("10.12.", DUCKLING, "2013-12-10"),
    ("10.10.2013", DUCKLING, "2013-10-10"),
    ("Пт, 18 июля 2014", DUCKLING, "2014-07-18"),
    ("Пятница, 18.07.14", DUCKLING, "2014-07-18"),
    ("27. 05.99", DUCKLING, "1999-05-27"),  # natasha's tests
    ("9 мая 2017 года", DUCKLING, "2017-05-09"),
    ("24.01.2017", DUCKLING, "2017-01-24"),
    ("показания 12.05", OURS, None),
    ("дом 15/03", OURS, None),
    ("31.11", OURS, None),
    ("1.05 кубов", OURS, None),
    ("в 2026 году", OURS, None),
]
MESSAGE = (
    "Здравствуйте, 15 марта 2026 года я оплатил квитанцию за февраль по лицевому счёту 1002003004, "
    "но деньги не дошли"
)


def yargy_value(extractor: DatesExtractor, text: str, today: date) -> str | None:
    facts = [match.fact for match in extractor(text)]
    days = [fact for fact in facts if fact.day and fact.month]
    if not days:
        return "not a day" if facts else None
    fact = days[0]
    try:
        value = (
            date(fact.year, fact.month, fact.day)
            if fact.year
            else date_without_year(today, fact.month, fact.day)
        )
    except ValueError:
        return "invalid"
    return value.isoformat() if value else "invalid"


def rules_value(text: str, today: date) -> Any:
    now = datetime(today.year, today.month, today.day, 12, tzinfo=ZoneInfo("Europe/Moscow"))
    found = [e.value for e in extract_rule_entities(text, now) if e.entity == "date"]
    return found[0] if len(found) == 1 else (found or None)


def per_call_ms(function: Callable[[str], object], texts: list[str], rounds: int) -> float:
    for text in texts:
        function(text)  # warm caches (pymorphy3, regex)
    start = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            function(text)
    return (time.perf_counter() - start) / (rounds * len(texts)) * 1000


def main() -> None:
    start = time.perf_counter()
    extractor = DatesExtractor(MorphVocab())
    built = (time.perf_counter() - start) * 1000
    scores = {"yargy": 0, "rules": 0}
    for text, today, expected in CASES:
        by_yargy, by_rules = yargy_value(extractor, text, today), rules_value(text, today)
        scores["yargy"] += by_yargy == expected
        scores["rules"] += by_rules == expected
        print(f"{text!r:26} expected {expected!s:11} yargy {by_yargy!s:11} rules {by_rules!s:11}")
    print(f"right of {len(CASES)}: {scores}")
    texts = [text for text, _, _ in CASES]
    print(f"yargy: {per_call_ms(lambda t: list(extractor(t)), texts, 20):.3f} ms a case, "
          f"{per_call_ms(lambda t: list(extractor(t)), [MESSAGE], 200):.3f} ms a {len(MESSAGE)}-character message, "
          f"{built:.0f} ms to build")  # fmt: skip
    print(f"rules, every entity: {per_call_ms(lambda t: rules_value(t, OURS), texts, 20):.3f} ms a case, "
          f"{per_call_ms(lambda t: rules_value(t, OURS), [MESSAGE], 200):.3f} ms the message")  # fmt: skip
    print(f"rules, dates only: {per_call_ms(lambda t: find_dates(fold_text(t), OURS), texts, 200):.3f} ms a case, "
          f"{per_call_ms(lambda t: find_dates(fold_text(t), OURS), [MESSAGE], 500):.3f} ms the message")  # fmt: skip


if __name__ == "__main__":
    main()
