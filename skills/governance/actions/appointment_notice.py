"""The reminder of an appointment arriving the evening before (appointment_reminders.py): said only when the
notification is new and the appointment is still the resident's, with buttons to move or cancel it."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from engine.sdk import button, delivered_now, entity_value, phrase, resident_id, session_scope

from .. import reception
from ..appointment_reminders import APPOINTMENT_ENTITY
from .visit_times import appointment_values


class ActionGovAppointmentNotice(Action):
    def name(self) -> str:
        return "action_gov_appointment_notice"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        slot_id = entity_value(tracker, APPOINTMENT_ENTITY)
        with session_scope() as session:
            if not delivered_now(session, tracker):
                return []  # cancelled, said already, or typed by hand
            appointment = reception.appointment_of(session, resident_id(session, tracker), slot_id)
        if appointment is None:
            return []  # cancelled or moved from another conversation, or already over
        buttons = [
            button(
                phrase(domain, "utter_gov_appointment_move_button"),
                "gov_appointment_move",
                gov_appointment_id=appointment.slot_id,
            ),
            button(
                phrase(domain, "utter_gov_appointment_cancel_button"),
                "gov_appointment_cancel",
                gov_appointment_id=appointment.slot_id,
            ),
        ]
        dispatcher.utter_message(
            response="utter_gov_appointment_reminder", buttons=buttons, **appointment_values(appointment)
        )
        return []
