"""Alice account linking: whether a request comes from a Yandex account linked to the assistant.

With account linking on, Alice sends the OAuth access token our authorization endpoint issued for the user, in
`Authorization: Bearer <token>` (and in `session.user.access_token`). Only a token the project itself issued
counts: `issue_token(user_id)`, the value `alice-link:<session.user.user_id>` signed with the assistant's key
(engine/channels.py `sign`, HMAC under `ASSISTANT_SECRET_KEY`). A request is linked when a token it carries is
such a token and names the very Yandex user the request is from; anything else (a made-up token, another user's,
a web chat session token, one signed with another key, a token while no key is configured) is not linked. Checking
never raises: a request with a bad token is answered as any request of an unlinked user. The token itself never
reaches the bot; the conversation's metadata only says `account_linked: true|false`.
"""

from __future__ import annotations

import logging
from typing import Any, Iterator, Mapping, Optional

from engine.channels import ConfigurationError, secret_matches, sign, unsign

logger = logging.getLogger(__name__)

PURPOSE = "alice-link"
BEARER = "Bearer "


def _token_value(user_id: str) -> str:
    return f"{PURPOSE}:{user_id}"


def issue_token(user_id: str, key: Optional[bytes] = None) -> str:
    """The account-linking token for the Yandex user `user_id` (what our OAuth endpoint hands to Yandex)."""
    return sign(_token_value(user_id), key)


def _bearer(authorization: Any) -> Optional[str]:
    if isinstance(authorization, str) and authorization.startswith(BEARER):
        return authorization[len(BEARER) :].strip() or None
    return None


def _user(body: Mapping[str, Any]) -> Mapping[str, Any]:
    session = body.get("session")
    user = session.get("user") if isinstance(session, dict) else None
    return user if isinstance(user, dict) else {}


def _tokens(authorization: Any, body: Mapping[str, Any]) -> Iterator[Any]:
    """The tokens a request carries: the header's, then the body's."""
    header = _bearer(authorization)
    if header is not None:
        yield header
    token = _user(body).get("access_token")
    if token is not None:
        yield token


def _user_id(body: Mapping[str, Any]) -> Optional[str]:
    user_id = _user(body).get("user_id")
    return user_id if isinstance(user_id, str) and user_id else None


def account_linked(authorization: Any, body: Mapping[str, Any], key: Optional[bytes] = None) -> bool:
    """Whether the request (its `Authorization` header and its JSON body) carries an account-linking token the
    project issued for the request's own Yandex user."""
    user_id = _user_id(body)
    if user_id is None:
        return False  # linking needs a logged-in Yandex user: a token without one names nobody
    expected = _token_value(user_id)
    try:
        return any(secret_matches(unsign(token, key), expected) for token in _tokens(authorization, body))
    except (ConfigurationError, OSError) as error:  # no key to check with: nothing counts as linked
        logger.warning("Alice: account-linking token not checked: %s", error)
        return False
