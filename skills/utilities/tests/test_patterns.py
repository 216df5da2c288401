"""The skill's regular expressions read residents' messages of any length in linear time: no two unbounded
repeats that may match the same character one after the other, none inside another."""

import re
import sre_constants
import sre_parse

import pytest

from skills.utilities import readings_parser
from skills.utilities.actions import reminders

# Whether a pattern can backtrack polynomially: two unbounded repeats that may match the same character with only
# optional items between them (`\s*-?\s*`), or an unbounded repeat inside another. Character classes are compared
# on probe characters, which is enough for the lexicon's patterns.
PROBES = " \t\u00a0-05_.,!aZяЁ"
UNBOUNDED = sre_constants.MAXREPEAT
REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT)


def _matches(op, arg, ch):
    if op is sre_constants.LITERAL:
        return ord(ch) == arg
    if op is sre_constants.NOT_LITERAL:
        return ord(ch) != arg
    if op is sre_constants.ANY:
        return ch != "\n"
    if op is sre_constants.RANGE:
        return arg[0] <= ord(ch) <= arg[1]
    if op is sre_constants.CATEGORY:
        return re.fullmatch(CATEGORIES[arg], ch) is not None
    if op is sre_constants.IN:
        negated = bool(arg) and arg[0][0] is sre_constants.NEGATE
        hit = any(_matches(o, a, ch) for o, a in arg if o is not sre_constants.NEGATE)
        return hit != negated
    return False


CATEGORIES = {
    sre_constants.CATEGORY_SPACE: r"\s",
    sre_constants.CATEGORY_NOT_SPACE: r"\S",
    sre_constants.CATEGORY_DIGIT: r"\d",
    sre_constants.CATEGORY_NOT_DIGIT: r"\D",
    sre_constants.CATEGORY_WORD: r"\w",
    sre_constants.CATEGORY_NOT_WORD: r"\W",
}


def _first(items):
    """The probe characters the sequence can start with."""
    chars = set()
    for op, arg in items:
        if op in REPEATS:
            chars |= _first(arg[2])
            if arg[0] > 0:
                return chars
        elif op is sre_constants.SUBPATTERN:
            chars |= _first(arg[-1])
            if not _can_be_empty(arg[-1]):
                return chars
        elif op is sre_constants.BRANCH:
            chars |= set().union(*(_first(b) for b in arg[1]))
            if not any(_can_be_empty(b) for b in arg[1]):
                return chars
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT, sre_constants.AT):
            continue
        else:
            return chars | {ch for ch in PROBES if _matches(op, arg, ch)}
    return chars


def _can_be_empty(items):
    for op, arg in items:
        if op in REPEATS and arg[0] > 0 and not _can_be_empty(arg[2]):
            return False
        if op is sre_constants.SUBPATTERN and not _can_be_empty(arg[-1]):
            return False
        if op is sre_constants.BRANCH and not any(_can_be_empty(b) for b in arg[1]):
            return False
        if op not in (
            *REPEATS,
            sre_constants.SUBPATTERN,
            sre_constants.BRANCH,
            sre_constants.ASSERT,
            sre_constants.ASSERT_NOT,
            sre_constants.AT,
        ):
            return False
    return True


def ambiguous_repeats(items, inside_unbounded=False):
    """Descriptions of the repeats in `items` that make backtracking more than linear."""
    found, open_repeats = [], []
    for op, arg in items:
        if op in REPEATS:
            body, unbounded = arg[2], arg[1] is UNBOUNDED
            if unbounded and inside_unbounded:
                found.append("an unbounded repeat inside another")
            if unbounded:
                chars = _first(body)
                found += [f"overlapping repeats on {sorted(chars & o)}" for o in open_repeats if chars & o]
            found += ambiguous_repeats(body, inside_unbounded or unbounded)
            if arg[0] == 0 or _can_be_empty(body):
                open_repeats += [_first(body)] if unbounded else []
            else:
                open_repeats = [_first(body)] if unbounded else []
        elif op is sre_constants.SUBPATTERN:
            found += ambiguous_repeats(arg[-1], inside_unbounded)
            if not _can_be_empty(arg[-1]):
                open_repeats = []
        elif op is sre_constants.BRANCH:
            for branch in arg[1]:
                found += ambiguous_repeats(branch, inside_unbounded)
            if not any(_can_be_empty(b) for b in arg[1]):
                open_repeats = []
        elif op not in (sre_constants.ASSERT, sre_constants.ASSERT_NOT, sre_constants.AT):
            open_repeats = []
    return found


def test_the_overlap_check_itself():
    assert ambiguous_repeats(sre_parse.parse(r"(\d)\s*-?\s*(?:го)")) == [
        "overlapping repeats on ['\\t', ' ', '\\xa0']"
    ]
    assert ambiguous_repeats(sre_parse.parse(r"(a+)+")) == ["an unbounded repeat inside another"]
    assert ambiguous_repeats(sre_parse.parse(r"(\d)\s*(?:-\s*)?(?:го)")) == []


@pytest.mark.parametrize(
    "pattern",
    [reminders.DAY_OF_MONTH, reminders.WORD, readings_parser.TOKEN],
    ids=["day_of_month", "word", "reading_tokens"],
)
def test_the_skills_patterns_backtrack_at_most_linearly(pattern):
    """Issue 15: the day-of-month pattern (`\\s*-?\\s*`) was quadratic on a long run of spaces."""
    assert ambiguous_repeats(sre_parse.parse(pattern.pattern)) == []
