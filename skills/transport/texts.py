"""Values of the transport skill's responses: places, moments, fares and drivers as a resident reads them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Dict, Optional

from engine.sdk import clock, moment_text, money, phrase, plural, skill_lexicon

from .fares import FareEstimate
from .models import Driver, Ride

LEXICON = skill_lexicon(__file__)
# A pickup this soon after the order is "now" to the driver.
ORDERED_FOR_NOW = timedelta(minutes=5)
PERIOD_RESPONSES = {
    "night": "utter_transport_period_night",
    "morning_rush": "utter_transport_period_rush",
    "evening_rush": "utter_transport_period_rush",
}


def period_text(domain: Dict[str, Any], fare: FareEstimate) -> str:
    return phrase(domain, PERIOD_RESPONSES.get(fare.period, "utter_transport_period_day"))


def fare_values(domain: Dict[str, Any], fare: FareEstimate) -> Dict[str, Any]:
    return {
        "km": f"{fare.km:.1f}".replace(".", ","),
        "minutes": fare.minutes,
        "fare": money(fare.amount, whole_rubles=True),
        "period": period_text(domain, fare),
    }


def local_moment_text(moment: datetime) -> str:
    """The moment as a resident reads it (weekday, day, month, hour), for an aware or a stored moment."""
    local = moment if moment.tzinfo is not None else clock.to_local(moment)
    return moment_text(local)


def when_text(domain: Dict[str, Any], pickup: Optional[datetime], now: datetime) -> str:
    if pickup is None or pickup <= now:
        return phrase(domain, "utter_transport_when_now")
    return phrase(domain, "utter_transport_when_at", moment=local_moment_text(pickup))


def ride_when_text(domain: Dict[str, Any], ride: Ride) -> str:
    """The pickup as the driver reads it: now for a ride ordered for now, else its moment."""
    if ride.pickup_at - ride.created_at <= ORDERED_FOR_NOW:
        return phrase(domain, "utter_transport_when_now")
    return phrase(domain, "utter_transport_when_at", moment=local_moment_text(ride.pickup_at))


def driver_values(driver: Optional[Driver]) -> Dict[str, Any]:
    if driver is None:
        return {"driver": "", "car": "", "plate": ""}
    return {"driver": driver.name, "car": driver.car, "plate": driver.plate}


def ride_values(ride: Ride) -> Dict[str, Any]:
    return {
        "ride": ride.id,
        "from_place": ride.from_title,
        "to_place": ride.to_title,
        "fare": money(ride.fare, whole_rubles=True),
        "moment": local_moment_text(ride.pickup_at),
    }


def local_clock_text(stored: datetime) -> str:
    """HH:MM of a stored (naive UTC) moment, in local time."""
    return f"{clock.to_local(stored):%H:%M}"


def duration_text(minutes: int) -> str:
    """Hours and minutes with their nouns ("2 hours", "1 hour 30 minutes"), words from the lexicon."""
    hours, rest = divmod(minutes, 60)
    parts = [plural(hours, LEXICON["hours_forms"])] if hours else []
    if rest or not hours:
        parts.append(plural(rest, LEXICON["minutes_forms"]))
    return " ".join(parts)


def status_text(status: str) -> str:
    """A ride's status as a resident reads it (lexicon.yml `ride_statuses`)."""
    return LEXICON["ride_statuses"][status]
