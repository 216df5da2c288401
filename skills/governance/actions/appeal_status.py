"""The resident's appeals: the list, one by its number (only their own: another's number reads as no such
appeal), the rating of an answer (buttons 1–5 after it, or "I rate it 4"), and the news of an appeal taken in
work or answered, told by the engine's notifier."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from engine.sdk import (
    button,
    clock,
    delivered_now,
    entity_value,
    offer,
    phrase,
    resident_id,
    session_scope,
)

from .. import appeals
from ..appeal_texts import appeal_values, category_title
from ..models import ANSWERED, IN_WORK, Appeal

STATUS_INTENT = "gov_appeal_status"
RATING = "gov_appeal_rating"
LISTED = 10
BUTTONS = 5
# Codes of appeals.rate_appeal and what the resident reads.
RATING_ANSWERS = {
    appeals.MOVED: "utter_gov_appeal_rated",
    appeals.ALREADY_RATED: "utter_gov_appeal_already_rated",
    appeals.NOT_ANSWERED: "utter_gov_appeal_not_answered",
    appeals.BAD_RATING: "utter_gov_appeal_bad_rating",
}


def _whole(value: Any) -> Optional[int]:
    text = str(value or "").strip().lstrip("\u2116#").strip()
    return int(text) if re.fullmatch(r"[0-9]{1,18}", text) else None


def asked_number(tracker: Tracker) -> Optional[int]:
    """The appeal's number: the order_id entity (the number of an order, a ride or an appeal) or told with its word."""
    tagged = _whole(entity_value(tracker, "order_id"))
    return tagged if tagged is not None else appeals.number_in_text(tracker.latest_message.get("text") or "")


def asked_rating(tracker: Tracker) -> Optional[int]:
    """The rating of a button or an accepted offer, else one told in a sentence about rating."""
    tagged = entity_value(tracker, RATING)
    if tagged is not None:
        return _whole(tagged) or 0  # a value that is no rating is refused, not ignored
    return appeals.rating_in_text(tracker.latest_message.get("text") or "")


def rating_buttons(domain: Dict[str, Any], appeal: Appeal) -> Dict[str, Any]:
    """Buttons 1–5 for the answer, and the offer that takes a bare «5» typed instead."""
    buttons = [
        button(
            phrase(domain, "utter_gov_appeal_rating_button", rating=rating),
            STATUS_INTENT,
            order_id=appeal.id,
            gov_appeal_rating=rating,
        )
        for rating in appeals.RATINGS
    ]
    return {"buttons": buttons, **offer(STATUS_INTENT, accepts=[RATING], order_id=appeal.id)}


class ActionGovAppealStatus(Action):
    def name(self) -> str:
        return "action_gov_appeal_status"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        number, rating = asked_number(tracker), asked_rating(tracker)
        with session_scope() as session:
            resident = resident_id(session, tracker)
            if rating is not None:
                self._rate(session, dispatcher, domain, resident, number, rating)
            elif number is not None:
                self._one(session, dispatcher, domain, resident, number)
            else:
                self._list(session, dispatcher, domain, resident)
        return []

    @staticmethod
    def _one(
        session: Session, dispatcher: CollectingDispatcher, domain: Dict[str, Any], resident: int, number: int
    ) -> None:
        appeal = appeals.appeal_of(session, resident, number)
        if appeal is None:
            dispatcher.utter_message(response="utter_gov_appeal_not_found", number=number)
            return
        values = appeal_values(domain, appeal)
        if appeal.status != ANSWERED:
            dispatcher.utter_message(response="utter_gov_appeal_card", **values)
        elif appeal.rating is not None:
            dispatcher.utter_message(response="utter_gov_appeal_card_rated", **values)
        else:
            dispatcher.utter_message(
                response="utter_gov_appeal_card_answered", **values, **rating_buttons(domain, appeal)
            )

    @staticmethod
    def _list(
        session: Session, dispatcher: CollectingDispatcher, domain: Dict[str, Any], resident: int
    ) -> None:
        found = appeals.appeals_of(session, resident, limit=LISTED)
        if not found:
            dispatcher.utter_message(response="utter_gov_appeal_none", **offer("gov_appeal"))
            return
        shown = [appeal_values(domain, appeal) for appeal in found]
        lines = [phrase(domain, "utter_gov_appeal_line", **values) for values in shown]
        buttons = [
            button(
                phrase(domain, "utter_gov_appeal_button", **values), STATUS_INTENT, order_id=values["number"]
            )
            for values in shown[:BUTTONS]
        ]
        dispatcher.utter_message(
            response="utter_gov_appeal_list",
            lines="\n".join(lines),
            example=shown[0]["number"],
            buttons=buttons,
        )

    @staticmethod
    def _rate(
        session: Session,
        dispatcher: CollectingDispatcher,
        domain: Dict[str, Any],
        resident: int,
        number: Optional[int],
        rating: int,
    ) -> None:
        if number is None:  # "I give it a five": the one answer waiting for a rating, if only one waits
            waiting = appeals.unrated_answers(session, resident)
            if not waiting:
                dispatcher.utter_message(response="utter_gov_appeal_nothing_to_rate")
                return
            if len(waiting) > 1:
                dispatcher.utter_message(
                    response="utter_gov_appeal_rate_which", rating=rating, example=waiting[0].id
                )
                return
            number = waiting[0].id
        outcome = appeals.rate_appeal(session, resident, number, rating, clock.now())
        if outcome.code == appeals.NOT_FOUND:
            dispatcher.utter_message(response="utter_gov_appeal_not_found", number=number)
            return
        values = appeal_values(domain, outcome.appeal)
        if outcome.code == appeals.MOVED or outcome.code == appeals.BAD_RATING:
            values["rating"] = rating
        dispatcher.utter_message(response=RATING_ANSWERS[outcome.code], **values)


class ActionGovAppealNotice(Action):
    """An appeal taken in work or answered (appeals.tell_resident), said once in the author's conversation; an
    answer comes with the rating buttons unless it is rated already."""

    def name(self) -> str:
        return "action_gov_appeal_notice"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        with session_scope() as session:
            if not delivered_now(session, tracker):
                return []  # said already, cancelled, or typed by hand
            number = _whole(entity_value(tracker, appeals.NOTICE_APPEAL))
            status = entity_value(tracker, appeals.NOTICE_STATUS)
            appeal = session.get(Appeal, number) if number else None
            if appeal is None:
                return []
            values = {
                "number": appeal.id,
                "category": category_title(domain, appeal.category),
                "address": appeal.address,
                "answer": appeal.answer or "",
            }
            if status == IN_WORK:
                dispatcher.utter_message(response="utter_gov_appeal_notice_in_work", **values)
            elif status == ANSWERED and appeal.status == ANSWERED:
                extra = rating_buttons(domain, appeal) if appeal.rating is None else {}
                dispatcher.utter_message(response="utter_gov_appeal_notice_answered", **values, **extra)
        return []
