"""The providers' side: joining the cooperative, the decision on the application, adding a service, own orders
and earnings, moving an own order forward (confirmed, in progress, done)."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from engine.sdk import audit_record, session_scope, utcnow

from .. import catalog, dispatch, orders, providers
from ..models import APPROVED, PENDING
from .common import STOP, entity_value, order_number, price_text, resident_id

NAME, CATEGORIES, DISTRICTS, PHONE = "market_join_name", "market_join_categories", "market_join_districts", "market_join_phone"
JOIN_SLOTS = (NAME, CATEGORIES, DISTRICTS, PHONE)
SKILL = "marketplace"
ALL_DISTRICTS = re.compile(r"\b(?:вс[еёя]\w*|любо\w*|везде|по всему городу|весь город)\b", re.IGNORECASE)
STATE_WORDS = (
    (orders.DONE, re.compile(r"\b(?:выполн|сделал|сделан|законч|заверш|готов\b|готово|закры|починил|отработал)", re.IGNORECASE)),
    (orders.IN_PROGRESS, re.compile(r"\b(?:приступ|преступ|начал|начинаю|в работе|на месте|выехал|еду\b)", re.IGNORECASE)),
    (orders.CONFIRMED, re.compile(r"\b(?:подтвер|принял|принимаю|беру\b|возьму|согласен)", re.IGNORECASE)),
)
NEGATED = re.compile(r"\bне\s+$", re.IGNORECASE)
UPCOMING_SHOWN = 5


def districts_in(text: str) -> List[str]:
    """Every known district a text names, in the city's order; «все районы» means all of them."""
    if ALL_DISTRICTS.search(text or ""):
        return list(catalog.DISTRICTS)
    named = {catalog.district_of(word) for word in re.findall(r"\w+", text or "")}
    return [district for district in catalog.DISTRICTS if district in named]


def state_named(text: str) -> Optional[str]:
    """The state a provider reports («заказ 12 выполнен» → done); a negated one («не выполнен») is no report."""
    for state, words in STATE_WORDS:
        match = words.search(text or "")
        if match:
            return None if NEGATED.search(text[: match.start()]) else state
    return None


class ValidateMarketJoinForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_market_join_form"

    async def extract_market_join_name(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """A pending or approved application is not filed twice: its status is said and the form ends."""
        if tracker.get_slot("requested_slot") is not None:
            return {}
        with session_scope() as session:
            application = providers.application_of(session, resident_id(session, tracker))
            if application is None or application.status not in (PENDING, APPROVED):
                return {}
            dispatcher.utter_message(text=providers.decision_text(application))
        return {slot: STOP for slot in JOIN_SLOTS}

    def validate_market_join_name(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if slot_value == STOP:
            return {slot: STOP for slot in JOIN_SLOTS}
        name = " ".join(str(slot_value or "").split())
        if not 2 <= len(name) <= 128 or not any(ch.isalpha() for ch in name):
            dispatcher.utter_message(text="Напишите имя или название фирмы — от 2 до 128 символов.")
            return {NAME: None}
        return {NAME: name}

    def validate_market_join_categories(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if slot_value == STOP:
            return {CATEGORIES: STOP}
        values = slot_value if isinstance(slot_value, list) else [slot_value]
        chosen = [value for value in dict.fromkeys(values) if value in catalog.CATEGORY_TITLES]
        if not chosen:
            dispatcher.utter_message(text="Не нашёл таких услуг в списке кооператива. Назовите одну или несколько: "
                                          + ", ".join(catalog.CATEGORY_TITLES.values()) + ".")
            return {CATEGORIES: None}
        return {CATEGORIES: chosen}

    def validate_market_join_districts(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if slot_value == STOP:
            return {DISTRICTS: STOP}
        found = districts_in(str(slot_value or ""))
        if not found:
            dispatcher.utter_message(text="Не узнал районы. В городе есть: " + ", ".join(catalog.DISTRICTS)
                                          + ". Можно ответить «все районы».")
            return {DISTRICTS: None}
        return {DISTRICTS: ", ".join(found)}

    def validate_market_join_phone(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if slot_value == STOP:
            return {PHONE: STOP}
        phone = re.sub(r"[\s()-]", "", str(slot_value or ""))
        if not re.fullmatch(r"\+?\d{10,15}", phone):
            dispatcher.utter_message(text="Не похоже на номер телефона. Напишите, например, +7 912 345-67-89.")
            return {PHONE: None}
        return {PHONE: phone}


class ActionMarketJoinDone(Action):
    def name(self) -> str:
        return "action_market_join_done"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        cleared = [SlotSet(slot, None) for slot in JOIN_SLOTS]
        values = {slot: tracker.get_slot(slot) for slot in JOIN_SLOTS}
        if STOP in values.values() or None in values.values():
            return cleared
        with session_scope() as session:
            resident = resident_id(session, tracker)
            try:
                application = providers.apply(
                    session, resident, values[NAME], values[CATEGORIES], values[DISTRICTS].split(", "), values[PHONE]
                )
            except providers.ServiceRefused as error:
                dispatcher.utter_message(text=f"{error.message} Заявка не подана — попробуйте ещё раз.")
                return cleared
            audit_record(session, skill=SKILL, action="provider_applied", resident_id=resident,
                         details={"provider_id": application.id})
            categories = ", ".join(catalog.CATEGORY_TITLES[c] for c in application.categories)
            text = (f"Заявка № {application.id} принята: {application.name}; {categories}; районы: "
                    f"{', '.join(application.districts)}; телефон {application.phone}. Статус — «на модерации»: "
                    "администратор кооператива рассмотрит её, и я сообщу решение здесь.")
        dispatcher.utter_message(text=text)
        return cleared


class ActionMarketApplicationDecided(Action):
    """Said when the administrator decides (the admin CLI triggers the external intent)."""

    def name(self) -> str:
        return "action_market_application_decided"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        with session_scope() as session:
            application = providers.application_of(session, resident_id(session, tracker))
            if application is not None:
                dispatcher.utter_message(text=providers.decision_text(application))
        return []


class ActionMarketProviderAddService(Action):
    def name(self) -> str:
        return "action_market_provider_add_service"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        draft = providers.parse_service(tracker.latest_message.get("text") or "")
        with session_scope() as session:
            resident = resident_id(session, tracker)
            member = providers.provider_of(session, resident)
            if member is None:
                dispatcher.utter_message(text="Добавлять услуги могут участники кооператива. Хотите вступить? "
                                              "Напишите «хочу стать исполнителем».")
                return []
            if draft is None:
                dispatcher.utter_message(text="Напишите услугу и цену одной фразой, например: "
                                              "«добавь услугу: поклейка обоев 500 рублей за метр».")
                return []
            category = entity_value(tracker, "service_category")
            if category is None and len(member.categories) == 1:
                category = member.categories[0]
            if category is None:
                names = ", ".join(catalog.CATEGORY_TITLES[c] for c in member.categories)
                dispatcher.utter_message(text=f"В какой категории эта услуга? Ваши категории: {names}. Напишите, "
                                              f"например: «добавь услугу {catalog.CATEGORY_TITLES[member.categories[0]]}: "
                                              f"{draft.title.lower()} {draft.price:.0f} рублей».")
                return []
            try:
                offer = providers.upsert_service(session, resident, category, draft.title, draft.price, draft.unit)
            except providers.ServiceRefused as error:
                dispatcher.utter_message(text=error.message)
                return []
            audit_record(session, skill=SKILL, action="service_saved", resident_id=resident,
                         details={"offer_id": offer.id, "price": str(offer.price), "unit": offer.unit})
            text = (f"Услуга сохранена: «{offer.title}» — {price_text(offer.price, offer.unit)} "
                    f"({catalog.CATEGORY_TITLES[offer.category]}, гарантия {offer.warranty_days} дн.). "
                    "Жители увидят её в поиске.")
        dispatcher.utter_message(text=text)
        return []


class ActionMarketProviderStats(Action):
    def name(self) -> str:
        return "action_market_provider_stats"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        with session_scope() as session:
            try:
                stats = providers.stats(session, resident_id(session, tracker), dispatch.to_local(utcnow()).date())
            except providers.NotAMember as error:
                dispatcher.utter_message(text=error.message)
                return []
            upcoming = [orders.describe(order) for order in stats.upcoming[:UPCOMING_SHOWN]]
        lines = ["Предстоящие заказы:" if upcoming else "Предстоящих заказов нет.", *upcoming,
                 f"Выполнено в этом месяце: {stats.done_this_month}.",
                 f"Заработано за месяц после комиссии: {dispatch.rubles(stats.earned_this_month)} "
                 f"(комиссия кооперативу — {dispatch.rubles(stats.commission_this_month)}; "
                 f"членский взнос — {dispatch.rubles(stats.monthly_fee)} в месяц).",
                 "Отметить заказ: «заказ 12 выполнен», «приступил к заказу 12»."]
        dispatcher.utter_message(text="\n".join(lines))
        return []


class ActionMarketProviderOrderUpdate(Action):
    def name(self) -> str:
        return "action_market_provider_order_update"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        text = tracker.latest_message.get("text") or ""
        number = order_number(entity_value(tracker, "order_id")) or order_number(text)
        state = state_named(text)
        if number is None or state is None:
            dispatcher.utter_message(text="Напишите номер заказа и что с ним: «подтверждаю заказ 12», "
                                          "«приступил к заказу 12» или «заказ 12 выполнен».")
            return []
        with session_scope() as session:
            resident = resident_id(session, tracker)
            if providers.provider_of(session, resident) is None:
                dispatcher.utter_message(text="Отмечать заказы могут исполнители кооператива.")
                return []
            try:
                order = orders.advance(session, resident, number, state)
            except orders.OrderError as error:
                dispatcher.utter_message(text=error.message)
                return []
            audit_record(session, skill=SKILL, action="order_advanced", resident_id=resident,
                         details={"order_id": order.id, "state": state})
            text = orders.describe(order)
        done = " Гарантия на работу началась." if state == orders.DONE else ""
        dispatcher.utter_message(text=f"Отметил. {text}{done}")
        return []
