"""The resident's local time (the assistant's time zone) and the naive UTC the store keeps."""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from engine.settings import settings


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings().timezone)


def now() -> datetime:
    """Aware datetime in the assistant's time zone."""
    return datetime.now(local_zone())


def today() -> date:
    return now().date()


def to_store(moment: datetime) -> datetime:
    """Naive UTC as the store keeps it; an aware moment is converted, a naive one is taken as UTC already."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def to_local(stored: datetime) -> datetime:
    """A stored (naive UTC) moment in the assistant's time zone."""
    return stored.replace(tzinfo=timezone.utc).astimezone(local_zone())


def local_moment(day: date, hour: int, minute: int = 0) -> datetime:
    """The stored (naive UTC) moment of a local day and hour."""
    return to_store(datetime.combine(day, time(hour, minute), tzinfo=local_zone()))
