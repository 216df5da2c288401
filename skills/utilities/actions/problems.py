"""Problem reports to the management company, and their status."""

from __future__ import annotations

import re
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from engine.sdk import audit_record, session_scope

from ..accounts import linked_accounts
from ..models import UtilitiesRequest
from ..problems import category_of, is_description, is_status_question
from ..texts import full_date
from .common import entity_value, resident_id

STATUSES = {"new": "принята, ждёт мастера", "in_progress": "в работе", "done": "выполнена"}
EMERGENCY_PHONE = "Если опасно для жизни — звоните 112; запах газа — 104."


class ActionUtilitiesReportProblem(Action):
    def name(self) -> str:
        return "action_utilities_report_problem"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        text = (tracker.latest_message.get("text") or "").strip()
        with session_scope() as session:
            resident = resident_id(session, tracker)
            if is_status_question(text):
                dispatcher.utter_message(text=self._status(session, resident, text))
                return []
            if not is_description(text):
                dispatcher.utter_message(
                    text="Опишите одним сообщением, что случилось и где, например: «в подъезде не горит свет» "
                    "или «течёт батарея на кухне»."
                )
                return []
            accounts = linked_accounts(session, resident)
            location = entity_value(tracker, "location")
            address = str(location) if location else accounts[-1].address if accounts else None
            if address is None:
                dispatcher.utter_message(
                    text="Напишите описание вместе с адресом, например: «течёт батарея, ул. Ленина 15 кв 42», "
                    "или привяжите лицевой счёт — тогда адрес подставится сам."
                )
                return []
            category = category_of(text)
            request = UtilitiesRequest(resident_id=resident, account_id=accounts[-1].id if accounts else None,
                                       category=category, description=text, address=address, status="new")
            session.add(request)
            session.flush()
            audit_record(session, skill="utilities", action="request_created", resident_id=resident,
                         details={"request_id": request.id, "category": category})
            number = request.id
        if category == "emergency":
            reply = (f"Аварийная заявка № {number} передана диспетчеру управляющей компании, адрес: {address}. "
                     f"Аварийная служба приезжает в течение 2 часов. {EMERGENCY_PHONE}")
        else:
            reply = (f"Заявка № {number} принята, адрес: {address}. Обычные заявки выполняют в течение 1–3 рабочих "
                     "дней. Статус можно узнать: «статус заявки " + str(number) + "».")
        dispatcher.utter_message(text=reply)
        return []

    @staticmethod
    def _status(session, resident: int, text: str) -> str:
        query = select(UtilitiesRequest).where(UtilitiesRequest.resident_id == resident)
        digits = re.findall(r"\d+", text)
        if digits:
            query = query.where(UtilitiesRequest.id == int(digits[0]))
        request = session.execute(query.order_by(UtilitiesRequest.id.desc()).limit(1)).scalar_one_or_none()
        if request is None:
            return "Не нашёл у вас такой заявки. Заявки видны только тому, кто их подал."
        return (f"Заявка № {request.id} от {full_date(request.created_at.date())} ({request.description}): "
                f"{STATUSES.get(request.status, request.status)}.")
