"""Parts of an answer taken from the domain's responses: a button title, one line of a list.

A whole answer is `dispatcher.utter_message(response="utter_…", **values)`, which Rasa fills. When an action
builds a list or a button whose words a resident reads, the words still live in `responses:` and the action
fills them here with Rasa's own interpolation.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from rasa.core.nlg.interpolator import interpolate_text


class MissingResponse(KeyError):
    """An action asked for a response the domain does not define."""


def phrase(domain: Dict[str, Any], response: str, channel: Optional[str] = None, **values: Any) -> str:
    """The text of `response` filled with `values`: its variation for `channel` if it has one, else the first."""
    variations = (domain.get("responses") or {}).get(response)
    if not variations:
        raise MissingResponse(response)
    chosen = next((v for v in variations if channel and v.get("channel") == channel), None)
    chosen = chosen or next((v for v in variations if not v.get("channel")), variations[0])
    return interpolate_text(str(chosen.get("text") or ""), {k: _plain(v) for k, v in values.items()})


def _plain(value: Any) -> Any:
    return "" if value is None else value
