"""Requests to the management company: emergency or regular, decided by keywords (lemmas).

Emergency: anything that threatens safety or property right now — gas smell, flooding and leaks, burst pipes,
sparking wiring, a stuck lift, smoke; and outages: "нет" together with воды / отопления / света / электричества. Everything else
(a dead bulb on the landing, cleaning, rubbish, a broken door or intercom) is regular.
"""

from __future__ import annotations

from typing import List

from nlu.morphology import lemma

EMERGENCY_LEMMAS = frozenset({
    "газ", "затопить", "топить", "течь", "течёт", "протекать", "прорвать", "прорыв", "авария", "аварийный",
    "искрить", "замыкание", "пожар", "дым", "застрять", "кипяток", "потоп", "заливать", "капать",
})
OUTAGE_LEMMAS = frozenset({"вода", "отопление", "свет", "электричество"})  # "нет горячей воды", "нет света"
GENERIC_LEMMAS = frozenset({"хотеть", "оставить", "заявка", "в", "ук", "управляющий", "компания", "подать",
                            "сделать", "написать", "жалоба", "проблема", "на", "я", "у", "меня", "нужно", "надо"})


def lemmas_of(text: str) -> List[str]:
    return [lemma(word) for word in text.replace(",", " ").replace(".", " ").split()]


def category_of(text: str) -> str:
    words = lemmas_of(text)
    if EMERGENCY_LEMMAS & set(words):
        return "emergency"
    return "emergency" if "нет" in words and OUTAGE_LEMMAS & set(words) else "regular"


def is_status_question(text: str) -> bool:
    words = lemmas_of(text)
    return "статус" in words or ("что" in words and "заявка" in words)


def is_description(text: str) -> bool:
    """Whether the message says what is wrong, not only "I want to file a request"."""
    return len([w for w in lemmas_of(text) if w not in GENERIC_LEMMAS]) >= 2
