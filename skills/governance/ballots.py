"""Reading a vote from what a member typed: the choice (for, against, abstain) and which proposal it is about.

The model tags both (`vote_choice`, normalised through the manifest's canonical values, and `proposal_id`); these
readers cover what it did not tag. "za" (for) is also a preposition, so a choice is read from free text only in a
message about voting, and a yes or a no word only as the answer to the choice question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from engine.sdk import (
    canonical_values,
    fold_spelling,
    lemmas,
    positions,
    read_yes_no,
    record_id,
    skill_lexicon,
)

from .decisions import CHOICES
from .models import AGAINST, FOR

WORDS = skill_lexicon(__file__, "vote_words.yml")
TOKEN = re.compile(r"\d+|[^\W\d_]+|№")
NEGATION = WORDS["negation"]


def _phrases() -> List[Tuple[Tuple[str, ...], str]]:
    """(lemmas of a phrase, choice), longest first: "do not support" is read before "support"."""
    found = []
    for choice, phrases in canonical_values(__file__, "vote_choice").items():
        for phrase in phrases:
            found.append((tuple(lemmas(phrase.lower().split())), choice))
    return sorted(found, key=lambda item: -len(item[0]))


PHRASES = _phrases()
YES_NO = frozenset(words for words, _ in PHRASES if len(words) == 1 and read_yes_no(words[0]) is not None)


def tokens(text: str) -> List[str]:
    """The words and numbers of a text, words as lemmas."""
    raw = TOKEN.findall(fold_spelling((text or "").lower()))
    return [word if word.isdigit() or word == "№" else lemmas([word])[0] for word in raw]


def read_choice(text: str, answering: bool = False) -> Optional[str]:
    """The one choice the text says (FOR, AGAINST, ABSTAIN), or None when it says none or several. `answering`:
    the text answers the choice question, so a bare yes or no counts too."""
    words = tokens(text)
    said = set()
    index = 0
    while index < len(words):
        for phrase, choice in PHRASES:
            if tuple(words[index : index + len(phrase)]) != phrase or (phrase in YES_NO and not answering):
                continue
            negated = index > 0 and words[index - 1] == NEGATION and len(phrase) == 1
            said.add(_negated(choice) if negated else choice)
            index += len(phrase) - 1
            break
        index += 1
    said.discard(None)
    return said.pop() if len(said) == 1 else None


def _negated(choice: str) -> Optional[str]:
    """ "Not for" is against; "not against" is the colloquial "fine with me", for; "not abstaining" says nothing."""
    return {FOR: AGAINST, AGAINST: FOR}.get(choice)


@dataclass(frozen=True)
class Reference:
    """A proposal named by its number («№ 5», a button) or by its place in a list shown («the third»)."""

    number: Optional[int] = None
    position: Optional[int] = None


def read_reference(text: str) -> Optional[Reference]:
    """The one proposal a text names, or None: digits are the proposal's number, an ordinal word its position."""
    value = str(text or "").strip()
    numbers = list(dict.fromkeys(re.findall(r"\d+", value)))
    if len(numbers) == 1:
        number = record_id(numbers[0])
        return Reference(number=number) if number is not None else None
    if numbers:
        return None
    found = positions(value, digits=False)
    return Reference(position=found[0]) if len(found) == 1 else None


def reference_in_text(text: str) -> Optional[Reference]:
    """A proposal named in free text the model did not tag: a number after a word naming a proposal ("No. 7",
    "proposal 7"), or one ordinal ("for the third"); a bare number of a longer message (a percent) is none."""
    words = tokens(text)
    cues = set(WORDS["reference_words"])
    numbers = {
        record_id(word)
        for index, word in enumerate(words)
        if word.isdigit() and index and words[index - 1] in cues
    }
    if None in numbers:  # a run of digits too long for a number
        return None
    if len(numbers) == 1:
        return Reference(number=numbers.pop())
    if numbers:
        return None
    found = positions(text, digits=False)
    return Reference(position=found[0]) if len(found) == 1 else None


def _content(text: str) -> set:
    generic = set(WORDS["generic_words"]) | set(WORDS["reference_words"])
    return {word for word in tokens(text) if len(word) >= 4 and not word.isdigit() and word not in generic}


def named_by_title(text: str, titled: Sequence[Tuple[int, str]]) -> Optional[int]:
    """The one proposal whose title shares the most words with the text (at least one, more than any other)."""
    said = _content(text)
    scores = sorted(
        ((len(said & _content(title)), proposal_id) for proposal_id, title in titled), reverse=True
    )
    if not scores or scores[0][0] == 0 or (len(scores) > 1 and scores[1][0] == scores[0][0]):
        return None
    return scores[0][1]


def says_own(text: str) -> bool:
    """Whether the text asks about the resident's own proposals ("my proposals")."""
    own = set(WORDS["own_words"])
    return any(word in own for word in tokens(text))


def resolve(
    reference: Reference, open_ids: Sequence[int], shown: Sequence[Sequence[int]]
) -> Tuple[Optional[int], bool]:
    """(proposal id, ambiguous) for a reference. A position is a place in the list of open proposals shown last;
    with two different such lists shown recently it is ambiguous; with none, the list as it would be shown now.
    A position beyond the list is taken as a number («the seventh» after seeing No. 7)."""
    if reference.number is not None:
        return reference.number, False
    position = reference.position or 0
    lists = [list(ids) for ids in dict.fromkeys(tuple(ids) for ids in shown if ids)]
    if len(lists) > 1 and any(position <= len(ids) for ids in lists):
        candidates = {ids[position - 1] for ids in lists if 0 < position <= len(ids)}
        if len(candidates) > 1:
            return None, True
        return candidates.pop(), False
    listed = lists[0] if lists else list(open_ids)
    if 0 < position <= len(listed):
        return listed[position - 1], False
    return (position or None), False


def choice_counts(rows: Sequence[Tuple[str, int]]) -> Dict[str, int]:
    """{choice: count} of (choice, count) rows, every choice present."""
    counts = dict.fromkeys(CHOICES, 0)
    for choice, count in rows:
        if choice in counts:
            counts[choice] += int(count)
    return counts
