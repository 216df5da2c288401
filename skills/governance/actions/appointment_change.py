"""Cancelling and moving one's own appointment, each with a confirmation. Which appointment: the one there is, the
one at the institution named ("cancel my MFC appointment"), or a button of each. Moving asks the new day and hour
as booking does (visit_times.py) and swaps the slots in one transaction: when the new time was taken meanwhile, the
old appointment stays and the resident hears the free times around it. The reminder goes with the appointment."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List, Optional, Set, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from engine.sdk import (
    audit_record,
    button,
    clock,
    entity_value,
    moment_text,
    offer,
    phrase,
    picked_position,
    record_id,
    resident_id,
    session_scope,
    yes_no_extraction,
)

from .. import reception
from ..appointment_reminders import APPOINTMENT_ENTITY, SKILL, cancel_reminder, schedule_reminder
from ..models import Institution, Slot
from ..visit_reading import day_span, day_value, institution_named
from .visit_times import (
    APPOINTMENT,
    CANCEL_CONFIRM,
    DAY,
    INSTITUTION,
    MOVE_CONFIRM,
    MOVE_FORM,
    MOVE_SLOTS,
    TIME,
    VisitTimes,
    appointment_values,
    chosen_moment,
    end_form,
    other_time_buttons,
    said_yes_or_no,
)

CANCEL_SLOTS = (APPOINTMENT, CANCEL_CONFIRM)


def own_appointment(session: Session, tracker: Tracker) -> Optional[reception.Appointment]:
    return reception.appointment_of(session, resident_id(session, tracker), tracker.get_slot(APPOINTMENT))


def named_appointment(
    mine: List[reception.Appointment], text: str, asked: bool
) -> Optional[reception.Appointment]:
    """The appointment the text names by its institution, or (when the list was shown) by its place; the only
    one there is when the request names none."""
    code = institution_named(text)
    if code is not None:
        found = [a for a in mine if a.code == code]
        return found[0] if found else None
    position = picked_position(text) if asked else None
    if position and int(position) <= len(mine):
        return mine[int(position) - 1]
    return mine[0] if len(mine) == 1 and not asked else None


class AppointmentChoice:
    """Which of the resident's appointments: for the cancel and move forms' validation actions. `by_day`: a day
    said names the appointment on it (when cancelling; when moving, a day said is the new one)."""

    by_day = False

    async def extract_gov_appointment(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        chosen = entity_value(tracker, APPOINTMENT_ENTITY)
        if chosen is not None:
            return {APPOINTMENT: str(chosen)} if str(chosen) != tracker.get_slot(APPOINTMENT) else {}
        if tracker.get_slot(APPOINTMENT) is not None:
            return {}
        asked = tracker.get_slot(REQUESTED_SLOT) == APPOINTMENT
        text = tracker.latest_message.get("text") or ""
        with session_scope() as session:
            mine = reception.appointments_of(session, resident_id(session, tracker))
            code = entity_value(tracker, "institution")
            span = day_span(day_value(entity_value(tracker, "date"))) if self.by_day else None
            if code is not None:
                found = [a for a in mine if a.code == code]
                return {APPOINTMENT: str(found[0].slot_id)} if found else {}
            if span is not None:
                on_day = [a for a in mine if span[0] <= a.starts_at.date() <= span[1]]
                return {APPOINTMENT: str(on_day[0].slot_id)} if len(on_day) == 1 else {}
            found = named_appointment(mine, text, asked)
        return {APPOINTMENT: str(found.slot_id)} if found is not None else {}

    @staticmethod
    def settle_appointment(
        session: Session, dispatcher: CollectingDispatcher, tracker: Tracker, changed: Set[str]
    ) -> Dict[str, Any]:
        """An appointment that is not the resident's own (a typed payload, or cancelled meanwhile) is refused."""
        asked = tracker.get_slot(REQUESTED_SLOT) == APPOINTMENT
        if APPOINTMENT in changed and own_appointment(session, tracker) is None:
            dispatcher.utter_message(response="utter_gov_appointment_unknown")
            return {APPOINTMENT: None}
        if asked and not changed and not said_yes_or_no(tracker):
            dispatcher.utter_message(response="utter_gov_appointment_unknown")
            return {APPOINTMENT: None}
        return {}


def _validation_events(tracker: Tracker, updates: Dict[str, Any], slots: Dict[str, Any]) -> List[EventType]:
    tracker.slots.update(updates)
    return [SlotSet(slot, value) for slot, value in {**slots, **updates}.items()]


class ValidateGovAppointmentCancelForm(AppointmentChoice, FormValidationAction):
    by_day = True

    def name(self) -> Text:
        return "validate_gov_appointment_cancel_form"

    async def extract_gov_appointment_cancel_confirm(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return yes_no_extraction(tracker, CANCEL_CONFIRM)

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        required = self.domain_slots(domain)
        slots = {k: v for k, v in tracker.slots_to_validate().items() if k in required}
        with session_scope() as session:
            updates = self.settle_appointment(session, dispatcher, tracker, set(slots))
        if APPOINTMENT in slots and CANCEL_CONFIRM not in slots:
            updates.setdefault(CANCEL_CONFIRM, None)
        return _validation_events(tracker, updates, slots)


class ValidateGovAppointmentMoveForm(AppointmentChoice, VisitTimes, FormValidationAction):
    def name(self) -> Text:
        return "validate_gov_appointment_move_form"

    async def extract_gov_appointment_move_confirm(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return yes_no_extraction(tracker, MOVE_CONFIRM)

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        required = self.domain_slots(domain)
        slots = {k: v for k, v in tracker.slots_to_validate().items() if k in required}
        changed = set(slots)
        with session_scope() as session:
            updates = self.settle_appointment(session, dispatcher, tracker, changed)
            if updates:
                return _validation_events(tracker, updates, slots)
            appointment = own_appointment(session, tracker)
            institution = session.get(Institution, appointment.institution_id) if appointment else None
            confirm = tracker.get_slot(MOVE_CONFIRM)
            answered = MOVE_CONFIRM in changed
            if answered and confirm is False and not changed - {MOVE_CONFIRM}:
                return _validation_events(tracker, {}, slots)
            if APPOINTMENT in changed:
                changed.add(INSTITUTION)  # a new appointment: its institution's times are matched anew
            visit = self.settle_visit(
                session, dispatcher, tracker, institution, changed, confirming=answered and confirm is True
            )
            updates.update(visit)
            if answered and (changed - {MOVE_CONFIRM, INSTITUTION} or None in visit.values()):
                updates[MOVE_CONFIRM] = None
            asked = tracker.get_slot(REQUESTED_SLOT)
            if asked in (DAY, TIME) and not changed and not updates and not said_yes_or_no(tracker):
                response = (
                    "utter_gov_visit_day_unreadable" if asked == DAY else "utter_gov_visit_time_unreadable"
                )
                dispatcher.utter_message(response=response)
                updates[asked] = None
        return _validation_events(tracker, updates, slots)

    def is_own_time(self, session: Session, tracker: Tracker, moment: Optional[datetime]) -> bool:
        appointment = own_appointment(session, tracker)
        return appointment is not None and moment is not None and appointment.starts_at == moment


class ActionAskGovAppointment(Action):
    """Which appointment to cancel or move: a button each; with none, the form ends."""

    def name(self) -> str:
        return "action_ask_gov_appointment"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        moving = (tracker.active_loop or {}).get("name") == MOVE_FORM
        with session_scope() as session:
            mine = reception.appointments_of(session, resident_id(session, tracker))
        if not mine:
            # «да» books one, at the institution the resident named if any
            named = {"institution": entity_value(tracker, "institution")}
            dispatcher.utter_message(
                response="utter_gov_appointments_none",
                **offer("gov_appointment", **{k: v for k, v in named.items() if v}),
            )
            return end_form(*(MOVE_SLOTS if moving else CANCEL_SLOTS))
        buttons = [
            button(
                phrase(domain, "utter_gov_appointment_line", **appointment_values(a)),
                "inform",
                gov_appointment_id=a.slot_id,
            )
            for a in mine
        ]
        response = "utter_ask_gov_appointment_move" if moving else "utter_ask_gov_appointment_cancel"
        dispatcher.utter_message(response=response, buttons=buttons)
        return []


class ActionAskGovAppointmentCancelConfirm(Action):
    def name(self) -> str:
        return "action_ask_gov_appointment_cancel_confirm"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        with session_scope() as session:
            appointment = own_appointment(session, tracker)
        if appointment is None:
            dispatcher.utter_message(response="utter_gov_appointment_unknown")
            return [SlotSet(APPOINTMENT, None)]
        dispatcher.utter_message(
            response="utter_ask_gov_appointment_cancel_confirm", **appointment_values(appointment)
        )
        return []


class ActionAskGovAppointmentMoveConfirm(Action):
    def name(self) -> str:
        return "action_ask_gov_appointment_move_confirm"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        moment = chosen_moment(tracker)
        with session_scope() as session:
            appointment = own_appointment(session, tracker)
        if appointment is None:
            dispatcher.utter_message(response="utter_gov_appointment_unknown")
            return [SlotSet(APPOINTMENT, None)]
        if moment is None:
            return [SlotSet(TIME, None)]
        dispatcher.utter_message(
            response="utter_ask_gov_appointment_move_confirm",
            new=moment_text(moment),
            **appointment_values(appointment),
        )
        return []


class ActionGovAppointmentCancelDone(Action):
    def name(self) -> str:
        return "action_gov_appointment_cancel_done"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        cleared: List[EventType] = [SlotSet(slot, None) for slot in CANCEL_SLOTS]
        if not tracker.get_slot(CANCEL_CONFIRM):
            dispatcher.utter_message(response="utter_gov_appointment_kept")
            return cleared
        with session_scope() as session:
            resident = resident_id(session, tracker)
            outcome = reception.cancel(session, resident, record_id(tracker.get_slot(APPOINTMENT)) or 0)
            if outcome.status != reception.CANCELLED:
                dispatcher.utter_message(response="utter_gov_appointment_gone")
                return cleared
            cancel_reminder(session, tracker, outcome.appointment.slot_id)
            audit_record(
                session,
                skill=SKILL,
                action="appointment_cancelled",
                resident_id=resident,
                details={"slot_id": outcome.appointment.slot_id},
            )
        dispatcher.utter_message(
            response="utter_gov_appointment_cancelled", **appointment_values(outcome.appointment)
        )
        return cleared


class ActionGovAppointmentMoveDone(Action):
    def name(self) -> str:
        return "action_gov_appointment_move_done"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        cleared: List[EventType] = [SlotSet(slot, None) for slot in MOVE_SLOTS]
        now = clock.now()
        moment = chosen_moment(tracker)
        if not tracker.get_slot(MOVE_CONFIRM) or moment is None:
            dispatcher.utter_message(response="utter_gov_appointment_kept")
            return cleared
        with session_scope() as session:
            resident = resident_id(session, tracker)
            old = record_id(tracker.get_slot(APPOINTMENT)) or 0
            outcome = reception.move_at(session, resident, old, moment, now)
            if outcome.status == reception.GONE and self._moved_already(session, resident, old, moment):
                outcome = reception.Outcome(reception.ALREADY)
            values = appointment_values(outcome.appointment) if outcome.appointment else {}
            if outcome.status == reception.MOVED:
                cancel_reminder(session, tracker, old)
                new = outcome.appointment
                reminder = schedule_reminder(session, tracker, new.slot_id, new.starts_at, now)
                audit_record(
                    session,
                    skill=SKILL,
                    action="appointment_moved",
                    resident_id=resident,
                    details={"from_slot_id": old, "slot_id": new.slot_id},
                )
                dispatcher.utter_message(response="utter_gov_appointment_moved", **values)
                if reminder is not None:
                    dispatcher.utter_message(
                        response="utter_gov_appointment_reminder_set", at=moment_text(reminder)
                    )
            elif outcome.status == reception.TAKEN:
                self._taken(session, dispatcher, outcome.appointment, moment)
            elif outcome.status == reception.ALREADY:
                dispatcher.utter_message(response="utter_gov_appointment_move_same", **values)
            else:
                dispatcher.utter_message(response="utter_gov_appointment_gone")
        return cleared

    @staticmethod
    def _moved_already(session: Session, resident: int, old: int, moment: datetime) -> bool:
        """Whether the resident holds the new time at the old slot's institution: the same confirmation answered
        twice, the first answer moved the appointment."""
        slot = session.get(Slot, old) if old else None
        held = reception.held_at(session, resident, slot.institution_id) if slot is not None else None
        return held is not None and held.starts_at == moment

    @staticmethod
    def _taken(
        session: Session,
        dispatcher: CollectingDispatcher,
        appointment: reception.Appointment,
        moment: datetime,
    ) -> None:
        """The new time went to someone else: the appointment stays, the nearest free times are offered."""
        buttons = other_time_buttons(
            session,
            appointment.institution_id,
            moment,
            "gov_appointment_move",
            gov_appointment_id=appointment.slot_id,
        )
        dispatcher.utter_message(
            response="utter_gov_appointment_move_taken",
            taken=moment_text(moment),
            buttons=buttons,
            **appointment_values(appointment),
        )
