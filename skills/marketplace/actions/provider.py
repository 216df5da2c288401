"""The providers' side: joining the cooperative, the decision on the application, adding a service, own orders
and earnings, moving an own order forward (confirmed, in progress, done)."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from engine.sdk import (
    STOP,
    TextAnswers,
    audit_record,
    button,
    clock,
    delivered_now,
    entity_value,
    offer,
    phrase,
    resident_id,
    session_scope,
    skill_lexicon,
)

from .. import catalog, orders, providers, texts
from ..models import APPROVED, PENDING, REJECTED, MarketProvider
from .common import order_number, say_refusal

LEXICON = skill_lexicon(__file__)
NAME, CATEGORIES, DISTRICTS, PHONE = (
    "market_join_name",
    "market_join_categories",
    "market_join_districts",
    "market_join_phone",
)
JOIN_SLOTS = (NAME, CATEGORIES, DISTRICTS, PHONE)
SKILL = "marketplace"
ALL_DISTRICTS = re.compile(LEXICON["all_districts_pattern"], re.IGNORECASE)
STATE_WORDS = tuple(
    (state, re.compile(pattern, re.IGNORECASE)) for state, pattern in LEXICON["order_state_patterns"].items()
)
NEGATED = re.compile(LEXICON["negation_pattern"], re.IGNORECASE)
PHONE_PATTERN = re.compile(r"\+?\d{10,15}")
PHONE_NOISE = re.compile(r"[\s()-]")
UPCOMING_SHOWN = 5


def districts_in(text: str) -> List[str]:
    """Every known district a text names, in the city's order; a word for "all districts" means all of them."""
    if ALL_DISTRICTS.search(text or ""):
        return list(catalog.DISTRICTS)
    named = {catalog.district_of(word) for word in re.findall(r"\w+", text or "")}
    return [district for district in catalog.DISTRICTS if district in named]


def state_named(text: str) -> Optional[str]:
    """The state a provider reports ("order 12 is done" → done); a negated one is no report."""
    for state, words in STATE_WORDS:
        match = words.search(text or "")
        if match:
            return None if NEGATED.search(text[: match.start()]) else state
    return None


def say_decision(dispatcher: CollectingDispatcher, application: MarketProvider) -> None:
    """What the applicant reads about their application."""
    if application.status == APPROVED:
        dispatcher.utter_message(response="utter_market_application_approved", name=application.name)
    elif application.status == REJECTED and application.decision_reason:
        dispatcher.utter_message(
            response="utter_market_application_rejected_reason", reason=application.decision_reason
        )
    elif application.status == REJECTED:
        dispatcher.utter_message(response="utter_market_application_rejected")
    else:
        dispatcher.utter_message(response="utter_market_application_pending")


class ValidateMarketJoinForm(TextAnswers, FormValidationAction):
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
            say_decision(dispatcher, application)
        return dict.fromkeys(JOIN_SLOTS, STOP)

    def validate_market_join_name(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if slot_value == STOP:
            return dict.fromkeys(JOIN_SLOTS, STOP)
        name = " ".join(str(slot_value or "").split())
        if not 2 <= len(name) <= 128 or not any(ch.isalpha() for ch in name):
            dispatcher.utter_message(response="utter_market_join_name_again")
            return {NAME: None}
        return {NAME: name}

    def validate_market_join_categories(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if slot_value == STOP:
            return {CATEGORIES: STOP}
        values = slot_value if isinstance(slot_value, list) else [slot_value]
        chosen = [value for value in dict.fromkeys(values) if value in catalog.CATEGORIES]
        if not chosen:
            dispatcher.utter_message(
                response="utter_market_join_categories_again",
                categories=texts.category_titles(catalog.CATEGORIES),
            )
            return {CATEGORIES: None}
        return {CATEGORIES: chosen}

    def validate_market_join_districts(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if slot_value == STOP:
            return {DISTRICTS: STOP}
        found = districts_in(str(slot_value or ""))
        if not found:
            dispatcher.utter_message(
                response="utter_market_join_districts_again", districts=", ".join(catalog.DISTRICTS)
            )
            return {DISTRICTS: None}
        return {DISTRICTS: ", ".join(found)}

    def validate_market_join_phone(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if slot_value == STOP:
            return {PHONE: STOP}
        phone = PHONE_NOISE.sub("", str(slot_value or ""))
        if not PHONE_PATTERN.fullmatch(phone):
            dispatcher.utter_message(response="utter_market_join_phone_again")
            return {PHONE: None}
        return {PHONE: phone}


class ActionMarketJoinDone(Action):
    def name(self) -> str:
        return "action_market_join_done"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        cleared = [SlotSet(slot, None) for slot in JOIN_SLOTS]
        values = {slot: tracker.get_slot(slot) for slot in JOIN_SLOTS}
        if STOP in values.values() or None in values.values():
            return cleared
        with session_scope() as session:
            resident = resident_id(session, tracker)
            try:
                application = providers.apply(
                    session,
                    resident,
                    values[NAME],
                    values[CATEGORIES],
                    values[DISTRICTS].split(", "),
                    values[PHONE],
                )
            except providers.ServiceRefused as error:
                dispatcher.utter_message(
                    response="utter_market_join_not_filed", reason=texts.refusal_text(domain, error.refusal)
                )
                return cleared
            audit_record(
                session,
                skill=SKILL,
                action="provider_applied",
                resident_id=resident,
                details={"provider_id": application.id},
            )
            dispatcher.utter_message(
                response="utter_market_join_filed",
                application_id=application.id,
                name=application.name,
                categories=texts.category_titles(application.categories),
                districts=", ".join(application.districts),
                phone=application.phone,
            )
        return cleared


class ActionMarketApplicationDecided(Action):
    """Said when the administrator decides: the admin CLI schedules the external intent through the notification
    service (notices.tell_applicant); said once, in the applicant's preferred channel."""

    def name(self) -> str:
        return "action_market_application_decided"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        with session_scope() as session:
            if not delivered_now(session, tracker):
                return []  # said already, cancelled, or typed by hand
            application = providers.application_of(session, resident_id(session, tracker))
            if application is not None:
                say_decision(dispatcher, application)
        return []


class ActionMarketProviderAddService(Action):
    def name(self) -> str:
        return "action_market_provider_add_service"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        draft = providers.parse_service(tracker.latest_message.get("text") or "")
        with session_scope() as session:
            resident = resident_id(session, tracker)
            member = providers.provider_of(session, resident)
            if member is None:
                dispatcher.utter_message(
                    response="utter_market_add_service_members_only",
                    buttons=[button(phrase(domain, "utter_market_join_button"), "market_provider_join")],
                    **offer("market_provider_join"),
                )
                return []
            if draft is None:
                dispatcher.utter_message(response="utter_market_add_service_how")
                return []
            category = entity_value(tracker, "service_category")
            if category is None and len(member.categories) == 1:
                category = member.categories[0]
            if category is None:
                dispatcher.utter_message(
                    response="utter_market_add_service_which_category",
                    categories=texts.category_titles(member.categories),
                    category=texts.category_title(member.categories[0]),
                    title=draft.title.lower(),
                    price=f"{draft.price:.0f}",
                )
                return []
            try:
                service = providers.upsert_service(
                    session, resident, category, draft.title, draft.price, draft.unit
                )
            except providers.ServiceRefused as error:
                say_refusal(dispatcher, domain, error.refusal)
                return []
            audit_record(
                session,
                skill=SKILL,
                action="service_saved",
                resident_id=resident,
                details={"offer_id": service.id, "price": str(service.price), "unit": service.unit},
            )
            dispatcher.utter_message(
                response="utter_market_service_saved",
                title=service.title,
                price=texts.price_text(domain, service.price, service.unit),
                category=texts.category_title(service.category),
                warranty_days=service.warranty_days,
            )
        return []


class ActionMarketProviderStats(Action):
    def name(self) -> str:
        return "action_market_provider_stats"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        with session_scope() as session:
            try:
                stats = providers.stats(session, resident_id(session, tracker), clock.today())
            except providers.NotAMember as error:
                say_refusal(dispatcher, domain, error.refusal)
                return []
            upcoming = [texts.order_summary(domain, order) for order in stats.upcoming[:UPCOMING_SHOWN]]
        values = {
            "done": stats.done_this_month,
            "earned": texts.rubles(stats.earned_this_month),
            "commission": texts.rubles(stats.commission_this_month),
            "fee": texts.rubles(stats.monthly_fee),
        }
        if upcoming:
            dispatcher.utter_message(
                response="utter_market_provider_stats", upcoming="\n".join(upcoming), **values
            )
        else:
            dispatcher.utter_message(response="utter_market_provider_stats_no_upcoming", **values)
        return []


class ActionMarketProviderOrderUpdate(Action):
    def name(self) -> str:
        return "action_market_provider_order_update"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        text = tracker.latest_message.get("text") or ""
        number = order_number(entity_value(tracker, "order_id")) or order_number(text)
        state = state_named(text)
        if number is None or state is None:
            dispatcher.utter_message(response="utter_market_order_update_how")
            return []
        with session_scope() as session:
            resident = resident_id(session, tracker)
            if providers.provider_of(session, resident) is None:
                dispatcher.utter_message(response="utter_market_order_update_members_only")
                return []
            try:
                order = orders.advance(session, resident, number, state)
            except orders.OrderError as error:
                say_refusal(dispatcher, domain, error.refusal)
                return []
            audit_record(
                session,
                skill=SKILL,
                action="order_advanced",
                resident_id=resident,
                details={"order_id": order.id, "state": state},
            )
            summary = texts.order_summary(domain, order)
        response = "utter_market_order_marked_done" if state == orders.DONE else "utter_market_order_marked"
        dispatcher.utter_message(response=response, summary=summary)
        return []
