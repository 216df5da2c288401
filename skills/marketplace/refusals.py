"""Why the skill cannot do what a resident asked, as data: a reason code and the values the answer names.

The domain modules raise or return these; the actions answer with the response `utter_market_refused_<reason>`
filled with the values (see texts.refusal_text).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict


@dataclass(frozen=True)
class Refusal:
    reason: str
    values: Dict[str, Any] = field(default_factory=dict)


def refusal(reason: str, **values: Any) -> Refusal:
    return Refusal(reason, values)


class Refused(Exception):
    """A refusal raised by a domain module; `reason` names the response, `values` fill it."""

    def __init__(self, reason: str, **values: Any) -> None:
        super().__init__(reason)
        self.reason, self.values = reason, values

    @property
    def refusal(self) -> Refusal:
        return Refusal(self.reason, dict(self.values))
