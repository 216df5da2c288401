"""Bad input shared by the tests of every public endpoint, and what each kind must come to."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

from rasa.core.channels.channel import UserMessage

from connectors import incoming

TOO_LONG = incoming.say("too_long")
EMPTY = incoming.say("empty")

# Texts a resident's client may send, by kind.
TEXTS: Dict[str, str] = {
    "empty": "",
    "whitespace": " \t\n\u00a0 ",
    "controls-only": "\x00\x1b\u202e\x07",
    "10k": ("Прорвало трубу в подвале дома 5 по улице Ленина, вода по щиколотку. " * 200)[:10_000],
    "1M": "я" * 1_000_000,
    "emoji": "🚰💧🏠👨\u200d👩\u200d👧👍🏽",
    "sql": "'; DROP TABLE residents; -- \" OR '1'='1' /* UNION SELECT * FROM handoff_requests",
    "html": "<script>alert('x')</script><img src=x onerror=alert(1)> &amp; </textarea>",
    "nul": "привет\x00мир",
    "escape": "\x1b[31mпривет\x1b[0m",
    "rtl-override": "счёт \u202eотоп\u202c",
    "lone-surrogate": "привет \ud800",
}
# What the bot gets of a text that reaches it: the same, less control characters (and outer white space).
REACHES_BOT: Dict[str, str] = {
    "emoji": TEXTS["emoji"],
    "sql": TEXTS["sql"],
    "html": TEXTS["html"],
    "nul": "приветмир",
    "escape": "[31mпривет[0m",
    "rtl-override": "счёт отоп",
    "lone-surrogate": "привет",  # Rasa's UserMessage strips the text
}
ANSWERED_EMPTY = ["empty", "whitespace", "controls-only"]
ANSWERED_TOO_LONG = ["10k", "1M"]
assert set(REACHES_BOT) | set(ANSWERED_EMPTY) | set(ANSWERED_TOO_LONG) == set(TEXTS)

# A body that is JSON but never parses: deeper than Python's recursion limit.
TOO_DEEP = b"[" * 100_000 + b"]" * 100_000
INVALID_UTF8 = b'{"sender": "me", "message": "\xff\xfe\xfd \xc3\x28"}'
# Values of the wrong JSON type where a text is expected.
NOT_TEXT: Dict[str, Any] = {
    "number": 42,
    "float": 1e308,
    "bool": True,
    "null": None,
    "list": ["привет"],
    "object": {"text": "привет"},
}


def as_json(value: Any) -> bytes:
    """JSON as a client sends it (non-ASCII escaped, so a lone surrogate travels as "\\ud800")."""
    return json.dumps(value).encode("ascii")


def assert_clear_error(status: int, body: bytes, statuses: Optional[List[int]] = None) -> None:
    """A 4xx (one of `statuses` when given) with a short body and no trace of Python in it."""
    assert 400 <= status < 500, (status, body[:300])
    assert statuses is None or status in statuses, (status, body[:300])
    assert len(body) < 2000, body[:300]
    assert b"Traceback" not in body and b'File "' not in body, body[:300]


class RecordingBot:
    """What a channel under test hands its messages to instead of Rasa: keeps them and answers «Ответ.»."""

    def __init__(self) -> None:
        self.messages: List[UserMessage] = []

    async def __call__(self, message: UserMessage) -> None:
        self.messages.append(message)
        await message.output_channel.send_text_message(message.sender_id, "Ответ.")
