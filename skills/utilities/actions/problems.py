"""Problem reports to the management company, and their status."""

from __future__ import annotations

import re
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.sdk import audit_record, entity_value, full_date, offer, resident_id, session_scope

from ..accounts import linked_accounts
from ..models import UtilitiesRequest
from ..names import request_status_name
from ..problems import EMERGENCY, category_of, is_description, is_status_question

REPORT, DESCRIPTION = "utilities_report_problem", "utilities_request_description"


class ActionUtilitiesReportProblem(Action):
    def name(self) -> str:
        return "action_utilities_report_problem"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        # The description told before the address was asked, when this message is the address alone.
        text = str(entity_value(tracker, DESCRIPTION) or tracker.latest_message.get("text") or "").strip()
        with session_scope() as session:
            resident = resident_id(session, tracker)
            if is_status_question(text):
                self._status(session, dispatcher, resident, text)
                return []
            if not is_description(text):
                dispatcher.utter_message(response="utter_utilities_request_describe")
                return []
            accounts = linked_accounts(session, resident)
            location = entity_value(tracker, "location")
            address = str(location) if location else accounts[-1].address if accounts else None
            if address is None:
                dispatcher.utter_message(
                    response="utter_utilities_request_address",
                    **offer(REPORT, accepts=["location"], **{DESCRIPTION: text}),
                )
                return []
            category = category_of(text)
            request = UtilitiesRequest(
                resident_id=resident,
                account_id=accounts[-1].id if accounts else None,
                category=category,
                description=text,
                address=address,
                status="new",
            )
            session.add(request)
            session.flush()
            audit_record(
                session,
                skill="utilities",
                action="request_created",
                resident_id=resident,
                details={"request_id": request.id, "category": category},
            )
            number = request.id
        response = (
            "utter_utilities_request_emergency"
            if category == EMERGENCY
            else "utter_utilities_request_regular"
        )
        dispatcher.utter_message(response=response, number=str(number), address=address)
        return []

    @staticmethod
    def _status(session: Session, dispatcher: CollectingDispatcher, resident: int, text: str) -> None:
        query = select(UtilitiesRequest).where(UtilitiesRequest.resident_id == resident)
        digits = re.findall(r"\d+", text)
        if digits:
            query = query.where(UtilitiesRequest.id == int(digits[0]))
        request = session.execute(query.order_by(UtilitiesRequest.id.desc()).limit(1)).scalar_one_or_none()
        if request is None:
            dispatcher.utter_message(response="utter_utilities_request_not_found")
            return
        dispatcher.utter_message(
            response="utter_utilities_request_status",
            number=str(request.id),
            date=full_date(request.created_at.date()),
            description=request.description,
            status=request_status_name(request.status),
        )
