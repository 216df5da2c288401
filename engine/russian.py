"""Money, numbers and dates written the Russian way: "1 234,50 ₽", "120,5", a day with its month in the genitive,
a short weekday with day, month and time.

The words come from `russian.yml` beside this module.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Sequence

from engine.lexicon import load_lexicon

LEXICON = Path(__file__).resolve().parent / "russian.yml"


@lru_cache(maxsize=1)
def _words() -> Dict[str, Any]:
    return load_lexicon(LEXICON)


def _list(key: str) -> Sequence[str]:
    return _words()[key]


def money(amount: Decimal, *, whole_rubles: bool = False) -> str:
    """1234.5 → «1 234,50 ₽»; with `whole_rubles`, a whole sum drops its kopecks: 1500 → «1 500 ₽»."""
    value = Decimal(amount)
    whole = whole_rubles and value == value.to_integral_value()
    text = f"{value:,.0f}" if whole else f"{value:,.2f}"
    return text.replace(",", " ").replace(".", ",") + " " + _words()["currency_sign"]


def amount_text(amount: Decimal) -> str:
    """A sum without the currency sign, always with kopecks: 1234.5 → «1 234,50»."""
    return f"{Decimal(amount):,.2f}".replace(",", " ").replace(".", ",")


def number(value: Decimal) -> str:
    """A quantity without trailing zeros and with a decimal comma: 120.500 → «120,5»."""
    text = f"{Decimal(value):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def month_genitive(month: int) -> str:
    return _list("months_genitive")[month - 1]


def month_nominative(month: int) -> str:
    return _list("months_nominative")[month - 1]


def month_prepositional(month: int) -> str:
    return _list("months_prepositional")[month - 1]


def day_month(day: date) -> str:
    """The day and the month in the genitive."""
    return f"{day.day} {month_genitive(day.month)}"


def day_month_year(day: date) -> str:
    """The day, the month in the genitive and the year."""
    return f"{day_month(day)} {day.year}"


def full_date(day: date) -> str:
    """«05.12.2026»."""
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


def month_year(period: date) -> str:
    """The month in the nominative and the year."""
    return f"{month_nominative(period.month)} {period.year}"


def plural(count: int, forms: Sequence[str]) -> str:
    """The count with its noun in the form Russian asks for; forms are (one, few, many): 1, 21 take the first,
    2–4 and 22–24 the second, 0, 5–20 and 25–30 the third."""
    one, few, many = forms
    tens, units = count % 100, count % 10
    if 11 <= tens <= 14:
        form = many
    elif units == 1:
        form = one
    elif 2 <= units <= 4:
        form = few
    else:
        form = many
    return f"{count} {form}"


def weekday_short(day: date) -> str:
    """The two-letter weekday, Monday first."""
    return _list("weekdays_short")[day.weekday()]


def moment_text(moment: datetime) -> str:
    """Short weekday, day, genitive month and "10:00" for a moment already in the resident's time zone."""
    return f"{weekday_short(moment)} {day_month(moment)}, {moment:%H:%M}"
