"""Ordering a service: category, address, day, hour, then the price to confirm; dispatch picks the provider
unless the resident picked an offer from the search results («закажи второе»).

The hour is checked against the providers' working hours and bookings as soon as day and hour are both known,
so a busy time is refused at once with the nearest alternative; the price shown for confirmation is quoted
again right before it, and the order is placed with exactly the quoted offer.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.sdk import audit_record, session_scope, utcnow

from .. import catalog, dispatch, orders, when
from ..models import MarketOffer, MarketOrder, MarketProvider
from .common import YES_NO, entity_value, positions, price_text, resident_id

CATEGORY, ADDRESS, DAY, HOUR = "market_category", "market_address", "market_day", "market_hour"
OFFER, QUOTED, CONFIRM = "market_offer", "market_quoted_offer", "market_order_confirm"
ORDER_SLOTS = (CATEGORY, ADDRESS, DAY, HOUR, OFFER, QUOTED, CONFIRM)
SKILL = "marketplace"
ADDRESS_LEAD = re.compile(
    r"^(?:(?:мой|наш)\s+)?(?:адрес\w*|по адресу|приезжайте|приехать|на)\b\s*[:,-]?\s*", re.IGNORECASE
)


def picked_offer(session: Session, tracker: Tracker) -> Optional[MarketOffer]:
    """The offer of the latest search the message picks («закажи второе», a «Заказать 2» button), if any."""
    shown = tracker.get_slot("market_last_offers") or []
    if not shown or tracker.get_intent_of_latest_message() != "market_order":
        return None
    button = entity_value(tracker, "market_offer_position")
    text = tracker.latest_message.get("text") or ""
    picks = [int(button)] if str(button or "").isdigit() else positions(text, digits=False)
    if len(picks) != 1 or not 1 <= picks[0] <= len(shown):
        return None
    offer = session.get(MarketOffer, shown[picks[0] - 1])
    return offer if offer is not None and offer.active else None


def slot_starts(day: date, hours: when.Hours) -> List[datetime]:
    """Stored starts of the acceptable hours (minutes kept, so that "10:30" is refused with a reason)."""
    return [dispatch.local_slot(day, hour) + timedelta(minutes=hours.minutes) for hour in hours.hours]


def first_quote(
    session: Session, category: str, day: date, hours: when.Hours, offer_id: Optional[int], address: Optional[str]
) -> Tuple[Optional[orders.Quote], Optional[datetime], str]:
    """The first acceptable hour that can be booked: (quote, start, "") — or (None, None, why not)."""
    reason = "В это время записаться нельзя — выберите другое."
    for start in slot_starts(day, hours):
        try:
            return orders.quote(session, category, start, offer_id=offer_id, address=address), start, ""
        except orders.OrderError as error:
            reason = error.message
    if len(hours.hours) > 1:
        span = f"с {when.hour_text(hours.hours[0])} до {when.hour_text(hours.hours[-1] + 1)}"
        reason = f"{dispatch.day_text(day)} {span} свободного времени нет. {reason}"
    return None, None, reason


def existing_order(session: Session, customer: int, category: str, start: datetime) -> Optional[MarketOrder]:
    """An open order the resident already placed for the same service and hour (a retried confirmation)."""
    return session.execute(
        select(MarketOrder).where(
            MarketOrder.customer_id == customer, MarketOrder.category == category,
            MarketOrder.slot_start == dispatch.to_store(start), MarketOrder.state.in_(dispatch.OPEN_STATES),
        )
    ).scalars().first()


class ValidateMarketOrderForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_market_order_form"

    async def extract_market_category(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """A pick from the search results fixes the offer and its category."""
        with session_scope() as session:
            offer = picked_offer(session, tracker)
            return {OFFER: offer.id, CATEGORY: offer.category} if offer is not None else {}

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        """The form does not ask for market_offer, so rasa-sdk would drop the pick extracted above: keep it."""
        events = await super().get_validation_events(dispatcher, tracker, domain)
        if OFFER in tracker.slots_to_validate() and all(event.get("name") != OFFER for event in events):
            events.append(SlotSet(OFFER, tracker.get_slot(OFFER)))
        return events

    def validate_market_category(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if slot_value not in catalog.CATEGORY_TITLES:
            dispatcher.utter_message(text="Такой услуги в кооперативе нет.")
            return {CATEGORY: None}
        offer_id = tracker.get_slot(OFFER)
        if offer_id is not None:
            with session_scope() as session:
                offer = session.get(MarketOffer, offer_id)
                if offer is None or offer.category != slot_value:
                    return {CATEGORY: slot_value, OFFER: None}
        return {CATEGORY: slot_value}

    def validate_market_address(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if str(slot_value or "").startswith("/"):  # a button's payload: the address is its entity
            slot_value = entity_value(tracker, "location")
        address = ADDRESS_LEAD.sub("", " ".join(str(slot_value or "").split()))
        if not 5 <= len(address) <= 200 or not any(ch.isalpha() for ch in address) or not any(ch.isdigit() for ch in address):
            if tracker.get_slot(REQUESTED_SLOT) == ADDRESS:  # a district named up front is asked for properly next
                dispatcher.utter_message(text="Напишите адрес, куда приехать: улица и номер дома, например «ул. Ленина, 15, кв. 3».")
            return {ADDRESS: None}
        return {ADDRESS: address}

    def validate_market_day(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        day = when.parse_day(slot_value)
        today = dispatch.to_local(utcnow()).date()
        if day is None:
            dispatcher.utter_message(text="Не понял дату. Напишите, например, «завтра» или «15 декабря».")
            return {DAY: None}
        if day < today:
            dispatcher.utter_message(text=f"{dispatch.day_text(day)} уже прошло — выберите день не раньше сегодняшнего.")
            return {DAY: None}
        if day > today + orders.MAX_AHEAD:
            dispatcher.utter_message(text="Заказы принимаются не больше чем на 60 дней вперёд.")
            return {DAY: None}
        result: Dict[Text, Any] = {DAY: day.isoformat()}
        if tracker.get_slot(HOUR) is not None and HOUR not in tracker.slots_to_validate():
            result.update(self._checked_hour(tracker.get_slot(HOUR), day, dispatcher, tracker))
        return result

    def validate_market_hour(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        hours = when.parse_hours(slot_value)
        if hours is None:
            dispatcher.utter_message(text="Не понял время. Напишите, например, «в 10», «к 15:00» или «после обеда».")
            return {HOUR: None}
        day = when.parse_day(tracker.get_slot(DAY))
        if day is None:
            return {HOUR: slot_value}
        return self._checked_hour(slot_value, day, dispatcher, tracker)

    @staticmethod
    def _checked_hour(value: Any, day: date, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
        """The first bookable hour of what was asked, or the hour asked again with the reason."""
        hours = when.parse_hours(value)
        category = tracker.get_slot(CATEGORY)
        if hours is None or category not in catalog.CATEGORY_TITLES:
            return {HOUR: value}
        with session_scope() as session:
            quote, start, reason = first_quote(
                session, category, day, hours, tracker.get_slot(OFFER), tracker.get_slot(ADDRESS)
            )
        if quote is None:
            dispatcher.utter_message(text=reason)
            return {HOUR: None, QUOTED: None}
        return {HOUR: f"{dispatch.to_local(start):%H:%M}", QUOTED: quote.offer_id}


class ActionAskMarketAddress(Action):
    """Asks where to come, offering the address of the resident's previous order as a button."""

    def name(self) -> str:
        return "action_ask_market_address"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        with session_scope() as session:
            previous = orders.customer_orders(session, resident_id(session, tracker))
            last_address = previous[0].address if previous else None
        text = "По какому адресу нужна услуга? Улица, дом и квартира, например «ул. Ленина, 15, кв. 3»."
        buttons = [{"title": last_address, "payload": f'/inform{{"location": "{last_address}"}}'}] if last_address else []
        dispatcher.utter_message(text=text, buttons=buttons)
        return []


class ActionAskMarketOrderConfirm(Action):
    def name(self) -> str:
        return "action_ask_market_order_confirm"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        category, address = tracker.get_slot(CATEGORY), tracker.get_slot(ADDRESS)
        day, hours = when.parse_day(tracker.get_slot(DAY)), when.parse_hours(tracker.get_slot(HOUR))
        if day is None or hours is None:
            dispatcher.utter_message(response="utter_ask_market_hour")
            return [SlotSet(HOUR, None), SlotSet(REQUESTED_SLOT, HOUR)]
        picked = tracker.get_slot(OFFER)
        with session_scope() as session:
            quote, start, reason = first_quote(session, category, day, hours, picked, address)
            if quote is None:
                dispatcher.utter_message(text=f"{reason}\nВо сколько вам удобно?")
                return [SlotSet(HOUR, None), SlotSet(QUOTED, None), SlotSet(REQUESTED_SLOT, HOUR)]
            provider = session.get(MarketProvider, quote.provider_id)
            rating, reviews = provider.rating, provider.review_count
        how = "вы выбрали сами" if picked else (
            "подобран автоматически: свободен в это время, меньше всего заказов в этот день, выше рейтинг"
        )
        lines = [
            "Проверим заказ:",
            f"Услуга: {catalog.CATEGORY_TITLES[category]} — «{quote.title}»",
            f"Когда: {dispatch.slot_text(start)} (около {quote.duration_minutes // 60} ч)",
            f"Адрес: {address}",
            f"Исполнитель: {quote.provider_name}, ★ {rating:.1f} ({reviews} отз.) — {how}",
            f"Цена: {price_text(quote.price, quote.unit)}. Оплата — после оформления; "
            f"отмена бесплатна не позже чем за {orders.FREE_CANCEL_HOURS} ч до визита.",
            "Оформить заказ?",
        ]
        dispatcher.utter_message(text="\n".join(lines), buttons=YES_NO)
        return [SlotSet(QUOTED, quote.offer_id), SlotSet(HOUR, f"{dispatch.to_local(start):%H:%M}")]


class ActionMarketOrderDone(Action):
    def name(self) -> str:
        return "action_market_order_done"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        cleared = [SlotSet(slot, None) for slot in ORDER_SLOTS]
        if not tracker.get_slot(CONFIRM):
            dispatcher.utter_message(text="Хорошо, заказ не оформляю. Если передумаете — напишите «закажи …».")
            return cleared
        category, address = tracker.get_slot(CATEGORY), tracker.get_slot(ADDRESS)
        day, hours = when.parse_day(tracker.get_slot(DAY)), when.parse_hours(tracker.get_slot(HOUR))
        start = slot_starts(day, hours)[0] if day and hours and hours.hours else None
        if start is None:
            dispatcher.utter_message(text="Не удалось понять время заказа. Давайте попробуем ещё раз: «закажи …».")
            return cleared
        with session_scope() as session:
            customer = resident_id(session, tracker)
            order = existing_order(session, customer, category, start)
            if order is not None:
                dispatcher.utter_message(text=f"Этот заказ уже оформлен. {orders.describe(order)}")
                return cleared
            try:
                order = orders.place_order(session, customer, category, address, start,
                                           offer_id=tracker.get_slot(QUOTED) or tracker.get_slot(OFFER))
            except orders.OrderError as error:
                dispatcher.utter_message(text=f"{error.message} Заказ не оформлен — напишите «закажи …», чтобы выбрать другое время.")
                return cleared
            audit_record(session, skill=SKILL, action="order_placed", resident_id=customer,
                         details={"order_id": order.id, "provider_id": order.provider_id, "price": str(order.price)})
            summary, order_id = orders.describe(order), order.id
        dispatcher.utter_message(
            text=f"Готово! {summary}\nОплатить сейчас?",
            buttons=[
                {"title": "Оплатить", "payload": f'/market_pay_order{{"order_id": "{order_id}"}}'},
                {"title": "Позже", "payload": "/deny"},
            ],
        )
        return cleared
