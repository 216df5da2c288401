"""Problems in the resident's own words mapped to what a skill offers: a leaking tap means a plumber.

Each skill declares in its manifest's `problems:` the phrases that mean a canonical value of one of its entities
(see docs/skills.md). A phrase matches a message when each of its words is in the message, in any order and any
word form (lemmas), with one typo forgiven in longer words. The longest matching phrase wins, so "the radiator does
not heat" beats "radiator".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Collection, Dict, FrozenSet, List, Mapping, Optional, Sequence, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.forms import REQUESTED_SLOT

from engine.sdk.words import plain_words, words_of
from nlu.canonical import one_typo_apart, words_match
from nlu.morphology import fold_spelling, lemma


@dataclass(frozen=True)
class ProblemPhrase:
    words: Tuple[FrozenSet[str], ...]  # each word of the phrase: its lemma and its folded surface form
    value: str
    entity: str = ""


def _phrase_words(phrase: str) -> Tuple[FrozenSet[str], ...]:
    folded = fold_spelling(phrase.lower())
    return tuple(frozenset({lemma(w), w}) for w in plain_words(folded))


def compile_problems(values: Mapping[str, Sequence[str]], entity: str = "") -> List[ProblemPhrase]:
    """The phrases of one entity, longest first."""
    phrases = [
        ProblemPhrase(_phrase_words(p), value, entity) for value, group in values.items() for p in group
    ]
    return sorted(phrases, key=lambda p: -len(p.words))


def _has(word_forms: FrozenSet[str], said: Sequence[str]) -> bool:
    return any(words_match(s, k) or one_typo_apart(s, k) for k in word_forms for s in said)


def _longest_match(text: str, phrases: Sequence[ProblemPhrase]) -> Optional[ProblemPhrase]:
    folded = fold_spelling((text or "").lower())
    said = sorted({*words_of(folded), *plain_words(folded)})
    return next((p for p in phrases if p.words and all(_has(word, said) for word in p.words)), None)


def match_problem(text: str, phrases: Sequence[ProblemPhrase]) -> Optional[str]:
    """The value the longest matching phrase means, or None."""
    found = _longest_match(text, phrases)
    return found.value if found else None


@lru_cache(maxsize=1)
def _served_problems() -> Dict[str, List[ProblemPhrase]]:
    """Each served entity's phrases, and under "" all of them, longest first."""
    from engine.skills.loader import served_packages

    merged: Dict[str, Dict[str, List[str]]] = {}
    for package in served_packages():
        for entity, values in package.manifest.problems.items():
            for value, phrases in values.items():
                merged.setdefault(entity, {}).setdefault(value, []).extend(phrases)
    compiled = {entity: compile_problems(values, entity) for entity, values in merged.items()}
    compiled[""] = sorted((p for group in compiled.values() for p in group), key=lambda p: -len(p.words))
    return compiled


def any_problem(text: str) -> Optional[Tuple[str, str]]:
    """(entity, canonical value) of the longest problem phrase of any served skill that the text describes, or
    None: "the socket sparks on the landing" is the management company's, "the socket sparks" an electrician's."""
    found = _longest_match(text, _served_problems()[""])
    return (found.entity, found.value) if found else None


def problem_value(text: str, entity: str) -> Optional[str]:
    """The canonical value of `entity` that the problem described in `text` calls for (the served skills'
    manifests), or None when the text names no known problem."""
    return match_problem(text, _served_problems().get(entity, []))


@lru_cache(maxsize=1)
def _urgent() -> FrozenSet[Tuple[str, str]]:
    from engine.skills.loader import served_packages

    return frozenset(
        (entity, value)
        for package in served_packages()
        for entity, values in package.manifest.urgent_problems.items()
        for value in values
    )


def urgent_task(
    text: str, values: Mapping[str, Any], own_intents: Collection[str]
) -> Optional[Tuple[str, Dict[str, Any]]]:
    """(intent, entities) of another skill's task when `text` describes a problem its manifest calls urgent
    (`urgent_problems`), else None. A skill whose task was started on such a message (a gas smell on the landing
    read as an appeal to the city) hands it over at once: an emergency waits for no form of the wrong service."""
    described = any_problem(text)
    if not described or described not in _urgent():
        return None
    task = problem_task(text, values)
    return task if task and task[0] not in own_intents else None


def urgent_handover(tracker: Tracker, *slots: str) -> Optional[List[EventType]]:
    """For a form's validation on the message that started it: when that message describes another task's urgent
    problem, the events that end the form (clearing `slots`) and start that task with the same message; else
    None."""
    from engine.sdk.offers import message_values, replay

    started_by = (tracker.latest_message.get("intent") or {}).get("name")
    text = tracker.latest_message.get("text") or ""
    task = urgent_task(text, message_values(tracker.latest_message), {started_by})
    if task is None:
        return None
    return end_form(*slots) + replay(tracker, *task)


def end_form(*slots: str) -> List[EventType]:
    """Events that end the active form and clear `slots`, as an action that leaves the form returns them."""
    return [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None), *[SlotSet(slot, None) for slot in slots]]


def problem_task(text: str, values: Mapping[str, Any]) -> Optional[Tuple[str, Dict[str, Any]]]:
    """(intent, entities) of the task that the problem described in `text` starts, or None when no problem or no
    task is known. The tasks are the served intents that take the problem's entity (manifests' `bare_values`);
    the one that also takes most of the message's other `values` wins ("broken, come the day after tomorrow"
    orders a visit, the problem alone searches), the first on a tie. The entities are `values` with the
    problem's canonical value."""
    from engine.skills.loader import bare_value_intents

    described = any_problem(text)
    tasks = bare_value_intents([described[0]]) if described else []
    if not described or not tasks:
        return None
    others = [bare_value_intents([entity]) for entity in values if entity != described[0]]
    best = max(tasks, key=lambda task: sum(task in taking for taking in others))
    return best, {**values, described[0]: described[1]}
