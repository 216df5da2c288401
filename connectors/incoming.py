"""What every connector checks in a resident's text before the bot sees it: its length and its characters.

- A message longer than MAX_MESSAGE_CHARS (4096, Telegram's own cap; see docs/channels.md) never reaches Rasa:
  the channel answers the resident with `too_long` from `incoming.yml` beside this module.
- Control characters are dropped from what reaches Rasa: C0 and C1 controls but tab, line feed and carriage
  return (a NUL cannot even be stored in PostgreSQL, an ESC would reach terminals and logs), the bidirectional
  embeddings, overrides and isolates (an RTL override makes the desk show text other than what was written) and
  lone surrogates (a JSON "\\ud800" decodes to a string that cannot be encoded back to UTF-8).
- A text with nothing left but white space is not a message: the channel answers `empty` (or, in a channel with
  its own rule for silence, such as Alice, follows that rule).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, NamedTuple, Optional

from engine.lexicon import load_lexicon

MAX_MESSAGE_CHARS = 4096
TEXTS = Path(__file__).resolve().parent / "incoming.yml"

_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


@lru_cache(maxsize=1)
def _texts() -> Dict[str, Any]:
    return load_lexicon(TEXTS)


def say(key: str) -> str:
    """The Russian text `key` of `incoming.yml`, its `{limit}` filled in."""
    return str(_texts()[key]).format(limit=MAX_MESSAGE_CHARS)


def too_long(text: str) -> bool:
    return len(text) > MAX_MESSAGE_CHARS


def clean(text: str) -> str:
    """The text without the characters listed in the module docstring."""
    return _UNWANTED.sub("", text)


def printable(value: str) -> bool:
    """Whether an identifier (a sender, a user id, a time zone) is free of control, format and surrogate
    characters (Unicode category C), which no honest client puts there."""
    return not any(unicodedata.category(char).startswith("C") for char in value)


def identifier(value: object, longest: int) -> bool:
    """Whether a client's identifier is a printable string of 1 to `longest` characters."""
    return isinstance(value, str) and 0 < len(value) <= longest and printable(value)


class Checked(NamedTuple):
    """A resident's text as the bot may see it, or what to answer instead."""

    text: str  # cleaned; "" when refused
    refusal: Optional[str] = None  # the answer to the resident when the bot must not see the message


def check(text: str) -> Checked:
    """The text to hand to the bot, or the refusal to answer: too long, or nothing but white space once cleaned."""
    if too_long(text):
        return Checked("", say("too_long"))
    cleaned = clean(text)
    if not cleaned.strip():
        return Checked("", say("empty"))
    return Checked(cleaned)
