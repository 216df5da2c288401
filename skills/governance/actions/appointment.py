"""Booking a visit to a city institution: which institution, which service (one service is taken at once), the day
(the nearest free days as buttons), the hour (the free times as buttons), then a confirmation naming the place,
the service and the time. Anything said again at the confirmation replaces what it corrects; a time taken by
someone else before the yes is said so and the free times around it are offered. A resident who already holds
an appointment at the institution is told so and offered to move it instead."""

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
    canonical_values,
    clock,
    corrected_value,
    entity_value,
    moment_text,
    offer,
    phrase,
    resident_id,
    session_scope,
    yes_no_extraction,
)

from .. import reception
from ..appointment_reminders import SKILL, schedule_reminder
from ..models import Institution
from ..visit_reading import day_span, institution_named, service_named, wanted
from .visit_times import (
    BOOK_SLOTS,
    CONFIRM,
    DAY,
    HELD,
    INSTITUTION,
    SERVICE,
    TIME,
    VisitTimes,
    appointment_values,
    chosen_moment,
    other_time_buttons,
    said_yes_or_no,
)

CODES = tuple(canonical_values(__file__, "institution"))
SERVICE_ENTITY = "gov_service_id"
# Intents that leave the form (their rules answer them): never met with "that is not an institution".
LEAVING_INTENTS = ("cancel", "human_handoff", "help", "out_of_scope")
UNREADABLE = {
    INSTITUTION: "utter_gov_institution_unknown",
    SERVICE: "utter_gov_service_unknown",
    DAY: "utter_gov_visit_day_unreadable",
    TIME: "utter_gov_visit_time_unreadable",
}


def held_buttons(domain: Dict[str, Any], held: reception.Appointment, **move: Any) -> List[Dict[str, str]]:
    """Move the appointment held (to the day and hour asked, when said) or cancel it."""
    return [
        button(phrase(domain, "utter_gov_appointment_move_button"), "gov_appointment_move", **move),
        button(
            phrase(domain, "utter_gov_appointment_cancel_button"),
            "gov_appointment_cancel",
            gov_appointment_id=held.slot_id,
        ),
    ]


class ValidateGovAppointmentForm(VisitTimes, FormValidationAction):
    def name(self) -> Text:
        return "validate_gov_appointment_form"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        """Nothing to ask once the resident turns out to hold an appointment there: the done action says so."""
        return [] if tracker.get_slot(HELD) is not None else domain_slots

    async def extract_gov_institution(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """The institution tagged (of two, the new one: "not the MFC but the tax office"), or named in the text."""
        current = tracker.get_slot(INSTITUTION)
        said = corrected_value(tracker, "institution", current)
        if said is None and entity_value(tracker, "institution") is None:
            said = institution_named(tracker.latest_message.get("text") or "", CODES)
        elif said is not None and said not in CODES:
            said = institution_named(str(said))
        return {INSTITUTION: said} if said is not None and said != current else {}

    async def extract_gov_service(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """The service's button, or the one service of the institution the text names."""
        current = tracker.get_slot(SERVICE)
        chosen = entity_value(tracker, SERVICE_ENTITY)
        if chosen is not None:
            return {SERVICE: str(chosen)} if str(chosen) != current else {}
        text = tracker.latest_message.get("text") or ""
        asked = tracker.get_slot(REQUESTED_SLOT) == SERVICE
        with session_scope() as session:
            institution = reception.institution_by_code(session, tracker.get_slot(INSTITUTION))
            if institution is None:
                return {}
            found = service_named(reception.services_of(session, institution.id), text, positions=asked)
        return {SERVICE: str(found.id)} if found is not None and str(found.id) != current else {}

    async def extract_gov_appointment_confirm(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return yes_no_extraction(tracker, CONFIRM)

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        """Every slot is checked together with the others (a day only means something for an institution)."""
        required = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        slots = {k: v for k, v in tracker.slots_to_validate().items() if k in required}
        with session_scope() as session:
            updates = self.settle(session, dispatcher, tracker, set(slots))
        tracker.slots.update(updates)
        return [SlotSet(slot, value) for slot, value in {**slots, **updates}.items()]

    def settle(
        self, session: Session, dispatcher: CollectingDispatcher, tracker: Tracker, changed: Set[str]
    ) -> Dict[str, Any]:
        confirm = tracker.get_slot(CONFIRM)
        answered = CONFIRM in changed
        corrected = changed - {CONFIRM}
        if answered and confirm is False and not corrected:
            return {}  # declined: the done action says so
        updates: Dict[str, Any] = {CONFIRM: None} if answered and corrected else {}
        institution = reception.institution_by_code(session, tracker.get_slot(INSTITUTION))
        if institution is None and tracker.get_slot(INSTITUTION) is not None:
            updates[INSTITUTION] = None
        if institution is not None:
            service = self._settle_service(session, dispatcher, tracker, institution, changed)
            if INSTITUTION in changed:
                held = reception.held_at(session, resident_id(session, tracker), institution.id)
                if held is not None:
                    return {**updates, HELD: str(held.slot_id)}
            if service != tracker.get_slot(SERVICE):
                updates[SERVICE] = service
        visit = self.settle_visit(
            session, dispatcher, tracker, institution, changed, confirming=answered and confirm is True
        )
        updates.update(visit)
        if confirm is not None and None in (visit.get(DAY, True), visit.get(TIME, True)):
            updates[CONFIRM] = None
        asked = tracker.get_slot(REQUESTED_SLOT)
        leaving = (tracker.latest_message.get("intent") or {}).get("name") in LEAVING_INTENTS
        if (
            asked in UNREADABLE
            and not changed
            and not updates
            and not said_yes_or_no(tracker)
            and not leaving
        ):
            dispatcher.utter_message(
                response=UNREADABLE[asked], institution=institution.title if institution else ""
            )
            updates[asked] = None
        return updates

    @staticmethod
    def _settle_service(
        session: Session,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        institution: Institution,
        changed: Set[str],
    ) -> Optional[str]:
        """The service kept: the one chosen when it is the institution's, or its only one."""
        services = reception.services_of(session, institution.id)
        chosen = reception.service_of(session, institution.id, tracker.get_slot(SERVICE))
        if chosen is None and SERVICE in changed and INSTITUTION not in changed:
            dispatcher.utter_message(response="utter_gov_service_unknown", institution=institution.title)
        if chosen is None and len(services) == 1:
            chosen = services[0]
        return str(chosen.id) if chosen is not None else None


class ActionAskGovInstitution(Action):
    def name(self) -> str:
        return "action_ask_gov_institution"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        with session_scope() as session:
            buttons = [
                button(found.title, "inform", institution=found.code)
                for found in reception.institutions(session)
            ]
        dispatcher.utter_message(response="utter_ask_gov_institution", buttons=buttons)
        return []


class ActionAskGovService(Action):
    def name(self) -> str:
        return "action_ask_gov_service"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        with session_scope() as session:
            institution = reception.institution_by_code(session, tracker.get_slot(INSTITUTION))
            if institution is None:
                return [SlotSet(INSTITUTION, None)]
            buttons = [
                button(service.title, "inform", gov_service_id=service.id)
                for service in reception.services_of(session, institution.id)
            ]
            title = institution.title
        dispatcher.utter_message(response="utter_ask_gov_service", institution=title, buttons=buttons)
        return []


class ActionAskGovAppointmentConfirm(Action):
    def name(self) -> str:
        return "action_ask_gov_appointment_confirm"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        moment = chosen_moment(tracker)
        with session_scope() as session:
            institution = reception.institution_by_code(session, tracker.get_slot(INSTITUTION))
            service = (
                reception.service_of(session, institution.id, tracker.get_slot(SERVICE))
                if institution
                else None
            )
            if institution is None or service is None or moment is None:
                return [SlotSet(TIME, None)]
            values = {
                "institution": institution.title,
                "address": institution.address,
                "service": service.title,
                "minutes": service.minutes,
                "when": moment_text(moment),
            }
        dispatcher.utter_message(response="utter_ask_gov_appointment_confirm", **values)
        return []


class ActionGovAppointmentDone(Action):
    def name(self) -> str:
        return "action_gov_appointment_done"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        cleared: List[EventType] = [SlotSet(slot, None) for slot in BOOK_SLOTS]
        now = clock.now()
        with session_scope() as session:
            resident = resident_id(session, tracker)
            held = reception.appointment_of(session, resident, tracker.get_slot(HELD))
            if held is not None:
                self._tell_held(dispatcher, tracker, domain, held)
                return cleared
            institution = reception.institution_by_code(session, tracker.get_slot(INSTITUTION))
            moment = chosen_moment(tracker)
            offered = (
                reception.service_of(session, institution.id, tracker.get_slot(SERVICE))
                if institution
                else None
            )
            if not tracker.get_slot(CONFIRM) or institution is None or moment is None or offered is None:
                dispatcher.utter_message(response="utter_gov_appointment_declined")
                return cleared
            service = str(offered.id)
            outcome = reception.book_at(session, resident, institution.id, moment, offered.id, now)
            if outcome.status == reception.BOOKED:
                self._booked(session, dispatcher, tracker, resident, outcome.appointment, now)
            elif outcome.status == reception.ALREADY:
                dispatcher.utter_message(
                    response="utter_gov_appointment_already", **appointment_values(outcome.appointment)
                )
            elif outcome.status == reception.HELD:
                self._tell_held(dispatcher, tracker, domain, outcome.appointment)
            else:
                self._taken(session, dispatcher, institution, service, moment)
        return cleared

    @staticmethod
    def _booked(
        session: Session,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        resident: int,
        appointment: reception.Appointment,
        now: datetime,
    ) -> None:
        reminder = schedule_reminder(session, tracker, appointment.slot_id, appointment.starts_at, now)
        audit_record(
            session,
            skill=SKILL,
            action="appointment_booked",
            resident_id=resident,
            details={"slot_id": appointment.slot_id, "service_id": appointment.service_id},
        )
        dispatcher.utter_message(response="utter_gov_appointment_booked", **appointment_values(appointment))
        if reminder is not None:
            dispatcher.utter_message(response="utter_gov_appointment_reminder_set", at=moment_text(reminder))

    @staticmethod
    def _tell_held(
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
        held: reception.Appointment,
    ) -> None:
        """The appointment held there, with an offer to move it (to the day and hour asked, when said)."""
        span = day_span(tracker.get_slot(DAY))
        move = {"gov_appointment_id": held.slot_id}
        asked = wanted(tracker.get_slot(TIME))
        if span is not None and span[0] == span[1]:
            move["date"] = span[0].isoformat()
            if asked is not None and asked.end is None:
                move["time"] = asked.text()
        dispatcher.utter_message(
            response="utter_gov_appointment_held",
            buttons=held_buttons(domain, held, **move),
            **appointment_values(held),
            **offer("gov_appointment_move", **move),
        )

    @staticmethod
    def _taken(
        session: Session,
        dispatcher: CollectingDispatcher,
        institution: Institution,
        service: str,
        moment: datetime,
    ) -> None:
        """Someone took the time after the confirmation was asked: the nearest free times, each a new booking."""
        buttons = other_time_buttons(
            session,
            institution.id,
            moment,
            "gov_appointment",
            institution=institution.code,
            gov_service_id=service,
        )
        response = "utter_gov_appointment_taken" if buttons else "utter_gov_appointment_taken_no_other"
        dispatcher.utter_message(
            response=response,
            institution=institution.title,
            when=moment_text(moment),
            buttons=buttons,
        )
