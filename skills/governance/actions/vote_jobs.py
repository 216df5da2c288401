"""The vote's scheduled work: closing a vote at its deadline (a job of the skill, in its job conversation, where
nothing said reaches anyone), and the notices members get in their own conversations: a vote opened, a vote
closed with its result and the new head of the minutes' chain."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from engine.sdk import button, clock, delivered_now, entity_value, phrase, session_scope

from .. import closing, minutes, notices
from ..models import CLOSED, OPEN, Proposal
from .vote_texts import basics, proposal_change, result_text, when


class ActionGovCloseVote(Action):
    """Closes the vote the job names, and any other whose deadline has passed; says nothing. Safe to run twice:
    a close happens once (closing.py)."""

    def name(self) -> str:
        return "action_gov_close_vote"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        named = str(entity_value(tracker, "proposal_id") or "")
        with session_scope() as session:
            now = clock.now()
            if named.isdigit():
                closing.close(session, int(named), now)
            closing.close_due(session, now)
        return []


class ActionGovVoteNotice(Action):
    def name(self) -> str:
        return "action_gov_vote_notice"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        with session_scope() as session:
            if not delivered_now(session, tracker):
                return []
            kind = entity_value(tracker, notices.KIND)
            named = str(entity_value(tracker, notices.PROPOSAL) or "")
            if not named.isdigit():
                return []
            closing.open_due(session, clock.now(), int(named))
            proposal = session.get(Proposal, int(named), populate_existing=True)
            if proposal is None:
                return []
            if kind == notices.OPENED and proposal.status == OPEN:
                buttons = [
                    button(
                        phrase(domain, "utter_gov_vote_button", number=proposal.id),
                        "gov_vote",
                        proposal_id=proposal.id,
                    ),
                    button(
                        phrase(domain, "utter_gov_details_button", number=proposal.id),
                        "gov_proposals",
                        proposal_id=proposal.id,
                    ),
                ]
                dispatcher.utter_message(
                    response="utter_gov_notice_opened",
                    deadline=when(proposal.closes_at),
                    change=proposal_change(domain, session, proposal).strip(),
                    buttons=buttons,
                    **basics(proposal),
                )
            elif kind == notices.RESULT and proposal.status == CLOSED:
                minute = minutes.minute_of(session, proposal.id)
                head = entity_value(tracker, notices.HEAD) or (minute.digest if minute else minutes.GENESIS)
                dispatcher.utter_message(
                    response="utter_gov_notice_result",
                    result=result_text(domain, proposal),
                    minute=minute.sequence if minute else "—",
                    head=head,
                    **basics(proposal),
                )
        return []
