"""How the skill names things for residents: services, meters, zones, payment channels and request statuses.

The words are data (lexicon.yml); a code without a name there is shown as it is.
"""

from __future__ import annotations

from typing import Optional

from engine.sdk import skill_lexicon

_WORDS = skill_lexicon(__file__)


def _named(kind: str, code: str) -> str:
    return _WORDS[kind].get(code, code)


def zone_name(zone: Optional[str]) -> Optional[str]:
    """The display word of a two-zone meter's register (day, night); None for a single-zone meter."""
    return _WORDS["zones"].get(zone) if zone else None


def service_name(service: str, zone: Optional[str] = None) -> str:
    """A service's display name, with the register of a two-zone tariff in brackets."""
    name, register = _named("services", service), zone_name(zone)
    return f"{name} ({register})" if register else name


def meter_label(resource: str, zone: Optional[str] = None, place: Optional[str] = None) -> str:
    """A meter's display name, with its register and its place in the flat in brackets."""
    details = [d for d in (zone_name(zone), place) if d]
    name = _named("meters", resource)
    return f"{name} ({', '.join(details)})" if details else name


def area_unit() -> str:
    """The unit of items charged per m² of the flat."""
    return _WORDS["area_unit"]


def payment_channel_name(channel: str) -> str:
    return _named("payment_channels", channel)


def request_status_name(status: str) -> str:
    return _named("request_statuses", status)
