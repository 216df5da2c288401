"""Proposing: a title (taken from the request when it says one, "I propose to lower the commission"), the text, a
parameter change read from them (its value asked when missing or out of bounds), then a confirmation with the
dates of review and voting before it is published. A new value or date said at the confirmation replaces the one
read. Only members propose."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from engine.sdk import (
    STOP,
    ParameterSpec,
    audit_record,
    button,
    clock,
    corrects_other_slots,
    fold_spelling,
    is_member,
    number,
    phrase,
    resident_id,
    session_scope,
    yes_no_extraction,
)

from .. import decisions, parameters, proposals
from ..ballots import WORDS
from .vote import SKILL, say_not_member, typed_stop
from .vote_texts import change_text, current_value, rules_text, value_text, when

TITLE, TEXT, PARAMETER = "gov_propose_title", "gov_propose_text", "gov_propose_parameter"
VALUE, EFFECTIVE, CONFIRM = "gov_propose_value", "gov_propose_effective", "gov_propose_confirm"
PROPOSE_SLOTS = (TITLE, TEXT, PARAMETER, VALUE, EFFECTIVE, CONFIRM)
NONE = "none"
TITLE_MIN, TEXT_MIN = 5, 10
LONG_WORD = 4  # a title from the request needs two words at least this long ("lower the commission")


def title_from_request(text: str) -> Optional[str]:
    """The proposal said with the request after an opening ("I propose ..."), as its title."""
    said = " ".join(str(text or "").split())
    folded = fold_spelling(said.lower())
    for opening in sorted(WORDS["proposal_openings"], key=len, reverse=True):
        if folded.startswith(opening) and folded[len(opening) : len(opening) + 1] in (" ", ":", "-", ","):
            rest = said[len(opening) :].strip(" :-,\u2014")
            if len([w for w in re.findall(r"\w+", rest) if len(w) >= LONG_WORD]) >= 2:
                return rest[0].upper() + rest[1:]
            return None
    return None


def letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def spec_of(tracker: Tracker) -> Optional[ParameterSpec]:
    return parameters.specs().get(str(tracker.get_slot(PARAMETER) or ""))


def decimal_of(value: Any) -> Optional[Decimal]:
    """A finite number from a slot ("7", "7,5"), None for anything else (NaN and infinities included)."""
    try:
        found = Decimal(str(value).replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return found if found.is_finite() else None


def day_of(value: Any) -> Optional[date]:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def bounds(spec: ParameterSpec) -> Dict[str, Any]:
    return {
        "parameter": spec.title,
        "minimum": value_text(spec, spec.minimum),
        "maximum": value_text(spec, spec.maximum),
    }


class ValidateGovProposeForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_gov_propose_form"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        if tracker.get_slot(TITLE) == STOP:
            return [TITLE]
        changes = tracker.get_slot(PARAMETER) not in (None, NONE)
        return [TITLE, TEXT, *([VALUE] if changes else []), CONFIRM]

    async def extract_gov_propose_title(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """At the start: only members propose; a proposal said with the request becomes the title."""
        if tracker.get_slot(REQUESTED_SLOT) is not None or tracker.get_slot(TITLE) is not None:
            return {}
        with session_scope() as session:
            if not is_member(session, resident_id(session, tracker), clock.today()):
                say_not_member(dispatcher)
                return {TITLE: STOP}
        title = title_from_request(tracker.latest_message.get("text") or "")
        return {TITLE: title} if title else {}

    async def extract_gov_propose_value(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """A new value said at the confirmation ("no, 8%") replaces the one read."""
        if tracker.get_slot(REQUESTED_SLOT) != CONFIRM or spec_of(tracker) is None:
            return {}
        value = parameters.read_value(tracker.latest_message.get("text") or "")
        if value is None or value == decimal_of(tracker.get_slot(VALUE)):
            return {}
        return {VALUE: str(value)}

    async def extract_gov_propose_confirm(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """A yes or a no the model took for something else; a new day said at the confirmation."""
        found: Dict[Text, Any] = dict(yes_no_extraction(tracker, CONFIRM))
        if tracker.get_slot(REQUESTED_SLOT) == CONFIRM and spec_of(tracker) is not None:
            day = parameters.effective_date(tracker.latest_message.get("text") or "")
            if day is not None and day.isoformat() != tracker.get_slot(EFFECTIVE):
                found[EFFECTIVE] = day.isoformat()
        return found

    def validate_gov_propose_title(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if slot_value == STOP and not typed_stop(tracker, slot_value):
            return {TITLE: STOP}
        title = proposals.clean(str(slot_value or ""), proposals.TITLE_MAX + 1)
        if not TITLE_MIN <= len(title) <= proposals.TITLE_MAX or not letters(title):
            dispatcher.utter_message(response="utter_gov_propose_title_bad")
            return {TITLE: None}
        return {TITLE: title}

    def validate_gov_propose_text(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        text = proposals.clean(str(slot_value or ""), proposals.TEXT_MAX + 1)
        if not TEXT_MIN <= len(text) <= proposals.TEXT_MAX or not letters(text):
            dispatcher.utter_message(response="utter_gov_propose_text_bad")
            return {TEXT: None}
        with session_scope() as session:
            change = parameters.read_change(
                f"{tracker.get_slot(TITLE) or ''}. {text}",
                parameters.specs(),
                lambda spec: current_value(session, spec),
            )
        if change is None:
            return {TEXT: text, PARAMETER: NONE, VALUE: None, EFFECTIVE: None}
        if change.status == parameters.OUT_OF_BOUNDS:
            dispatcher.utter_message(response="utter_gov_propose_value_bad", **bounds(change.spec))
        found = change.value if change.status == parameters.FOUND else None
        return {
            TEXT: text,
            PARAMETER: change.spec.name,
            VALUE: None if found is None else str(found),
            EFFECTIVE: change.effective_from.isoformat() if change.effective_from else None,
        }

    def validate_gov_propose_value(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        spec = spec_of(tracker)
        if spec is None:
            return {VALUE: None, PARAMETER: NONE}
        said = decimal_of(slot_value) if slot_value is not None else None
        value = parameters.bounded(spec, said if said is not None else parameters.read_value(str(slot_value)))
        if value is None:
            dispatcher.utter_message(response="utter_gov_propose_value_bad", **bounds(spec))
            return {VALUE: None}
        return {VALUE: str(value)}

    def validate_gov_propose_confirm(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if corrects_other_slots(tracker, CONFIRM):
            return {CONFIRM: None}
        return {CONFIRM: slot_value}


class ActionAskGovProposeValue(Action):
    def name(self) -> str:
        return "action_ask_gov_propose_value"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        spec = spec_of(tracker)
        if spec is None:
            return [SlotSet(PARAMETER, NONE)]
        with session_scope() as session:
            current = value_text(spec, current_value(session, spec))
        dispatcher.utter_message(response="utter_ask_gov_propose_value", current=current, **bounds(spec))
        return []


class ActionAskGovProposeConfirm(Action):
    """The proposal as it will be published, with the change it makes and when review and voting end."""

    def name(self) -> str:
        return "action_ask_gov_propose_confirm"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        config = decisions.config()
        spec = spec_of(tracker)
        opens = clock.to_store(clock.now()) + config.review
        with session_scope() as session:
            change = change_text(
                domain,
                session,
                spec.name if spec else None,
                decimal_of(tracker.get_slot(VALUE)) if spec else None,
                day_of(tracker.get_slot(EFFECTIVE)),
            )
        dispatcher.utter_message(
            response="utter_ask_gov_propose_confirm",
            title=tracker.get_slot(TITLE),
            body=tracker.get_slot(TEXT),
            change=change,
            opens=when(opens),
            deadline=when(opens + config.voting),
            rules=rules_text(domain, config.kind_of(spec.name if spec else None)),
        )
        return []


class ActionGovProposeDone(Action):
    """Publishes the confirmed proposal (a repeated confirmation publishes it once)."""

    def name(self) -> str:
        return "action_gov_propose_done"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        cleared: List[EventType] = [SlotSet(slot, None) for slot in PROPOSE_SLOTS]
        if tracker.get_slot(TITLE) in (None, STOP):
            return cleared
        if tracker.get_slot(CONFIRM) is not True:
            dispatcher.utter_message(response="utter_gov_propose_declined")
            return cleared
        spec = spec_of(tracker)
        value = parameters.bounded(spec, decimal_of(tracker.get_slot(VALUE))) if spec else None
        if (
            spec is not None and value is None
        ):  # the change confirmed cannot be made: nothing else is published
            dispatcher.utter_message(response="utter_gov_propose_declined")
            return cleared
        draft = proposals.Draft(
            title=str(tracker.get_slot(TITLE)),
            text=str(tracker.get_slot(TEXT) or ""),
            parameter=spec.name if spec and value is not None else None,
            value=value,
            effective_from=day_of(tracker.get_slot(EFFECTIVE)),
        )
        with session_scope() as session:
            member = resident_id(session, tracker)
            if not is_member(session, member, clock.today()):
                say_not_member(dispatcher)
                return cleared
            proposal = proposals.publish(session, member, draft, clock.now())
            audit_record(
                session,
                skill=SKILL,
                action="proposal_published",
                resident_id=member,
                details={
                    "proposal_id": proposal.id,
                    "parameter": proposal.parameter,
                    "value": None if value is None else number(value),
                },
            )
            values = {
                "number": proposal.id,
                "title": proposal.title,
                "opens": when(proposal.opens_at),
                "deadline": when(proposal.closes_at),
            }
        mine = button(phrase(domain, "utter_gov_my_proposals_button"), "gov_proposals", gov_list_own="yes")
        dispatcher.utter_message(response="utter_gov_proposed", buttons=[mine], **values)
        return cleared
