"""What is on the cooperative's agenda: the open votes (deadline, turnout so far, the resident's own vote) with a
button to vote on each, the proposals still in review, the resident's own proposals and their status, or one
proposal in full when the message names it."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from engine.sdk import button, clock, entity_value, phrase, resident_id, session_scope

from .. import ballots, proposals
from ..models import CLOSED, OPEN, REVIEW, Proposal
from .vote_texts import (
    LISTED,
    basics,
    example_number,
    members_now,
    own_vote,
    proposal_change,
    result_text,
    rules_text,
    shown_lists,
    when,
)

MAX_BUTTONS = 5
OWN_ENTITY = "gov_list_own"


def named_proposal(session: Session, tracker: Tracker, open_ids: List[int]) -> Optional[int]:
    """The proposal the message names (tagged, or a number or an ordinal in the text), if any."""
    tagged = entity_value(tracker, "proposal_id")
    text = tracker.latest_message.get("text") or ""
    reference = ballots.read_reference(str(tagged)) if tagged is not None else ballots.reference_in_text(text)
    if reference is None:
        return None
    found, _ = ballots.resolve(reference, open_ids, shown_lists(tracker))
    return found


def open_lines(
    domain: Dict[str, Any], session: Session, open_now: List[Proposal], member: int
) -> Dict[str, Any]:
    """The list of open votes, its vote buttons and the ids it shows (kept in the message for "the third")."""
    counted = proposals.voters(session, [p.id for p in open_now])
    mine = proposals.own_votes(session, member, counted)
    members = members_now(session)
    lines = [
        phrase(
            domain,
            "utter_gov_proposal_line",
            position=position,
            deadline=when(p.closes_at),
            voters=counted[p.id],
            members=members,
            own=own_vote(domain, mine.get(p.id)),
            **basics(p),
        )
        for position, p in enumerate(open_now, start=1)
    ]
    buttons = [
        button(phrase(domain, "utter_gov_vote_button", number=p.id), "gov_vote", proposal_id=p.id)
        for p in open_now[:MAX_BUTTONS]
    ]
    return {"lines": "\n".join(lines), "buttons": buttons, LISTED: [p.id for p in open_now]}


def status_line(domain: Dict[str, Any], session: Session, proposal: Proposal) -> str:
    """One of the resident's own proposals with where it stands."""
    values = basics(proposal)
    if proposal.status == REVIEW:
        return phrase(domain, "utter_gov_mine_line_review", opens=when(proposal.opens_at), **values)
    if proposal.status == OPEN:
        return phrase(
            domain,
            "utter_gov_mine_line_open",
            deadline=when(proposal.closes_at),
            voters=proposals.voters(session, [proposal.id])[proposal.id],
            members=members_now(session),
            **values,
        )
    if proposal.status == CLOSED:
        return phrase(
            domain,
            "utter_gov_mine_line_closed",
            outcome=phrase(domain, f"utter_gov_outcome_{proposal.outcome}"),
            closed=when(proposal.closed_at),
            **values,
        )
    return phrase(domain, "utter_gov_mine_line_withdrawn", **values)


def details(domain: Dict[str, Any], session: Session, proposal: Proposal, member: int) -> Dict[str, Any]:
    """The response and values that show one proposal in full."""
    if proposal.status == OPEN:
        status = phrase(
            domain,
            "utter_gov_status_open",
            deadline=when(proposal.closes_at),
            voters=proposals.voters(session, [proposal.id])[proposal.id],
            members=members_now(session),
            own=own_vote(domain, proposals.own_votes(session, member, [proposal.id]).get(proposal.id)),
            rules=rules_text(domain, proposal.kind),
        )
    elif proposal.status == REVIEW:
        status = phrase(
            domain,
            "utter_gov_status_review",
            opens=when(proposal.opens_at),
            deadline=when(proposal.closes_at),
            rules=rules_text(domain, proposal.kind),
        )
    elif proposal.status == CLOSED:
        status = phrase(
            domain,
            "utter_gov_status_closed",
            closed=when(proposal.closed_at),
            result=result_text(domain, proposal),
        )
    else:
        status = phrase(domain, "utter_gov_status_withdrawn")
    buttons = (
        [
            button(
                phrase(domain, "utter_gov_vote_button", number=proposal.id),
                "gov_vote",
                proposal_id=proposal.id,
            )
        ]
        if proposal.status == OPEN
        else []
    )
    return {
        "response": "utter_gov_proposal_details",
        "body": proposal.text,
        "change": proposal_change(domain, session, proposal),
        "status": status,
        "buttons": buttons,
        **basics(proposal),
    }


class ActionGovProposals(Action):
    def name(self) -> str:
        return "action_gov_proposals"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        text = tracker.latest_message.get("text") or ""
        own_only = bool(entity_value(tracker, OWN_ENTITY)) or ballots.says_own(text)
        with session_scope() as session:
            now = clock.now()
            proposals.refresh(session, now)
            member = resident_id(session, tracker)
            open_now = proposals.open_proposals(session, now)
            named = named_proposal(session, tracker, [p.id for p in open_now])
            if named is not None:
                proposal = session.get(Proposal, named)
                if proposal is None:
                    dispatcher.utter_message(response="utter_gov_proposal_unknown", number=named)
                else:
                    values = details(domain, session, proposal, member)
                    dispatcher.utter_message(**values)
                return []
            mine = proposals.proposals_of(session, member)
            mine_lines = "\n".join(status_line(domain, session, p) for p in mine)
            if own_only:
                if mine:
                    dispatcher.utter_message(response="utter_gov_proposals_mine", lines=mine_lines)
                else:
                    dispatcher.utter_message(response="utter_gov_proposals_mine_none")
                return []
            if open_now:
                listed = open_lines(domain, session, open_now, member)
                dispatcher.utter_message(
                    response="utter_gov_proposals_open",
                    example=example_number([p.id for p in open_now]),
                    **listed,
                )
            else:
                dispatcher.utter_message(response="utter_gov_proposals_none_open")
            review = proposals.in_review(session)
            if review:
                lines = [
                    phrase(domain, "utter_gov_review_line", opens=when(p.opens_at), **basics(p))
                    for p in review
                ]
                dispatcher.utter_message(response="utter_gov_proposals_review", lines="\n".join(lines))
            if mine:
                dispatcher.utter_message(response="utter_gov_proposals_mine", lines=mine_lines)
        return []
