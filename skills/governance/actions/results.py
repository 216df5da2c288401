"""The results of closed votes: counts, turnout, outcome and the minute each is recorded in, with the head of the
minutes' chain; or where one named proposal stands."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from engine.sdk import clock, phrase, session_scope

from .. import minutes, proposals
from ..models import CLOSED, OPEN, REVIEW, Proposal
from .vote_texts import basics, members_now, result_text, when
from .votes import named_proposal

SHOWN = 3  # closed votes listed, the latest first
DIGEST_SHOWN = 16  # characters of a minute's own digest in its line (the head is shown whole)


class ActionGovResults(Action):
    def name(self) -> str:
        return "action_gov_results"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        with session_scope() as session:
            now = clock.now()
            proposals.refresh(session, now)
            open_ids = [p.id for p in proposals.open_proposals(session, now)]
            named = named_proposal(session, tracker, open_ids)
            if named is not None:
                proposal = session.get(Proposal, named)
                if proposal is None:
                    dispatcher.utter_message(response="utter_gov_proposal_unknown", number=named)
                elif proposal.status == OPEN:
                    dispatcher.utter_message(
                        response="utter_gov_results_still_open",
                        deadline=when(proposal.closes_at),
                        voters=proposals.voters(session, [proposal.id])[proposal.id],
                        members=members_now(session),
                        **basics(proposal),
                    )
                elif proposal.status == REVIEW:
                    dispatcher.utter_message(
                        response="utter_gov_results_in_review",
                        opens=when(proposal.opens_at),
                        **basics(proposal),
                    )
                elif proposal.status == CLOSED:
                    self._say(dispatcher, domain, session, [proposal])
                else:
                    dispatcher.utter_message(response="utter_gov_proposal_unknown", number=named)
                return []
            closed = proposals.closed_proposals(session, SHOWN)
            if not closed:
                dispatcher.utter_message(response="utter_gov_results_none")
                return []
            self._say(dispatcher, domain, session, closed)
        return []

    @staticmethod
    def _say(
        dispatcher: CollectingDispatcher, domain: Dict[str, Any], session, closed: List[Proposal]
    ) -> None:
        lines = []
        for proposal in closed:
            minute = minutes.minute_of(session, proposal.id)
            lines.append(
                phrase(
                    domain,
                    "utter_gov_result_line",
                    closed=when(proposal.closed_at),
                    result=result_text(domain, proposal),
                    minute=minute.sequence if minute else "—",
                    digest=minute.digest[:DIGEST_SHOWN] if minute else "—",
                    **basics(proposal),
                )
            )
        dispatcher.utter_message(
            response="utter_gov_results", lines="\n".join(lines), head=minutes.head(session)
        )
