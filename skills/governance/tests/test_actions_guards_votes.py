"""Voting and proposing, tried by a non-member with forged slots, twice, twice at once, after the vote closed, and
with hostile input: the resident reads why in Russian, and no vote or proposal changes that was not theirs to
make."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine.sdk import STOP, session_scope
from engine.testing import HOSTILE_IDS, at_once, freeze_clock, hostile_id, meeting_after, slot_events, texts
from skills.governance import proposals
from skills.governance.actions.propose import ActionGovProposeDone, ValidateGovProposeForm
from skills.governance.actions.vote import ActionGovVoteDone, ValidateGovVoteForm
from skills.governance.models import WITHDRAWN, Proposal, Vote

from .conftest import NOW
from .helpers import act, form, said
from .votes_fixtures import (
    COMMISSION,
    DISCOUNT,
    STANDARD,
    member,
    proposal_row,
    votes_store,  # noqa: F401 (a fixture)
)

pytestmark = pytest.mark.usefixtures("votes_store")

PROPOSAL, CHOICE = "gov_vote_proposal", "gov_vote_choice"
DRAFT = {
    "gov_propose_title": "Открыть пункт выдачи инструментов",
    "gov_propose_text": "Предлагаю открыть в кооперативе пункт выдачи инструментов напрокат для членов.",
    "gov_propose_parameter": "none",
    "gov_propose_confirm": True,
}
NUMBERS = ["NaN", "sNaN", "Infinity", "-1", "1e999999", "abc", "7" * 10_000]


def vote(proposal, choice="for", sender="me"):
    return act(
        ActionGovVoteDone(), "за", "inform", slots={PROPOSAL: str(proposal), CHOICE: choice}, sender=sender
    )


def votes_of(sender, proposal=STANDARD):
    """(choice, changes) of the member's vote, or None."""
    who = member(sender)
    with session_scope() as session:
        found = session.execute(
            select(Vote.choice, Vote.changes).where(Vote.member_id == who, Vote.proposal_id == proposal)
        ).first()
        return tuple(found) if found else None


def proposal_count() -> int:
    with session_scope() as session:
        return session.execute(select(func.count(Proposal.id))).scalar_one()


def publish(slots=None, sender="me"):
    return act(ActionGovProposeDone(), "да", "affirm", slots={**DRAFT, **(slots or {})}, sender=sender)


# ---- another resident ----


def test_a_non_member_can_neither_vote_nor_propose_with_forged_slots():
    before = proposal_count()
    assert said(vote(STANDARD, sender="guest")[0]) == ["utter_gov_not_member"]
    assert said(publish(sender="guest")[0]) == ["utter_gov_not_member"]
    assert votes_of("guest") is None and proposal_count() == before


def test_a_vote_forged_for_a_proposal_in_review_or_withdrawn_is_refused():
    assert said(vote(DISCOUNT)[0]) == ["utter_gov_vote_not_open_yet"]
    with session_scope() as session:
        session.get(Proposal, STANDARD).status = WITHDRAWN
    assert said(vote(STANDARD)[0]) == ["utter_gov_proposal_unknown"]
    assert votes_of("me", DISCOUNT) is None and votes_of("me") is None


# ---- twice, and twice at once ----


def test_the_same_vote_twice_is_one_vote():
    assert said(vote(STANDARD)[0]) == ["utter_gov_vote_cast"]
    assert said(vote(STANDARD)[0]) == ["utter_gov_vote_same"]
    assert votes_of("me") == ("for", 0)


def test_one_vote_sent_twice_at_once_is_cast_once(monkeypatch):
    member("me")
    monkeypatch.setattr(proposals, "is_member", meeting_after(proposals.is_member, 2))
    answers = at_once(lambda _: said(vote(STANDARD)[0]), [1, 2])
    assert sorted(answers) == [["utter_gov_vote_cast"], ["utter_gov_vote_same"]]
    assert votes_of("me") == ("for", 0)


def test_one_proposal_confirmed_twice_at_once_is_published_once(monkeypatch):
    before = proposal_count()
    member("me")
    monkeypatch.setattr(
        proposals, "clean", meeting_after(proposals.clean, 4)
    )  # title and text, in each thread
    answers = at_once(lambda _: texts(publish()[0]), [1, 2])
    assert answers[0] == answers[1] and f"№ {before + 1}" in answers[0], answers
    assert proposal_count() == before + 1


# ---- stale confirmations ----


def test_a_vote_given_after_the_deadline_is_refused_with_the_result(monkeypatch):
    freeze_clock(monkeypatch, NOW + timedelta(minutes=30))  # the commission vote closed at 12:20
    messages, _ = vote(COMMISSION, "against")
    assert said(messages) == ["utter_gov_vote_closed"]
    assert texts(messages).startswith(f"Голосование по № {COMMISSION}")
    assert votes_of("me", COMMISSION) is None and proposal_row(COMMISSION).votes_against == 1


def test_a_change_of_vote_after_the_deadline_keeps_the_vote(monkeypatch):
    vote(STANDARD, "for")
    freeze_clock(monkeypatch, NOW + timedelta(days=6))  # the standard vote closed meanwhile
    assert said(vote(STANDARD, "against")[0]) == ["utter_gov_vote_closed"]
    assert votes_of("me") == ("for", 0)


# ---- hostile input ----


@pytest.mark.parametrize("value", HOSTILE_IDS, ids=hostile_id)
def test_hostile_proposals_and_choices_take_no_vote(value):
    messages, events = form(
        ValidateGovVoteForm(),
        "gov_vote_form",
        value[:200],
        "inform",
        new={PROPOSAL: value},
        requested=PROPOSAL,
        sender="me",
    )
    chosen = slot_events(events)[PROPOSAL]  # the one number in a text names a proposal («<b>1</b>» is No. 1)
    assert chosen in (None, STOP) or chosen in ("1", "2"), chosen
    assert said(messages) in (
        [],
        ["utter_gov_vote_proposal_unknown"],
        ["utter_gov_proposal_unknown"],
        ["utter_gov_vote_closed"],
    ), texts(messages)
    messages, events = form(
        ValidateGovVoteForm(),
        "gov_vote_form",
        value[:200],
        "inform",
        slots={PROPOSAL: str(STANDARD)},
        new={CHOICE: value},
        requested=CHOICE,
        sender="me",
    )
    assert slot_events(events)[CHOICE] is None and said(messages) == ["utter_gov_vote_choice_unknown"]
    assert said(vote(value)[0]) in (["utter_gov_vote_proposal_unknown"], ["utter_gov_proposal_unknown"])
    assert said(vote(STANDARD, value)[0]) == ["utter_gov_vote_choice_unknown"]
    assert votes_of("me") is None


@pytest.mark.parametrize("value", HOSTILE_IDS, ids=hostile_id)
def test_hostile_drafts_are_published_as_plain_text_or_refused(value):
    before = proposal_count()
    for slot in ("gov_propose_title", "gov_propose_text"):
        _, events = form(
            ValidateGovProposeForm(),
            "gov_propose_form",
            value,
            new={slot: value},
            requested=slot,
            slots={"gov_propose_title": DRAFT["gov_propose_title"]},
            sender="me",
        )
        assert slot_events(events)[slot] in (None, proposals.clean(value, 4001)), slot
    for slot in ("gov_propose_title", "gov_propose_text", "gov_propose_effective"):
        assert said(publish({slot: value})[0]) in (["utter_gov_proposed"], ["utter_gov_propose_declined"]), (
            slot
        )
    with session_scope() as session:
        for proposal in session.execute(select(Proposal).where(Proposal.id > before)).scalars():
            assert "\x00" not in proposal.title + proposal.text and len(proposal.title) <= proposals.TITLE_MAX


@pytest.mark.parametrize("number", NUMBERS, ids=hostile_id)
def test_hostile_parameter_values_change_nothing(number):
    before = proposal_count()
    slots = {**DRAFT, "gov_propose_parameter": "commission_percent", "requested_slot": "gov_propose_value"}
    messages, events = form(
        ValidateGovProposeForm(),
        "gov_propose_form",
        number,
        slots=slots,
        new={"gov_propose_value": number},
        requested="gov_propose_value",
        sender="me",
    )
    assert slot_events(events)["gov_propose_value"] is None and said(messages) == [
        "utter_gov_propose_value_bad"
    ]
    messages, _ = publish({"gov_propose_parameter": "commission_percent", "gov_propose_value": number})
    assert said(messages) in (["utter_gov_proposed"], ["utter_gov_propose_declined"])
    with session_scope() as session:
        for proposal in session.execute(select(Proposal).where(Proposal.id > before)).scalars():
            assert proposal.parameter is None and proposal.parameter_value is None
