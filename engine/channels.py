"""Who is writing, as each channel verified it.

Every connector names its conversations `<channel>:<id in that channel>` (`telegram:123456`, `webchat:3f2a…`):
the id is what the connector checked (Telegram's secret header, a signed web-chat session, Alice's skill id),
never what a client put in a request body. Rasa keys trackers by this conversation id alone, so the prefix is
also what keeps one channel's conversations apart from another's: a REST client that sends
`"sender": "telegram:123456"` writes into `rest:telegram:123456`, not into the Telegram user's conversation.

Output channels strip the prefix again (`external_id`) before they address a chat.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path
from typing import Optional, Tuple

from engine.settings import PROJECT_ROOT, settings

SEPARATOR = ":"
CHANNELS = ("rest", "webchat", "telegram", "alice")
# Channels that can say something the resident did not just ask for (a reminder, an operator's reply). Alice and
# REST only answer a request: a notification sent there would be recorded and never heard.
PUSH_CHANNELS = ("telegram", "webchat")
SECRET_KEY_ENV = "ASSISTANT_SECRET_KEY"
DEV_SECRET_FILE = PROJECT_ROOT / "var" / "secret_key"


class ConfigurationError(RuntimeError):
    """A setting that must come from the environment is missing (outside development mode)."""


def conversation_id(channel: str, external_id: str) -> str:
    """The Rasa conversation (sender) id of a channel user."""
    return f"{channel}{SEPARATOR}{external_id}"


def split_conversation_id(sender_id: str) -> Optional[Tuple[str, str]]:
    """(channel, id in the channel) of a conversation a connector named, or None for any other sender id."""
    channel, separator, external = sender_id.partition(SEPARATOR)
    if separator and channel in CHANNELS and external:
        return channel, external
    return None


def external_id(sender_id: str) -> str:
    """The id in its own channel of a connector-named conversation (the chat id a Telegram output needs)."""
    split = split_conversation_id(sender_id)
    return split[1] if split else sender_id


def required_secret(name: str) -> Optional[str]:
    """An environment variable holding a secret, or None when it is unset or empty."""
    value = os.environ.get(name, "").strip()
    return value or None


def secret_key(dev_file: Path = DEV_SECRET_FILE) -> bytes:
    """The key that signs web-chat sessions: $ASSISTANT_SECRET_KEY; in development mode only, a random key kept in
    var/secret_key (so sessions survive a restart of `make run`)."""
    configured = required_secret(SECRET_KEY_ENV)
    if configured:
        return configured.encode()
    if not settings().development_mode:
        raise ConfigurationError(f"{SECRET_KEY_ENV} is not set")
    if not dev_file.exists():
        dev_file.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(dev_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as output:
            output.write(secrets.token_hex(32))
    return dev_file.read_text().strip().encode()


def _signature(value: str, key: bytes) -> str:
    digest = hmac.new(key, value.encode("utf-8", "surrogatepass"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def sign(value: str, key: Optional[bytes] = None) -> str:
    """`value.signature`: a token a client can keep and send back, and cannot forge for another value."""
    return f"{value}.{_signature(value, key or secret_key())}"


def unsign(token: object, key: Optional[bytes] = None) -> Optional[str]:
    """The value of a token made by `sign`, or None when it is not one (forged, altered, not a string)."""
    if not isinstance(token, str) or "." not in token or len(token) > 512:
        return None
    value, _, signature = token.rpartition(".")
    expected = _signature(value, key or secret_key())
    if value and hmac.compare_digest(
        signature.encode("utf-8", "replace"), expected.encode("utf-8", "replace")
    ):
        return value
    return None


def secret_matches(given: object, expected: str) -> bool:
    """Whether a secret a client sent (a token, a header, a skill id) equals the expected one, compared in constant
    time; anything but a string never matches."""
    return isinstance(given, str) and hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode())


def new_session_id() -> str:
    return secrets.token_hex(16)


def identity_conversation(channel: str, external: str) -> str:
    """The conversation id of a stored channel identity (the inverse of `split_conversation_id`)."""
    return conversation_id(channel, external) if channel in CHANNELS else external
