"""The cooperative's voting rules (decisions.yml) and the outcome of a closed vote: pure functions, no store.

A vote is valid when the members who voted (abstaining included) make at least the quorum's share of the
electorate; a valid vote adopts the proposal when more members voted for than against and the share of "for"
among for + against reaches the kind's threshold. Shares are exact fractions, so "exactly half" is never lost to
floating point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction
from functools import lru_cache
from typing import Any, Dict, Mapping, Optional

from engine.sdk import skill_lexicon

from .models import ABSTAIN, ADOPTED, AGAINST, FOR, REJECTED

# Why a vote ended as it did.
MAJORITY = "majority"  # adopted
NO_QUORUM = "no_quorum"
ALL_ABSTAINED = "all_abstained"
TIE = "tie"
AGAINST_WINS = "against_wins"
BELOW_THRESHOLD = "below_threshold"
REASONS = (MAJORITY, NO_QUORUM, ALL_ABSTAINED, TIE, AGAINST_WINS, BELOW_THRESHOLD)

CHOICES = (FOR, AGAINST, ABSTAIN)


class RulesError(ValueError):
    """decisions.yml says something that cannot be a voting rule."""


@dataclass(frozen=True)
class Rules:
    """The rules of one kind of decision."""

    kind: str
    quorum: Fraction  # the share of the electorate that must vote
    threshold: Fraction  # the share of "for" among for + against needed


@dataclass(frozen=True)
class Config:
    kinds: Mapping[str, Rules]
    default_kind: str
    parameter_kinds: Mapping[str, str]
    review: timedelta
    voting: timedelta

    def rules(self, kind: str) -> Rules:
        """The rules of `kind`; an unknown kind (a row older than the configuration) takes the default's."""
        return self.kinds.get(kind) or self.kinds[self.default_kind]

    def kind_of(self, parameter: Optional[str]) -> str:
        """The kind of a proposal changing `parameter` (None: no parameter)."""
        if not parameter:
            return self.default_kind
        return self.parameter_kinds.get(
            parameter, "parameter" if "parameter" in self.kinds else self.default_kind
        )


@dataclass(frozen=True)
class Counts:
    votes_for: int = 0
    against: int = 0
    abstain: int = 0

    @property
    def voters(self) -> int:
        return self.votes_for + self.against + self.abstain

    @classmethod
    def of(cls, by_choice: Mapping[str, int]) -> Counts:
        return cls(by_choice.get(FOR, 0), by_choice.get(AGAINST, 0), by_choice.get(ABSTAIN, 0))


@dataclass(frozen=True)
class Outcome:
    adopted: bool
    reason: str
    turnout: Fraction  # voters / electorate (0 with no electorate)
    share_for: Optional[Fraction]  # for / (for + against), None when nobody voted either way
    needed: int  # how many voters the quorum took

    @property
    def value(self) -> str:
        return ADOPTED if self.adopted else REJECTED


def share(value: Any, where: str) -> Fraction:
    """A share from the configuration: "1/2", "2/3", 0.5; between 0 and 1."""
    try:
        result = Fraction(str(value).strip())
    except (ValueError, ZeroDivisionError) as error:
        raise RulesError(f"{where}: {value!r} is not a share") from error
    if not 0 <= result <= 1:
        raise RulesError(f"{where}: {value!r} is not between 0 and 1")
    return result


def config_from(raw: Mapping[str, Any]) -> Config:
    """Checks and reads the mapping of decisions.yml."""
    kinds: Dict[str, Rules] = {}
    for kind, spec in (raw.get("kinds") or {}).items():
        if not isinstance(spec, Mapping):
            raise RulesError(f"kinds.{kind}: needs quorum and threshold")
        kinds[str(kind)] = Rules(
            str(kind),
            share(spec.get("quorum"), f"kinds.{kind}.quorum"),
            share(spec.get("threshold"), f"kinds.{kind}.threshold"),
        )
    default_kind = str(raw.get("default_kind") or "")
    if default_kind not in kinds:
        raise RulesError(f"default_kind {default_kind!r} is not one of the kinds")
    parameter_kinds = {str(k): str(v) for k, v in (raw.get("parameter_kinds") or {}).items()}
    unknown = sorted(set(parameter_kinds.values()) - set(kinds))
    if unknown:
        raise RulesError(f"parameter_kinds name unknown kinds: {unknown}")
    review_hours, voting_days = float(raw.get("review_hours", 0)), float(raw.get("voting_days", 0))
    if review_hours < 0 or voting_days <= 0:
        raise RulesError("review_hours must be 0 or more and voting_days more than 0")
    return Config(
        kinds, default_kind, parameter_kinds, timedelta(hours=review_hours), timedelta(days=voting_days)
    )


@lru_cache(maxsize=1)
def config() -> Config:
    """The skill's decisions.yml."""
    return config_from(skill_lexicon(__file__, "decisions.yml"))


def needed_for_quorum(rules: Rules, electorate: int) -> int:
    """How many members must vote for the vote to count (at least one)."""
    return max(1, math.ceil(rules.quorum * max(electorate, 0)))


def outcome(counts: Counts, electorate: int, rules: Rules) -> Outcome:
    """The result of a closed vote with `counts` among `electorate` members under `rules`."""
    needed = needed_for_quorum(rules, electorate)
    turnout = Fraction(counts.voters, electorate) if electorate > 0 else Fraction(0)
    decided = counts.votes_for + counts.against
    share_for = Fraction(counts.votes_for, decided) if decided else None

    def rejected(reason: str) -> Outcome:
        return Outcome(False, reason, turnout, share_for, needed)

    if electorate <= 0 or counts.voters < needed:
        return rejected(NO_QUORUM)
    if decided == 0:
        return rejected(ALL_ABSTAINED)
    if counts.votes_for == counts.against:
        return rejected(TIE)
    if counts.against > counts.votes_for:
        return rejected(AGAINST_WINS)
    if share_for is not None and share_for < rules.threshold:
        return rejected(BELOW_THRESHOLD)
    return Outcome(True, MAJORITY, turnout, share_for, needed)


def percent(value: Fraction) -> int:
    """A share as whole percent, rounded half up (2/3 is 67)."""
    return math.floor(value * 100 + Fraction(1, 2))
