"""Yandex Alice: the assistant as an Alice skill (Yandex Dialogs skill API, protocol version 1.0).

Set the skill's webhook in the Yandex Dialogs console to `https://<host>/webhooks/alice/webhook` and the skill id
(the console shows it) in `ALICE_SKILL_ID`. A request whose `session.skill_id` is another one is refused with
403; without `ALICE_SKILL_ID` every request is refused outside development mode (a warning at start-up says so),
and accepted in development mode (a warning the first time). Alice does not sign its requests and a skill id is
no secret: where forged requests matter, let the proxy in front accept Yandex's addresses only. A resident's
conversation is `alice:<session.user.user_id>` when they are logged in to Yandex, else
`alice:<session.application.application_id>` (one device or app); logging in therefore starts another
conversation. Nothing else in a request names the resident. Account linking: the metadata only says whether the
request carries a token the project signed for that user (connectors/alice_linking.py), never the token.

Settings in `credentials.yml` under `connectors.alice.AliceInput:`: `answer_budget_seconds` (default 3.0,
overridden by `ALICE_ANSWER_BUDGET_SECONDS`) and `pending_ttl_seconds` (default 3600). Alice gives up on a skill
after 4.5 seconds, network included. When the bot has not answered within the budget, the resident hears
`utter_alice_wait` and the bot goes on working; the resident's next request brings its answer (waiting for it
within the budget again). An empty request, or one of the `fetch_phrases` of `speech.yml`, only fetches that
answer; anything else is also sent to the bot, after the pending message, and both answers come together.
Output that waits longer than `pending_ttl_seconds` for the resident to come back is dropped (the tracker still
has it). A new session with an empty utterance sends `/greet`.

An answer is the bot's messages joined; Alice shows at most 1024 characters and says at most 1024. A longer one
is cut after a sentence (or word) and ends with `utter_alice_more` and its button; the rest follows on that
button or on one of the `continue_phrases` of `speech.yml`, and is dropped when the resident says anything else
(they chose not to listen to it). The bot's buttons come with the last part, as Alice buttons with titles of at
most 64 characters (`hide: true`, payload `{"rasa": "<the Rasa payload>"}`, sent back to the bot on a press);
on devices without a screen their titles are also said (`utter_voice_choices`). The `tts` says money, dates,
account and phone numbers the Russian way and leaves out markdown and emoji (connectors/speech.py). Images are
not shown: Alice only shows images uploaded to Yandex Dialogs. Response variations with `channel: alice` are
used for this channel. A text over 4096 characters gets `too_long` of connectors/incoming.yml instead.

Pending answers live in this process's memory, keyed by conversation. Run one Rasa instance for Alice, or let
the balancer keep a conversation on one instance (hash on `session.user.user_id`, else
`session.application.application_id`, read from the body: HAProxy or Envoy can), or move `Pending` to a shared
store such as the Redis of the lock store. A request that reaches another instance does not see the pending
answer: it comes on a later request that reaches the instance holding it, or, after the TTL, not at all.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from connectors import alice_linking, incoming, speech
from connectors.turns import answered
from engine.channels import ConfigurationError, conversation_id, required_secret, secret_matches
from engine.sdk.phrases import phrase
from engine.settings import settings
from engine.skills.discovery import core_package

logger = logging.getLogger(__name__)

CHANNEL = "alice"
VERSION = "1.0"
SKILL_ID_ENV = "ALICE_SKILL_ID"
BUDGET_ENV = "ALICE_ANSWER_BUDGET_SECONDS"
DEFAULT_BUDGET_SECONDS = 3.0
ALICE_TIMEOUT_SECONDS = 4.5
DEFAULT_PENDING_TTL_SECONDS = 3600.0
TEXT_LIMIT = 1024
TTS_LIMIT = 1024
TITLE_LIMIT = 64
GREET = "/greet"
PING = "ping"
BUTTON_PRESSED = "ButtonPressed"
RASA_PAYLOAD = "rasa"
MORE_PAYLOAD = {"alice": "more"}

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


@lru_cache(maxsize=1)
def core_domain() -> Dict[str, Any]:
    """The core's domain fragment (domain/domain.yml): the channel's own phrases are its responses."""
    return core_package().domain


def say(response_name: str, **values: Any) -> str:
    return phrase(core_domain(), response_name, channel=CHANNEL, **values)


@dataclass(frozen=True)
class AliceRequest:
    """What the channel uses of a request: who, what they said or pressed, and what their device can do."""

    conversation: str
    kind: str
    text: str
    payload: Any
    new_session: bool
    screen: bool
    metadata: Dict[str, Any]


def _mapping(container: Dict[str, Any], key: str) -> Dict[str, Any]:
    value = container.get(key)
    return value if isinstance(value, dict) else {}


def parse_request(body: Dict[str, Any], account_linked: bool = False) -> Optional[AliceRequest]:
    """The request, or None when it is not one of Alice's (no user or application id, no request)."""
    session, alice, meta = (_mapping(body, key) for key in ("session", "request", "meta"))
    user, interfaces = _mapping(session, "user"), _mapping(meta, "interfaces")
    resident = user.get("user_id") or _mapping(session, "application").get("application_id")
    if not alice or not incoming.identifier(resident, 256):
        return None
    command = alice.get("command") if isinstance(alice.get("command"), str) else ""
    utterance = alice.get("original_utterance") if isinstance(alice.get("original_utterance"), str) else ""
    new_session = session.get("new") is True
    # A new session's utterance still holds the skill's activation words; the command has only the request.
    text = command if new_session else (utterance or command)
    metadata: Dict[str, Any] = {
        "alice": {
            "session_id": session.get("session_id"),
            "message_id": session.get("message_id"),
            "new_session": new_session,
            "account_linked": account_linked,
        }
    }
    if incoming.identifier(meta.get("timezone"), 64):
        metadata["timezone"] = meta["timezone"]
    return AliceRequest(
        conversation=conversation_id(CHANNEL, resident),
        kind=str(alice.get("type") or ""),
        text=incoming.clean(text).strip(),
        payload=alice.get("payload"),
        new_session=new_session,
        screen="screen" in interfaces,
        metadata=metadata,
    )


@dataclass
class Pending:
    """What a conversation has not heard yet: the rest of a cut answer, the bot's output, the bot's work."""

    undelivered: List[Dict[str, Any]] = field(default_factory=list)
    rest: Optional[Dict[str, Any]] = None
    task: Optional[asyncio.Future] = None
    touched: float = field(default_factory=time.monotonic)

    @property
    def busy(self) -> bool:
        return self.task is not None and not self.task.done()

    @property
    def idle(self) -> bool:
        return not (self.busy or self.undelivered or self.rest)


class AliceCollector(CollectingOutputChannel):
    """Collects the bot's messages of one conversation into what it has not heard yet."""

    def __init__(self, pending: Pending) -> None:
        super().__init__()
        self.pending = pending

    @classmethod
    def name(cls) -> Text:
        return CHANNEL

    async def _persist_message(self, message: Dict[Text, Any]) -> None:
        self.messages.append(message)
        self.pending.undelivered.append(message)
        self.pending.touched = time.monotonic()


def alice_button(button: Dict[str, Any]) -> Dict[str, Any]:
    """A Rasa button as an Alice button: a short title, the Rasa payload to send back."""
    title = speech.shortened(str(button.get("title") or button.get("payload") or ""), TITLE_LIMIT)
    converted: Dict[str, Any] = {"title": title, "hide": True}
    if button.get("payload"):
        converted["payload"] = {RASA_PAYLOAD: str(button["payload"])}
    return converted


def spoken_choices(titles: List[str]) -> str:
    """The buttons' titles as one sentence to say aloud (responses `utter_voice_choice*`)."""
    separator = say("utter_voice_choice_separator")
    said = separator.join(say("utter_voice_choice", choice=title) for title in titles)
    return say("utter_voice_choices", choices=said)


def _joined(*parts: str, separator: str = " ") -> str:
    return separator.join(part for part in parts if part)


def render(
    messages: List[Dict[str, Any]], busy: bool, screen: bool
) -> Tuple[Dict[str, Any], Optional[Dict[str, Any]]]:
    """Alice's `response` for the bot's messages, and the rest of them when they do not fit (None when they do)."""
    body = "\n".join(str(message["text"]).strip() for message in messages if message.get("text"))
    rasa_buttons = [button for message in messages for button in message.get("buttons") or []]
    buttons = [alice_button(button) for button in rasa_buttons]
    if not body:
        body = say("utter_alice_wait") if busy else say("utter_alice_listening")
        busy = False
    tail = say("utter_alice_wait") if busy else ""
    text = _joined(body, tail, separator="\n")
    tts = _joined(speech.spoken(body), speech.spoken(tail))
    if buttons and not screen:
        with_choices = _joined(tts, speech.spoken(spoken_choices([button["title"] for button in buttons])))
        tts = with_choices if len(with_choices) <= TTS_LIMIT else tts
    if len(text) <= TEXT_LIMIT and len(tts) <= TTS_LIMIT:
        return _response(text, tts, buttons), None

    more = say("utter_alice_more")
    head, rest = speech.cut(body, TEXT_LIMIT - len(more) - 1)
    if not rest:  # the body fits alone, not with the wait phrase: its last part waits too
        head, rest = speech.cut(body, len(body) - 1)
    tts = _joined(speech.spoken(head), speech.spoken(more))
    while len(tts) > TTS_LIMIT and len(head) > 1:
        head, extra = speech.cut(head, max(1, len(head) * TTS_LIMIT // len(tts) - 1))
        rest = _joined(extra, rest)
        tts = _joined(speech.spoken(head), speech.spoken(more))
    more_button = {"title": say("utter_alice_more_button"), "payload": MORE_PAYLOAD, "hide": True}
    left = {"text": rest, "buttons": rasa_buttons}
    return _response(_joined(head, more, separator="\n"), tts, [more_button]), left


def _response(text: str, tts: str, buttons: List[Dict[str, Any]]) -> Dict[str, Any]:
    answer: Dict[str, Any] = {"text": text, "tts": speech.shortened(tts, TTS_LIMIT), "end_session": False}
    if buttons:
        answer["buttons"] = buttons
    return answer


def _seconds(value: Any, default: float, setting: str) -> float:
    try:
        return float(value) if value is not None else default
    except (TypeError, ValueError) as error:
        raise ConfigurationError(f"Alice: {setting} is not a number of seconds: {value!r}") from error


def envelope(answer: Dict[str, Any]) -> Dict[str, Any]:
    return {"response": answer, "version": VERSION}


class AliceInput(InputChannel):
    """Yandex Alice skill webhook: POST /webhooks/alice/webhook."""

    @classmethod
    def name(cls) -> Text:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        return cls(
            answer_budget_seconds=credentials.get("answer_budget_seconds"),
            pending_ttl_seconds=credentials.get("pending_ttl_seconds"),
        )

    def __init__(
        self, answer_budget_seconds: Optional[float] = None, pending_ttl_seconds: Optional[float] = None
    ) -> None:
        budget, setting = os.environ.get(BUDGET_ENV) or answer_budget_seconds, f"budget ({BUDGET_ENV})"
        self.answer_budget_seconds = _seconds(budget, DEFAULT_BUDGET_SECONDS, setting)
        if not 0 < self.answer_budget_seconds < ALICE_TIMEOUT_SECONDS:
            logger.warning(
                "Alice: an answer budget of %s s leaves no time before Alice gives up at %s s",
                self.answer_budget_seconds,
                ALICE_TIMEOUT_SECONDS,
            )
        self.pending_ttl_seconds = _seconds(pending_ttl_seconds, DEFAULT_PENDING_TTL_SECONDS, "pending TTL")
        self.pending: Dict[str, Pending] = {}
        self._swept = time.monotonic()
        self._warned = False

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        hook = Blueprint("alice_webhook", __name__)
        on_new_message = answered(on_new_message)
        skill_id = required_secret(SKILL_ID_ENV)
        development = settings().development_mode
        if skill_id is None and not development:
            logger.warning("Alice: %s is not set, every request is refused (403)", SKILL_ID_ENV)

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            deadline = time.monotonic() + self.answer_budget_seconds
            try:
                body = request.json
            except Exception:
                body = None
            if not isinstance(body, dict):
                return response.json({"error": "expected a JSON object"}, status=400)
            refused = self.refusal(body, skill_id, development)
            if refused:
                return response.json({"error": refused}, status=403)
            linked = alice_linking.account_linked(request.headers.get("Authorization"), body)
            alice = parse_request(body, account_linked=linked)
            if alice is None:
                return response.json(
                    {"error": "expected an Alice request with a user or application id"}, status=400
                )
            if alice.text == PING:
                return response.json(envelope({"text": "pong", "end_session": False}))
            return response.json(envelope(await self.reply(alice, on_new_message, deadline)))

        return hook

    def refusal(self, body: Dict[str, Any], skill_id: Optional[str], development: bool) -> Optional[str]:
        """Why a request is refused (None when it is accepted): another skill's, or no skill id configured."""
        if skill_id is None:
            if not development:
                return f"{SKILL_ID_ENV} is not set"
            if not self._warned:
                self._warned = True
                logger.warning(
                    "Alice: %s is not set; development mode accepts any skill's requests", SKILL_ID_ENV
                )
            return None
        given = _mapping(body, "session").get("skill_id")
        if not secret_matches(given, skill_id):
            return "unknown skill"
        return None

    async def reply(
        self, alice: AliceRequest, on_new_message: OnNewMessage, deadline: float
    ) -> Dict[str, Any]:
        """Alice's `response`: what the conversation has not heard yet and the answer to this request, as far as
        the bot has them by the deadline."""
        self._sweep()
        pending = self.pending.setdefault(alice.conversation, Pending())
        pending.touched = time.monotonic()
        text = self.message_text(alice, pending)
        if text is not None:
            pending.rest = None
            collector, metadata = AliceCollector(pending), alice.metadata
            message = UserMessage(
                text, collector, alice.conversation, input_channel=CHANNEL, metadata=metadata
            )
            pending.task = asyncio.ensure_future(self._handle(pending.task, message, on_new_message, pending))
        if pending.task is not None and pending.busy:
            await asyncio.wait({pending.task}, timeout=max(0.0, deadline - time.monotonic()))
        messages = ([pending.rest] if pending.rest else []) + pending.undelivered
        pending.undelivered = []
        answer, pending.rest = render(messages, busy=pending.busy, screen=alice.screen)
        if pending.idle:
            self.pending.pop(alice.conversation, None)
        return answer

    @staticmethod
    def message_text(alice: AliceRequest, pending: Pending) -> Optional[str]:
        """The text to send to the bot, or None when the request only asks for what is pending."""
        if alice.kind == BUTTON_PRESSED and isinstance(alice.payload, dict):
            if alice.payload == MORE_PAYLOAD:
                return None
            if incoming.identifier(alice.payload.get(RASA_PAYLOAD), incoming.MAX_MESSAGE_CHARS):
                return alice.payload[RASA_PAYLOAD]
        if incoming.too_long(alice.text):  # answered here: the bot never sees it
            pending.undelivered.append({"text": incoming.say("too_long")})
            return None
        said = speech.folded(alice.text)
        if not said:
            return GREET if alice.new_session else None
        if pending.rest and said in speech.heard_phrases("continue_phrases"):
            return None
        if (pending.busy or pending.undelivered) and said in speech.heard_phrases("fetch_phrases"):
            return None
        return alice.text

    @staticmethod
    async def _handle(
        previous: Optional[asyncio.Future],
        message: UserMessage,
        on_new_message: OnNewMessage,
        pending: Pending,
    ) -> None:
        """Sends a message to the bot once the conversation's previous one is done (the order of the turns)."""
        if previous is not None and not previous.done():
            await asyncio.wait({previous})
        await on_new_message(message)  # `answered`: a failed turn is answered with an apology, never raised

    def _sweep(self) -> None:
        """Forgets conversations whose output has waited longer than the TTL (at most once a minute)."""
        now = time.monotonic()
        if now - self._swept < 60:
            return
        self._swept = now
        for key, pending in list(self.pending.items()):
            if not pending.busy and now - pending.touched > self.pending_ttl_seconds:
                del self.pending[key]
