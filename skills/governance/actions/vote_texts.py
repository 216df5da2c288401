"""How the cooperative's proposals read in the conversation (the sentences themselves are responses of domain.yml):
deadlines, a parameter change, a vote's result, the rules of a kind of decision; and the lists of open proposals
the bot has shown, which "the third" refers to."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any, Dict, List, Optional, Sequence

from rasa_sdk import Tracker
from sqlalchemy.orm import Session

from engine.sdk import (
    ParameterSpec,
    clock,
    day_month,
    member_count,
    moment_text,
    number,
    parameter_value,
    phrase,
)

from .. import decisions, parameters
from ..models import ADOPTED, Proposal

LISTED = "gov_open_listed"  # message metadata: the ids of the open proposals a message listed, in order
RECENT_TURNS = 6  # lists shown in the resident's last this many turns count for "the third"


def when(stored: datetime) -> str:
    """A stored moment as the resident reads it: short weekday, day, month, "12:20"."""
    return moment_text(clock.to_local(stored))


def basics(proposal: Proposal) -> Dict[str, Any]:
    return {"number": proposal.id, "title": proposal.title}


def choice_name(domain: Dict[str, Any], choice: Optional[str]) -> str:
    return phrase(domain, f"utter_gov_choice_{choice}") if choice else ""


def own_vote(domain: Dict[str, Any], choice: Optional[str]) -> str:
    if choice is None:
        return phrase(domain, "utter_gov_own_vote_none")
    return phrase(domain, "utter_gov_own_vote", choice=choice_name(domain, choice))


def value_text(spec: Optional[ParameterSpec], value: Decimal) -> str:
    unit = spec.unit if spec else ""
    return f"{number(value)} {unit}".strip()


def current_value(session: Session, spec: ParameterSpec) -> Decimal:
    found = parameter_value(session, spec.name)
    return spec.default if found is None else found


def change_text(
    domain: Dict[str, Any],
    session: Session,
    name: Optional[str],
    value: Optional[Decimal],
    effective_from: Any = None,
) -> str:
    """The line saying what parameter a proposal changes (empty when none)."""
    if not name or value is None:
        return ""
    spec = parameters.specs().get(name)
    title = spec.title if spec else name
    current = value_text(spec, current_value(session, spec)) if spec else "—"
    day = effective_from
    moment = (
        phrase(domain, "utter_gov_change_from_day", day=day_month(day))
        if day
        else phrase(domain, "utter_gov_change_after_close")
    )
    return phrase(
        domain,
        "utter_gov_change",
        parameter=title,
        value=value_text(spec, Decimal(value)),
        current=current,
        when=moment,
    )


def proposal_change(domain: Dict[str, Any], session: Session, proposal: Proposal) -> str:
    return change_text(domain, session, proposal.parameter, proposal.parameter_value, proposal.effective_from)


def rules_text(domain: Dict[str, Any], kind: str) -> str:
    rules = decisions.config().rules(kind)
    return phrase(
        domain,
        "utter_gov_rules",
        quorum=decisions.percent(rules.quorum),
        threshold=decisions.percent(rules.threshold),
    )


def result_text(domain: Dict[str, Any], proposal: Proposal) -> str:
    """The outcome of a closed proposal with its reason, counts and turnout, and the change it made."""
    rules = decisions.config().rules(proposal.kind)
    electorate = proposal.electorate or 0
    votes = (proposal.votes_for or 0, proposal.votes_against or 0, proposal.votes_abstain or 0)
    reason = proposal.outcome_reason or decisions.MAJORITY
    applied = ""
    if proposal.outcome == ADOPTED and proposal.applied_from and proposal.parameter_value is not None:
        spec = parameters.specs().get(proposal.parameter or "")
        applied = phrase(
            domain,
            "utter_gov_result_applied",
            day=day_month(proposal.applied_from),
            parameter=spec.title if spec else proposal.parameter,
            value=value_text(spec, Decimal(proposal.parameter_value)),
        )
    return phrase(
        domain,
        "utter_gov_result_summary",
        outcome=phrase(domain, f"utter_gov_outcome_{proposal.outcome}"),
        reason=phrase(
            domain,
            f"utter_gov_reason_{reason}",
            needed=decisions.needed_for_quorum(rules, electorate),
            members=electorate,
            threshold=decisions.percent(rules.threshold),
        ),
        votes_for=votes[0],
        votes_against=votes[1],
        votes_abstain=votes[2],
        voters=sum(votes),
        members=electorate,
        turnout=decisions.percent(Fraction(sum(votes), electorate)) if electorate else 0,
        applied=applied,
    )


def members_now(session: Session) -> int:
    return member_count(session, clock.today())


def shown_lists(tracker: Tracker) -> List[List[int]]:
    """The lists of open proposals the bot showed in the resident's recent turns, oldest first."""
    users = [i for i, e in enumerate(tracker.events) if e.get("event") == "user"]
    start = users[-RECENT_TURNS] if len(users) >= RECENT_TURNS else 0
    found = []
    for event in tracker.events[start:]:
        listed = (event.get("metadata") or {}).get(LISTED) if event.get("event") == "bot" else None
        if isinstance(listed, list) and listed:
            found.append([int(x) for x in listed if str(x).isdigit()])
    return found


def example_number(open_ids: Sequence[int]) -> int:
    return open_ids[0] if open_ids else 1
