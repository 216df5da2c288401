"""Telegram: Rasa's Telegram channel, hardened.

Secrets come from the environment only (credentials.yml holds non-secret settings):
- TELEGRAM_TOKEN: the bot token. Unset: the channel is disabled and its webhook answers 503.
- TELEGRAM_SECRET_TOKEN: the webhook's secret, sent by Telegram in the X-Telegram-Bot-Api-Secret-Token header;
  requests without it get 403. Outside development mode a token without a secret refuses every request.
- TELEGRAM_WEBHOOK_URL: optional public https URL of /webhooks/telegram/webhook, set with setWebhook at start.
- TELEGRAM_API_URL: Bot API base URL, https://api.telegram.org unless a self-hosted Bot API server is used.

Conversations are `telegram:<chat id>` (engine.channels). A typed "/start" greets (the core intent /greet);
any other leading "/" is dropped, so only the callback data of the bot's own buttons reaches Rasa as a payload.
A text over 4096 characters gets the channel's own polite answer and never reaches Rasa (connectors/incoming.py)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Dict, List, NamedTuple, Optional, Text

from aiogram import Bot
from aiogram.bot.api import TelegramAPIServer, check_token
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.telegram import TelegramInput as RasaTelegramInput
from rasa.core.channels.telegram import TelegramOutput as RasaTelegramOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from connectors.incoming import check
from connectors.turns import answered
from engine.channels import conversation_id, external_id, required_secret, secret_matches
from engine.settings import settings

CHANNEL = "telegram"
TOKEN_ENV = "TELEGRAM_TOKEN"
SECRET_ENV = "TELEGRAM_SECRET_TOKEN"
WEBHOOK_URL_ENV = "TELEGRAM_WEBHOOK_URL"
API_URL_ENV = "TELEGRAM_API_URL"
DEFAULT_API_URL = "https://api.telegram.org"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
GREET_PAYLOAD = "/greet"
ALLOWED_UPDATES = ("message", "edited_message", "callback_query")
CALLBACK_DATA_LIMIT = 64  # bytes, Telegram's limit for an inline button's callback_data
REQUEST_TIMEOUT = 30.0  # seconds for one Bot API call
SECRET_KEYS = frozenset({"access_token", "token", "verify", "secret_token"})

COMMAND = re.compile(r"/(?P<name>[A-Za-z0-9_]+)(?:@\w+)?(?=\s|$)")
LEADING_SLASHES = re.compile(r"^[\s/]+")
SECRET_FORMAT = re.compile(r"[A-Za-z0-9_-]{1,256}")
HTTP_URL = re.compile(r"https?://[^/\s?#]+")

logger = logging.getLogger(__name__)


class PayloadKeys:
    """Button payloads too long for callback_data, kept in this process under a short key (bounded, LRU).

    A key is a hash of its payload, so the same button always gets the same key. A key this process does not
    know (after a restart, or on another worker) is resolved by the caller to the pressed button's title.
    """

    PREFIX = "#p:"

    def __init__(self, capacity: int = 10_000) -> None:
        self.capacity = capacity
        self._payloads: OrderedDict[str, str] = OrderedDict()

    def key(self, payload: str) -> str:
        """The callback_data of a button with this payload."""
        if len(payload.encode()) <= CALLBACK_DATA_LIMIT and payload and not payload.startswith(self.PREFIX):
            return payload
        key = self.PREFIX + hashlib.sha256(payload.encode()).hexdigest()[:32]
        self._payloads[key] = payload
        self._payloads.move_to_end(key)
        while len(self._payloads) > self.capacity:
            self._payloads.popitem(last=False)
        return key

    def payload(self, data: str) -> Optional[str]:
        """The payload behind callback_data, or None for a key this process no longer knows."""
        if not data.startswith(self.PREFIX):
            return data
        return self._payloads.get(data)


PAYLOAD_KEYS = PayloadKeys()


def user_text(text: str) -> str:
    """What a typed text is for Rasa: "/start" greets, and no other typed text can be an intent payload
    (Rasa takes any text starting with "/" as one), so leading slashes are dropped ("/help@CityBot" -> "help")."""
    stripped = text.strip()
    command = COMMAND.match(stripped)
    if command:
        if command.group("name").lower() == "start":
            return GREET_PAYLOAD
        stripped = command.group("name") + stripped[command.end() :]
    return LEADING_SLASHES.sub("", stripped).strip()


class Incoming(NamedTuple):
    """A Telegram update as Rasa should see it."""

    chat_id: str
    private: bool
    text: str
    callback_query_id: Optional[str] = None


def _pressed_button(message: Dict[str, Any], data: str) -> Optional[Dict[str, Any]]:
    """The inline button with this callback_data on the message Telegram says was pressed (None: forged data)."""
    markup = message.get("reply_markup")
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    for row in rows if isinstance(rows, list) else []:
        for button in row if isinstance(row, list) else []:
            if isinstance(button, dict) and button.get("callback_data") == data:
                return button
    return None


def _callback_text(message: Dict[str, Any], data: object, keys: PayloadKeys) -> str:
    """The payload of the pressed button; its title as typed text when the payload is forgotten."""
    button = _pressed_button(message, data) if isinstance(data, str) else None
    if button is None:
        return ""
    payload = keys.payload(str(data))
    return user_text(str(button.get("text") or "")) if payload is None else payload


def _message_text(message: Dict[str, Any]) -> str:
    if isinstance(message.get("text"), str):
        return user_text(message["text"])
    location = message.get("location")
    coordinates = (
        [location.get(key) for key in ("latitude", "longitude")] if isinstance(location, dict) else []
    )
    if coordinates and all(type(value) in (int, float) for value in coordinates):  # not a bool, not a string
        return json.dumps({"lng": location["longitude"], "lat": location["latitude"]})
    return ""


def read_update(update: Dict[str, Any], keys: PayloadKeys = PAYLOAD_KEYS) -> Optional[Incoming]:
    """The chat and text of an update; None for updates without a chat (and kinds this channel ignores)."""
    callback = update.get("callback_query")
    if isinstance(callback, dict):
        message = callback.get("message") if isinstance(callback.get("message"), dict) else {}
        text = _callback_text(message, callback.get("data"), keys)
        query_id: Optional[str] = str(callback["id"]) if callback.get("id") else None
    else:
        message = update.get("message") or update.get("edited_message")
        if not isinstance(message, dict):
            return None
        text, query_id = _message_text(message), None
    chat = message.get("chat")
    if not isinstance(chat, dict) or type(chat.get("id")) is not int:  # a bool is no chat id
        return None
    return Incoming(str(chat["id"]), chat.get("type") == "private", text, query_id)


class TelegramOutput(RasaTelegramOutput):
    """Sends to the chat of a `telegram:<chat id>` conversation through the configured Bot API server."""

    def __init__(
        self, access_token: str, api_url: str = DEFAULT_API_URL, payload_keys: PayloadKeys = PAYLOAD_KEYS
    ) -> None:
        Bot.__init__(self, access_token, server=TelegramAPIServer.from_base(api_url), timeout=REQUEST_TIMEOUT)
        self.payload_keys = payload_keys
        self.token = access_token

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await super().send_text_message(external_id(recipient_id), text, **kwargs)

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        await super().send_image_url(external_id(recipient_id), image, **kwargs)

    async def send_custom_json(
        self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any
    ) -> None:
        message = dict(json_message)
        message["chat_id"] = external_id(str(message.get("chat_id", recipient_id)))
        await super().send_custom_json(message["chat_id"], message, **kwargs)

    def _inline_button(self, button: Dict[Text, Any]) -> InlineKeyboardButton:
        title = str(button.get("title") or "")
        payload = str(button.get("payload") or title)
        return InlineKeyboardButton(title, callback_data=self.payload_keys.key(payload))

    async def send_text_with_buttons(
        self,
        recipient_id: Text,
        text: Text,
        buttons: List[Dict[Text, Any]],
        button_type: Optional[Text] = "inline",
        **kwargs: Any,
    ) -> None:
        """Buttons as an inline keyboard in one row ("inline", the default) or one per row ("vertical"), or
        as a one-time reply keyboard ("reply": a press sends the title as typed text, not the payload)."""
        markup: Any
        if button_type == "reply":
            markup = ReplyKeyboardMarkup(resize_keyboard=True, one_time_keyboard=True)
            for button in buttons:
                markup.row(KeyboardButton(str(button.get("title") or "")))
        else:  # "inline", "vertical" and anything unknown
            markup = InlineKeyboardMarkup()
            keyboard = [self._inline_button(button) for button in buttons]
            for row in [[key] for key in keyboard] if button_type == "vertical" else [keyboard]:
                markup.row(*row)
        await self.send_message(external_id(recipient_id), text, reply_markup=markup)

    async def answer_quietly(self, callback_query_id: str) -> None:
        """Stops the pressed button's spinner; a failure only costs the spinner."""
        try:
            await self.answer_callback_query(callback_query_id)
        except Exception as error:
            logger.debug("answerCallbackQuery failed: %s", error)

    async def close_session(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


class TelegramInput(RasaTelegramInput):
    """POST /webhooks/telegram/webhook: updates Telegram sends with the webhook's secret."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> TelegramInput:
        credentials = credentials or {}
        for key in sorted(SECRET_KEYS & set(credentials)):
            logger.warning("credentials.yml: Telegram's %r is ignored, secrets come from %s", key, TOKEN_ENV)
        private_only = str(credentials.get("private_chats_only", True)).lower() not in ("false", "no", "0")
        return cls(
            required_secret(TOKEN_ENV),
            required_secret(SECRET_ENV),
            webhook_url=required_secret(WEBHOOK_URL_ENV),
            api_url=required_secret(API_URL_ENV) or DEFAULT_API_URL,
            development_mode=settings().development_mode,
            private_chats_only=private_only,
        )

    def __init__(
        self,
        token: Optional[str],
        secret_token: Optional[str],
        webhook_url: Optional[str] = None,
        api_url: str = DEFAULT_API_URL,
        development_mode: bool = False,
        private_chats_only: bool = True,
    ) -> None:
        super().__init__(token, None, webhook_url, debug_mode=False)
        self.secret_token = secret_token
        self.api_url = api_url
        self.development_mode = development_mode
        self.private_chats_only = private_chats_only
        self.problem = self._configuration_problem()
        self.webhook_task: Optional[asyncio.Task] = None
        self._output: Optional[TelegramOutput] = None
        self._recent_updates: OrderedDict[int, None] = OrderedDict()

    def _configuration_problem(self) -> Optional[str]:
        """Why the channel is disabled (503), or None."""
        if not self.access_token:
            return f"the Telegram channel is disabled: set {TOKEN_ENV} (and {SECRET_ENV}) to enable it"
        try:
            check_token(self.access_token)
        except Exception:
            return f"{TOKEN_ENV} is not a bot token (digits:secret); the Telegram channel is disabled"
        if not HTTP_URL.match(self.api_url):
            return f"{API_URL_ENV} is not an http(s) URL; the Telegram channel is disabled"
        return None

    @property
    def locked(self) -> bool:
        """A token without a webhook secret outside development mode: every request is refused."""
        return self.problem is None and self.secret_token is None and not self.development_mode

    def log_state(self) -> None:
        """One line saying what the channel does (or why it does not)."""
        if self.problem:
            level = logging.INFO if not self.access_token else logging.ERROR
            logger.log(level, "%s; its webhook answers 503 until then.", self.problem)
        elif self.locked:
            logger.error("%s is not set: the Telegram webhook refuses every request (403).", SECRET_ENV)
        elif self.secret_token is None:
            logger.warning("%s is not set: development mode accepts unverified Telegram updates.", SECRET_ENV)
        elif not SECRET_FORMAT.fullmatch(self.secret_token):
            logger.warning("%s must be 1-256 of A-Z a-z 0-9 _ -, or Telegram refuses it.", SECRET_ENV)
        else:
            logger.info("Telegram channel enabled (Bot API %s).", self.api_url)

    def get_output_channel(self) -> Optional[TelegramOutput]:  # type: ignore[override]
        """The one output channel of this input (None while disabled: Rasa then collects the messages)."""
        if self.problem or not self.access_token:
            return None
        if self._output is None:
            self._output = TelegramOutput(self.access_token, self.api_url)
        return self._output

    def authorized(self, request: Request) -> bool:
        if self.secret_token is None:
            return self.problem is None and self.development_mode
        sent = request.headers.get(SECRET_HEADER, "")
        return secret_matches(sent, self.secret_token)

    async def register_webhook(self) -> bool:
        """setWebhook with TELEGRAM_WEBHOOK_URL and the secret; one warning and False when it fails."""
        output = self.get_output_channel()
        if output is None or self.locked or not self.webhook_url:
            return False
        params = {"url": self.webhook_url, "allowed_updates": json.dumps(list(ALLOWED_UPDATES))}
        if self.secret_token:
            params["secret_token"] = self.secret_token
        try:
            await asyncio.wait_for(output.request("setWebhook", params), timeout=REQUEST_TIMEOUT)
        except Exception as error:
            # The error may name the URL, and the URL holds the token.
            reason = f"{type(error).__name__}: {error}".replace(output.token, "<TELEGRAM_TOKEN>")
            message = "Could not register the Telegram webhook %s (%s); the server runs on without it."
            logger.warning(message, self.webhook_url, reason)
            return False
        logger.info("Telegram webhook registered: %s", self.webhook_url)
        return True

    def _first_time(self, update_id: object) -> bool:
        """False for an update Telegram delivers again (the id was seen among the last 1000)."""
        if not isinstance(update_id, int):
            return True
        if update_id in self._recent_updates:
            return False
        self._recent_updates[update_id] = None
        if len(self._recent_updates) > 1000:
            self._recent_updates.popitem(last=False)
        return True

    async def handle(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        if self.problem:
            return response.json({"error": self.problem}, status=503)
        if not self.authorized(request):
            logger.debug("Telegram webhook request refused: no valid %s header", SECRET_HEADER)
            return response.json({"error": "forbidden"}, status=403)
        try:
            update = json.loads(request.body or b"")
        except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested too deep to parse
            update = None
        if not isinstance(update, dict):
            return response.json({"error": "expected a Telegram update (JSON object)"}, status=400)
        incoming = read_update(update) if self._first_time(update.get("update_id")) else None
        output = self.get_output_channel()
        if incoming is None or output is None:
            return response.json({"status": "ignored"})
        if incoming.callback_query_id:
            await output.answer_quietly(incoming.callback_query_id)
        if not incoming.text or (self.private_chats_only and not incoming.private):
            return response.json({"status": "ignored"})
        conversation, checked = conversation_id(CHANNEL, incoming.chat_id), check(incoming.text)
        message = UserMessage(
            checked.text, output, conversation, input_channel=CHANNEL, metadata=self.get_metadata(request)
        )
        try:
            if checked.refusal is not None:
                await output.send_text_message(conversation, checked.refusal)
                return response.json({"status": "refused"})
            await on_new_message(message)
        except Exception:
            # Telegram would deliver the update again and again: log it and answer 200.
            logger.exception("Telegram update %s failed", update.get("update_id"))
        return response.json({"status": "ok"})

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint("telegram_webhook", __name__)
        self.log_state()

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.problem is None else "disabled"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await self.handle(request, answered(on_new_message))

        @hook.listener("after_server_start")
        async def start(_app: Any, loop: asyncio.AbstractEventLoop) -> None:
            if self.webhook_url and self.get_output_channel() is not None and not self.locked:
                self.webhook_task = loop.create_task(self.register_webhook())

        @hook.listener("before_server_stop")
        async def stop(_app: Any, _loop: asyncio.AbstractEventLoop) -> None:
            if self.webhook_task is not None and not self.webhook_task.done():
                self.webhook_task.cancel()
            if self._output is not None:
                await self._output.close_session()

        return hook
