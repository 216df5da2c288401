"""Voting: which proposal (asked with a button per open vote when the message named none), the choice (asked
with buttons for, against, abstain), then the vote is recorded and said back with the proposal's title and until
when it can be changed. Only members vote; anyone else is offered to join the cooperative as a provider. A
proposal still in review, or closed, is said so (with its result) and the form ends."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from engine.sdk import (
    STOP,
    TextAnswers,
    audit_record,
    button,
    clock,
    is_member,
    offer,
    phrase,
    record_id,
    resident_id,
    session_scope,
)

from .. import ballots, closing, proposals
from ..decisions import CHOICES
from ..models import CLOSED, OPEN, REVIEW, Proposal
from .vote_texts import basics, choice_name, example_number, result_text, shown_lists, when
from .votes import open_lines

PROPOSAL, CHOICE = "gov_vote_proposal", "gov_vote_choice"
VOTE_SLOTS = (PROPOSAL, CHOICE)
SKILL = "governance"
JOIN_INTENT = "market_provider_join"


def typed_stop(tracker: Tracker, value: Any) -> bool:
    """STOP that the resident typed (copied by a from_text mapping), never the skill's own."""
    return value == STOP and (tracker.latest_message.get("text") or "").strip() == STOP


def encoded(reference: ballots.Reference) -> str:
    """A reference read by the skill, kept in the slot until validated: "#7" is No. 7, "@3" the third shown."""
    return f"#{reference.number}" if reference.number is not None else f"@{reference.position}"


def decoded(value: str) -> Optional[ballots.Reference]:
    """The reference a slot value holds: the skill's own encoding, or what was tagged or typed."""
    number = record_id(value[1:]) if value[:1] in ("#", "@") else None
    if number is not None:
        return ballots.Reference(number=number) if value[0] == "#" else ballots.Reference(position=number)
    return ballots.read_reference(value)


def say_not_member(dispatcher: CollectingDispatcher) -> None:
    dispatcher.utter_message(response="utter_gov_not_member", **offer(JOIN_INTENT))


def say_not_votable(dispatcher: CollectingDispatcher, domain: DomainDict, proposal: Proposal) -> None:
    """Why the proposal takes no vote now: not open yet, or closed (with its result)."""
    if proposal.status == REVIEW:
        dispatcher.utter_message(
            response="utter_gov_vote_not_open_yet", opens=when(proposal.opens_at), **basics(proposal)
        )
    elif proposal.status == CLOSED:
        dispatcher.utter_message(
            response="utter_gov_vote_closed",
            closed=when(proposal.closed_at),
            result=result_text(domain, proposal),
            **basics(proposal),
        )
    else:
        dispatcher.utter_message(response="utter_gov_proposal_unknown", number=proposal.id)


def votable(session: Session, proposal_id: int) -> Optional[Proposal]:
    """The proposal, opened or closed first if its time has come."""
    closing.close(session, proposal_id, clock.now())
    closing.open_due(session, clock.now(), proposal_id)
    return session.get(Proposal, proposal_id, populate_existing=True)


class ValidateGovVoteForm(TextAnswers, FormValidationAction):
    def name(self) -> Text:
        return "validate_gov_vote_form"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        return [PROPOSAL] if tracker.get_slot(PROPOSAL) == STOP else [PROPOSAL, CHOICE]

    async def extract_gov_vote_proposal(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """At the start: only members vote; the proposal the request names in words the model did not tag."""
        if tracker.get_slot(REQUESTED_SLOT) is not None:
            return {}
        with session_scope() as session:
            if not is_member(session, resident_id(session, tracker), clock.today()):
                say_not_member(dispatcher)
                return {PROPOSAL: STOP}
            if tracker.get_slot(PROPOSAL) is not None:
                return {}
            text = tracker.latest_message.get("text") or ""
            reference = ballots.reference_in_text(text)
            if reference is not None:
                return {PROPOSAL: encoded(reference)}
            open_now = proposals.open_proposals(session, clock.now())
            named = ballots.named_by_title(text, [(p.id, p.title) for p in open_now])
        return {PROPOSAL: encoded(ballots.Reference(number=named))} if named is not None else {}

    async def extract_gov_vote_choice(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """The choice said with the request ("I am for the third") that the model did not tag."""
        if tracker.get_slot(CHOICE) is not None or tracker.get_slot(REQUESTED_SLOT) == CHOICE:
            return {}
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent != "gov_vote":
            return {}
        said = ballots.read_choice(tracker.latest_message.get("text") or "")
        return {CHOICE: said} if said else {}

    def validate_gov_vote_proposal(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if slot_value == STOP and not typed_stop(tracker, slot_value):
            return {PROPOSAL: STOP}
        with session_scope() as session:
            open_now = proposals.open_proposals(session, clock.now())
            open_ids = [p.id for p in open_now]
            reference = decoded(str(slot_value or ""))
            if reference is None:
                named = ballots.named_by_title(str(slot_value or ""), [(p.id, p.title) for p in open_now])
                reference = ballots.Reference(number=named) if named is not None else None
            found, ambiguous = (
                ballots.resolve(reference, open_ids, shown_lists(tracker)) if reference else (None, False)
            )
            if ambiguous or found is None:
                response = "utter_gov_vote_which_list" if ambiguous else "utter_gov_vote_proposal_unknown"
                dispatcher.utter_message(response=response, example=example_number(open_ids))
                return {PROPOSAL: None}
            proposal = votable(session, found)
            if proposal is None:
                dispatcher.utter_message(response="utter_gov_proposal_unknown", number=found)
                return {PROPOSAL: None}
            if proposal.status != OPEN:
                say_not_votable(dispatcher, domain, proposal)
                return {PROPOSAL: STOP}
            return {PROPOSAL: str(proposal.id)}

    def validate_gov_vote_choice(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        value = str(slot_value or "")
        choice = value if value in CHOICES else ballots.read_choice(value, answering=True)
        if choice is None:
            dispatcher.utter_message(response="utter_gov_vote_choice_unknown")
            return {CHOICE: None}
        return {CHOICE: choice}


class ActionAskGovVoteProposal(Action):
    """The open votes with a button each; with none, the form ends at once."""

    def name(self) -> str:
        return "action_ask_gov_vote_proposal"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        with session_scope() as session:
            proposals.refresh(session, clock.now())
            open_now = proposals.open_proposals(session, clock.now())
            if not open_now:
                dispatcher.utter_message(response="utter_gov_vote_nothing_open")
                return [
                    ActiveLoop(None),
                    SlotSet(REQUESTED_SLOT, None),
                    *[SlotSet(s, None) for s in VOTE_SLOTS],
                ]
            listed = open_lines(domain, session, open_now, resident_id(session, tracker))
        dispatcher.utter_message(response="utter_gov_ask_vote_proposal", **listed)
        return []


class ActionAskGovVoteChoice(Action):
    def name(self) -> str:
        return "action_ask_gov_vote_choice"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        number = record_id(tracker.get_slot(PROPOSAL))
        with session_scope() as session:
            proposal = session.get(Proposal, number) if number is not None else None
            if proposal is None:
                return [SlotSet(PROPOSAL, None)]
            values = basics(proposal)
        buttons = [
            button(phrase(domain, f"utter_gov_choice_button_{choice}"), "inform", vote_choice=choice)
            for choice in CHOICES
        ]
        dispatcher.utter_message(response="utter_ask_gov_vote_choice", buttons=buttons, **values)
        return []


class ActionGovVoteDone(Action):
    """Records the vote (or changes it) and says it back."""

    def name(self) -> str:
        return "action_gov_vote_done"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        cleared: List[EventType] = [SlotSet(slot, None) for slot in VOTE_SLOTS]
        # the form already said why no vote is taken (not a member, closed)
        if tracker.get_slot(PROPOSAL) == STOP:
            return cleared
        value, choice = record_id(tracker.get_slot(PROPOSAL)), tracker.get_slot(CHOICE)
        # no proposal's number (typed into a payload): which one is asked as the form asks it
        if value is None:
            with session_scope() as session:
                open_ids = [p.id for p in proposals.open_proposals(session, clock.now())]
            dispatcher.utter_message(
                response="utter_gov_vote_proposal_unknown", example=example_number(open_ids)
            )
            return cleared
        if choice not in CHOICES:
            dispatcher.utter_message(response="utter_gov_vote_choice_unknown")
            return cleared
        with session_scope() as session:
            member = resident_id(session, tracker)
            ballot = proposals.cast_vote(session, value, member, choice, clock.now())
            proposal = ballot.proposal
            if ballot.status == proposals.NOT_MEMBER:
                say_not_member(dispatcher)
            elif proposal is None:
                dispatcher.utter_message(response="utter_gov_proposal_unknown", number=value)
            elif ballot.status in (proposals.NOT_OPEN_YET, proposals.CLOSED_ALREADY):
                say_not_votable(dispatcher, domain, proposal)
            else:
                if ballot.status != proposals.SAME:
                    audit_record(
                        session,
                        skill=SKILL,
                        action=f"vote_{ballot.status}",
                        resident_id=member,
                        details={"proposal_id": proposal.id, "choice": choice},
                    )
                response = {
                    proposals.CAST: "utter_gov_vote_cast",
                    proposals.CHANGED: "utter_gov_vote_changed",
                    proposals.SAME: "utter_gov_vote_same",
                }[ballot.status]
                dispatcher.utter_message(
                    response=response,
                    choice=choice_name(domain, choice),
                    previous=choice_name(domain, ballot.previous),
                    deadline=when(proposal.closes_at),
                    **basics(proposal),
                )
        return cleared
