"""The cooperative's voting rules: quorum (abstaining counts), threshold, ties, no members, the configuration."""

from datetime import timedelta
from fractions import Fraction

import pytest

from skills.governance import decisions
from skills.governance.decisions import (
    AGAINST_WINS,
    ALL_ABSTAINED,
    BELOW_THRESHOLD,
    MAJORITY,
    NO_QUORUM,
    TIE,
    Counts,
    Rules,
    RulesError,
    config_from,
    outcome,
)

HALF = Rules("rules", Fraction(1, 2), Fraction(1, 2))
TWO_THIRDS = Rules("fee", Fraction(1, 2), Fraction(2, 3))


def test_exactly_the_quorum_counts_and_one_voter_less_does_not():
    met = outcome(Counts(2, 1, 0), 6, HALF)  # 3 of 6: exactly half
    assert (met.adopted, met.reason, met.turnout, met.needed) == (True, MAJORITY, Fraction(1, 2), 3)
    missed = outcome(Counts(2, 0, 0), 6, HALF)
    assert (missed.adopted, missed.reason, missed.value) == (False, NO_QUORUM, "rejected")


def test_an_odd_electorate_rounds_the_quorum_up():
    assert decisions.needed_for_quorum(HALF, 7) == 4
    assert outcome(Counts(3, 0, 0), 7, HALF).reason == NO_QUORUM
    assert outcome(Counts(4, 0, 0), 7, HALF).reason == MAJORITY


def test_abstaining_counts_toward_the_quorum_not_the_threshold():
    result = outcome(Counts(1, 0, 2), 6, HALF)
    assert result.adopted and result.share_for == 1
    assert outcome(Counts(1, 0, 1), 6, HALF).reason == NO_QUORUM


def test_a_tie_is_not_adopted():
    assert outcome(Counts(2, 2, 1), 6, HALF).reason == TIE


def test_more_against_rejects():
    result = outcome(Counts(1, 3, 0), 6, HALF)
    assert (result.adopted, result.reason) == (False, AGAINST_WINS)


def test_all_abstaining_decides_nothing():
    result = outcome(Counts(0, 0, 5), 6, HALF)
    assert (result.adopted, result.reason, result.share_for) == (False, ALL_ABSTAINED, None)


def test_a_majority_below_the_threshold_is_rejected_and_exactly_the_threshold_adopts():
    assert outcome(Counts(3, 2, 0), 6, TWO_THIRDS).reason == BELOW_THRESHOLD
    exactly = outcome(Counts(4, 2, 0), 6, TWO_THIRDS)
    assert exactly.adopted and exactly.share_for == Fraction(2, 3)


def test_no_members_no_quorum():
    for counts in (Counts(), Counts(1, 0, 0)):
        result = outcome(counts, 0, HALF)
        assert (result.adopted, result.reason, result.turnout) == (False, NO_QUORUM, 0)


def test_a_zero_quorum_still_needs_one_voter():
    rules = Rules("any", Fraction(0), Fraction(1, 2))
    assert outcome(Counts(), 5, rules).reason == NO_QUORUM
    assert outcome(Counts(1, 0, 0), 5, rules).adopted


def test_percent_rounds_half_up():
    assert [decisions.percent(Fraction(n, d)) for n, d in ((2, 3), (1, 2), (5, 7), (1, 200))] == [
        67,
        50,
        71,
        1,
    ]


def test_the_skills_configuration():
    config = decisions.config()
    assert set(config.kinds) >= {"rules", "parameter", "fee"}
    assert config.kind_of(None) == "rules"
    assert config.kind_of("commission_percent") == "parameter"
    assert config.kind_of("member_fee") == "fee"
    assert config.review == timedelta(hours=2) and config.voting == timedelta(days=7)
    assert config.rules("no-such-kind") == config.rules("rules")


@pytest.mark.parametrize(
    "raw",
    [
        {
            "kinds": {"rules": {"quorum": "3/2", "threshold": "1/2"}},
            "default_kind": "rules",
            "voting_days": 7,
        },
        {
            "kinds": {"rules": {"quorum": "half", "threshold": "1/2"}},
            "default_kind": "rules",
            "voting_days": 7,
        },
        {
            "kinds": {"rules": {"quorum": "1/2", "threshold": "1/2"}},
            "default_kind": "other",
            "voting_days": 7,
        },
        {
            "kinds": {"rules": {"quorum": "1/2", "threshold": "1/2"}},
            "default_kind": "rules",
            "voting_days": 0,
        },
        {
            "kinds": {"rules": {"quorum": "1/2", "threshold": "1/2"}},
            "default_kind": "rules",
            "parameter_kinds": {"member_fee": "fee"},
            "voting_days": 7,
        },
    ],
)
def test_a_configuration_that_cannot_be_a_rule_is_refused(raw):
    with pytest.raises(RulesError):
        config_from(raw)


def test_decimal_shares_are_exact():
    config = config_from(
        {"kinds": {"r": {"quorum": "0.5", "threshold": 0.5}}, "default_kind": "r", "voting_days": 1}
    )
    assert config.rules("r").quorum == Fraction(1, 2)
    assert config.kind_of("anything") == "r"  # no `parameter` kind: the default
