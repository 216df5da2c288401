"""The day and the hour of a visit, shared by booking (gov_appointment_form) and moving (gov_appointment_move_form).

The day and the hour are read from the date and time entities (the day and time buttons send them too) or, when
asked, from the text. They are kept as said until the institution is known, then matched with its free times
after each message (`VisitTimes.settle_visit`): a day with nothing free is refused with the reason, an hour taken
gives the nearest free time within the hour after it, or is refused and the free times around it are offered.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Dict, List, Optional, Set

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from sqlalchemy.orm import Session

from engine.sdk import (
    button,
    clock,
    day_month,
    end_form,
    entity_values,
    moment_text,
    resident_id,
    session_scope,
    weekday_short,
)

from .. import reception, reception_times
from ..models import Institution
from ..visit_reading import (
    CLOSED,
    FOUND,
    NONE_IN_SPAN,
    PAST,
    SHIFTED,
    TAKEN,
    Pick,
    around,
    day_span,
    day_value,
    pick_time,
    spread,
    time_value,
    wanted,
)

INSTITUTION, SERVICE, HELD = "gov_institution", "gov_service", "gov_appointment_held"
DAY, TIME, NEAR = "gov_visit_day", "gov_visit_time", "gov_visit_near"
CONFIRM, APPOINTMENT = "gov_appointment_confirm", "gov_appointment"
CANCEL_CONFIRM, MOVE_CONFIRM = "gov_appointment_cancel_confirm", "gov_appointment_move_confirm"
BOOK_FORM, CANCEL_FORM, MOVE_FORM = (
    "gov_appointment_form",
    "gov_appointment_cancel_form",
    "gov_appointment_move_form",
)
BOOK_SLOTS = (INSTITUTION, SERVICE, HELD, DAY, TIME, NEAR, CONFIRM)
MOVE_SLOTS = (APPOINTMENT, DAY, TIME, NEAR, MOVE_CONFIRM)
YES_NO = ("affirm", "deny")
DAY_BUTTONS, TIME_BUTTONS, NEAR_BUTTONS = 5, 8, 6
DAY_STATE_RESPONSES = {
    reception_times.PAST: "utter_gov_visit_day_past",
    reception_times.CLOSED: "utter_gov_visit_day_closed",
    reception_times.FULL: "utter_gov_visit_day_full",
    reception_times.NOT_OPEN: "utter_gov_visit_day_not_open",
}
PICK_RESPONSES = {
    TAKEN: "utter_gov_visit_time_taken",
    PAST: "utter_gov_visit_time_past",
    CLOSED: "utter_gov_visit_time_closed",
    NONE_IN_SPAN: "utter_gov_visit_time_none_in_span",
}


def day_text(day: date) -> str:
    return f"{weekday_short(day)} {day_month(day)}"


def clock_text(moment: datetime) -> str:
    return f"{moment:%H:%M}"


def appointment_values(appointment: reception.Appointment) -> Dict[str, Any]:
    return {
        "institution": appointment.institution,
        "address": appointment.address,
        "service": appointment.service,
        "when": moment_text(appointment.starts_at),
    }


def chosen_moment(tracker: Tracker) -> Optional[datetime]:
    """The local moment of the day and hour the form settled on (None until both are matched)."""
    span, asked = day_span(tracker.get_slot(DAY)), wanted(tracker.get_slot(TIME))
    if span is None or span[0] != span[1] or asked is None or asked.end is not None:
        return None
    return datetime.combine(span[0], asked.start, tzinfo=clock.local_zone())


def visit_institution(session: Session, tracker: Tracker) -> Optional[Institution]:
    """The institution of the visit: the one chosen when booking, the appointment's own when moving."""
    if (tracker.active_loop or {}).get("name") == MOVE_FORM:
        resident = resident_id(session, tracker)
        appointment = reception.appointment_of(session, resident, tracker.get_slot(APPOINTMENT))
        return session.get(Institution, appointment.institution_id) if appointment else None
    return reception.institution_by_code(session, tracker.get_slot(INSTITUTION))


def _new_value(slot: str, said: List[Optional[str]], tracker: Tracker) -> Dict[str, Any]:
    new = [value for value in said if value is not None and value != tracker.get_slot(slot)]
    return {slot: new[-1]} if new else {}


def said_yes_or_no(tracker: Tracker) -> bool:
    return (tracker.latest_message.get("intent") or {}).get("name") in YES_NO


class VisitTimes:
    """Extraction of the day and the hour, and matching them with the free times: for a FormValidationAction."""

    async def extract_gov_visit_day(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> Dict[str, Any]:
        """A day said (of two, "not Tuesday but Wednesday", the last new one); the text itself when it is asked."""
        asked = tracker.get_slot(REQUESTED_SLOT) == DAY and not said_yes_or_no(tracker)
        text = tracker.latest_message.get("text") or ""
        said = [day_value(value) for value in entity_values(tracker, "date")] or [
            day_value(None, text, asked)
        ]
        return _new_value(DAY, said, tracker)

    async def extract_gov_visit_time(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> Dict[str, Any]:
        """An hour said (of two, the last new one); the text itself ("10", "13 30") when it is asked."""
        asked = tracker.get_slot(REQUESTED_SLOT) == TIME and not said_yes_or_no(tracker)
        text = tracker.latest_message.get("text") or ""
        said = [time_value(value) for value in entity_values(tracker, "time")] or [
            time_value(None, text, asked)
        ]
        return _new_value(TIME, said, tracker)

    def settle_visit(
        self,
        session: Session,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        institution: Optional[Institution],
        changed: Set[str],
        confirming: bool,
    ) -> Dict[str, Any]:
        """The day and the hour matched with the institution's free times; the slots to change. `changed`: the slots
        this message changed (the institution among them when it is new); `confirming`: a yes to the confirmation,
        so the chosen time is checked once more (someone may have taken it meanwhile)."""
        now = clock.now()
        updates: Dict[str, Any] = {}
        day_raw = tracker.get_slot(DAY)
        span = day_span(day_raw)
        if day_raw is not None and span is None:
            return {DAY: None}
        if span is not None and span[1] < now.date():
            dispatcher.utter_message(response="utter_gov_visit_day_past", day=day_text(span[1]))
            return {DAY: None}
        if institution is None or span is None:
            return updates
        if DAY in changed or INSTITUTION in changed:
            day = self._one_day(session, dispatcher, institution, span, now)
            if day is None:
                return {DAY: None}
            if day.isoformat() != day_raw:
                updates[DAY] = day.isoformat()
            span = (day, day)
        if tracker.get_slot(TIME) is None or not (changed & {DAY, TIME, INSTITUTION} or confirming):
            return updates
        return {**updates, **self._match_time(session, dispatcher, tracker, institution, span[0], confirming)}

    @staticmethod
    def _one_day(
        session: Session,
        dispatcher: CollectingDispatcher,
        institution: Institution,
        span: tuple,
        now: datetime,
    ) -> Optional[date]:
        """The day said (or the first day of a span said with a free time), or None after saying why not."""
        first, last = max(span[0], now.date()), span[1]
        if first != last:
            days = reception_times.free_days(session, institution.id, 1, now, first, last)
            if not days:
                dispatcher.utter_message(
                    response="utter_gov_visit_span_full",
                    institution=institution.title,
                    first=day_text(first),
                    last=day_text(last),
                )
            return days[0] if days else None
        state = reception_times.day_state(session, institution.id, first, now)
        if state == reception_times.FREE:
            return first
        last_open = reception_times.last_open_day(session, institution.id)
        dispatcher.utter_message(
            response=DAY_STATE_RESPONSES[state],
            day=day_text(first),
            institution=institution.title,
            hours=institution.hours,
            last=day_text(last_open) if last_open else "",
        )
        return None

    def _match_time(
        self,
        session: Session,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        institution: Institution,
        day: date,
        confirming: bool,
    ) -> Dict[str, Any]:
        asked = wanted(tracker.get_slot(TIME))
        if asked is None:
            return {TIME: None}
        now = clock.now()
        free = reception_times.free_times(session, institution.id, day, now)
        span = reception_times.reception_span(session, institution.id, day)
        visit = timedelta(minutes=institution.visit_minutes)
        pick = pick_time(asked, day, free, span, now, visit)
        values = {"time": asked.text(), "day": day_text(day), "institution": institution.title}
        if confirming and pick.status != FOUND:  # the time confirmed is gone: nothing else without asking
            pick = Pick(TAKEN)
        if pick.status in (FOUND, SHIFTED) and self.is_own_time(session, tracker, pick.at):
            dispatcher.utter_message(response="utter_gov_appointment_move_same", **values)
            return {TIME: None}
        if pick.status == FOUND:
            return {TIME: clock_text(pick.at), NEAR: None}
        if pick.status == SHIFTED:
            dispatcher.utter_message(
                response="utter_gov_visit_time_shifted", free=clock_text(pick.at), **values
            )
            return {TIME: clock_text(pick.at), NEAR: None}
        values.update(first=clock_text(span[0]) if span else "", last=clock_text(span[1]) if span else "")
        if confirming and pick.status == TAKEN:
            dispatcher.utter_message(response="utter_gov_visit_time_taken_meanwhile", **values)
        else:
            dispatcher.utter_message(response=PICK_RESPONSES[pick.status], **values)
        near = asked.text() if pick.status == TAKEN else None
        return {TIME: None, NEAR: near}

    def is_own_time(self, session: Session, tracker: Tracker, moment: Optional[datetime]) -> bool:
        """Whether the time picked is the appointment being moved (so nothing to move)."""
        return False


def form_slots(tracker: Tracker) -> tuple:
    return MOVE_SLOTS if (tracker.active_loop or {}).get("name") == MOVE_FORM else BOOK_SLOTS


def ask_day(
    session: Session, dispatcher: CollectingDispatcher, tracker: Tracker, institution: Institution
) -> List[EventType]:
    """The nearest days with a free time, a button each; with none, the form ends."""
    days = reception_times.free_days(session, institution.id, DAY_BUTTONS, clock.now())
    if not days:
        dispatcher.utter_message(response="utter_gov_visit_no_days", institution=institution.title)
        return end_form(*form_slots(tracker))
    buttons = [button(day_text(day), "inform", date=day.isoformat()) for day in days]
    moving = (tracker.active_loop or {}).get("name") == MOVE_FORM
    response = "utter_ask_gov_visit_day_move" if moving else "utter_ask_gov_visit_day"
    dispatcher.utter_message(response=response, institution=institution.title, buttons=buttons)
    return []


class ActionAskGovVisitDay(Action):
    def name(self) -> str:
        return "action_ask_gov_visit_day"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        with session_scope() as session:
            institution = visit_institution(session, tracker)
            if institution is None:
                return end_form(*form_slots(tracker))
            return ask_day(session, dispatcher, tracker, institution)


class ActionAskGovVisitTime(Action):
    """The free times of the day chosen: around the hour asked when it was taken, else spread over the day. A day
    filled up meanwhile is said so, and the day asked again."""

    def name(self) -> str:
        return "action_ask_gov_visit_time"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        span = day_span(tracker.get_slot(DAY))
        with session_scope() as session:
            institution = visit_institution(session, tracker)
            if institution is None or span is None:
                return end_form(*form_slots(tracker))
            free = reception_times.free_times(session, institution.id, span[0], clock.now())
            values = {"institution": institution.title, "day": day_text(span[0])}
            if not free:
                dispatcher.utter_message(response="utter_gov_visit_day_full", **values)
                ended = ask_day(session, dispatcher, tracker, institution)  # events only when no day is left
                return ended or [SlotSet(DAY, None), SlotSet(TIME, None), SlotSet(REQUESTED_SLOT, DAY)]
        near = wanted(tracker.get_slot(NEAR))
        if near is not None:
            moment = datetime.combine(span[0], near.start, tzinfo=clock.local_zone())
            shown, response = around(free, moment, NEAR_BUTTONS), "utter_ask_gov_visit_time_near"
        else:
            shown, response = spread(free, TIME_BUTTONS), "utter_ask_gov_visit_time"
        buttons = [button(clock_text(at), "inform", time=clock_text(at)) for at in shown]
        dispatcher.utter_message(
            response=response,
            first=clock_text(free[0]),
            last=clock_text(free[-1]),
            wanted=near.text() if near else "",
            buttons=buttons,
            **values,
        )
        return []


OTHER_TIMES = 4


def other_time_buttons(
    session: Session, institution_id: int, moment: datetime, intent: str, **entities: Any
) -> List[Dict[str, Any]]:
    """The nearest free times after a time was taken, each a button that starts `intent` again for it."""
    return [
        button(moment_text(at), intent, **entities, date=at.date().isoformat(), time=clock_text(at))
        for at in reception_times.nearest_free_times(session, institution_id, moment, OTHER_TIMES)
    ]
