"""The hardened Telegram channel against a stand-in Bot API server on loopback (no network)."""

from __future__ import annotations

import asyncio
import json
import logging
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator, Dict, List, Optional, Tuple

import aiohttp
import pytest
import yaml
from rasa.core.channels.channel import UserMessage

from connectors.telegram import (
    SECRET_HEADER,
    PayloadKeys,
    TelegramInput,
    read_update,
    user_text,
)
from engine.settings import PROJECT_ROOT, settings
from engine.testing import channel_app, free_port, serving
from engine.testing_telegram import StandInBotApi

TOKEN = "123456:TEST-token_for-the-stand-in"
SECRET = "webhook-secret_42"
CHAT = 4242
BUTTONS = [{"title": "Да", "payload": "/affirm"}, {"title": "Нет", "payload": "/deny"}]
LONG_PAYLOAD = '/choose_service{"service": "вывоз крупногабаритного мусора", "district": "Центральный"}'


class FakeRasa:
    """Stands in for Rasa's agent: records the message and answers, through its output channel, with buttons."""

    def __init__(self) -> None:
        self.messages: List[UserMessage] = []

    async def __call__(self, message: UserMessage) -> None:
        self.messages.append(message)
        answer = {"text": "Выберите ответ:", "buttons": [dict(button) for button in BUTTONS]}
        await message.output_channel.send_response(message.sender_id, answer)

    @property
    def texts(self) -> List[str]:
        return [message.text for message in self.messages]


def channel_log(caplog: pytest.LogCaptureFixture) -> List[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "connectors.telegram"]


@asynccontextmanager
async def webhook(channel: TelegramInput, rasa: FakeRasa) -> AsyncIterator[str]:
    """The channel served as Rasa mounts it, on a free loopback port; yields its webhook URL."""
    async with serving(channel_app(channel, rasa)) as url:
        yield f"{url}/webhooks/telegram/webhook"


def enabled(api: StandInBotApi, **options: Any) -> TelegramInput:
    return TelegramInput(TOKEN, SECRET, api_url=api.url, **options)


def message_update(
    text: str, chat: int = CHAT, chat_type: str = "private", update_id: int = 1
) -> Dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": 10,
            "date": 1700000000,
            "from": {"id": chat, "is_bot": False, "first_name": "Анна"},
            "chat": {"id": chat, "type": chat_type},
            "text": text,
        },
    }


def callback_update(data: str, keyboard: List[List[Dict[str, str]]], update_id: int = 2) -> Dict[str, Any]:
    return {
        "update_id": update_id,
        "callback_query": {
            "id": "cb-77",
            "from": {"id": CHAT, "is_bot": False, "first_name": "Анна"},
            "chat_instance": "1",
            "data": data,
            "message": {
                "message_id": 11,
                "date": 1700000000,
                "chat": {"id": CHAT, "type": "private"},
                "text": "Выберите ответ:",
                "reply_markup": {"inline_keyboard": keyboard},
            },
        },
    }


async def post(url: str, update: Dict[str, Any], secret: Optional[str] = SECRET) -> Tuple[int, Any]:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    async with aiohttp.ClientSession() as session, session.post(url, json=update, headers=headers) as answer:
        return answer.status, await answer.json()


async def conversation(updates: List[Dict[str, Any]]) -> Tuple[StandInBotApi, FakeRasa, List[int]]:
    """Posts the updates (with the secret) to a served channel; returns the stand-in, the fake Rasa and statuses."""
    rasa = FakeRasa()
    async with StandInBotApi() as api, webhook(enabled(api), rasa) as url:
        statuses = [(await post(url, update))[0] for update in updates]
    return api, rasa, statuses


def test_a_verified_update_is_answered_in_its_chat_with_an_inline_keyboard():
    api, rasa, statuses = asyncio.run(conversation([message_update("Привет")]))
    assert statuses == [200]
    [message] = rasa.messages
    assert message.text == "Привет" and message.input_channel == "telegram"
    assert message.sender_id == f"telegram:{CHAT}"
    [sent] = api.sent("sendMessage")
    assert (sent["chat_id"], sent["text"]) == (str(CHAT), "Выберите ответ:")
    keyboard = [[{"text": "Да", "callback_data": "/affirm"}, {"text": "Нет", "callback_data": "/deny"}]]
    assert json.loads(sent["reply_markup"]) == {"inline_keyboard": keyboard}
    assert {token for token, _, _ in api.calls} == {TOKEN}


@pytest.mark.parametrize("secret", [None, "", "wrong-secret", SECRET + "x", "секрет"])
def test_requests_without_the_right_secret_are_refused(secret):
    async def scenario() -> Tuple[StandInBotApi, FakeRasa, int, Any]:
        rasa = FakeRasa()
        async with StandInBotApi() as api, webhook(enabled(api), rasa) as url:
            status, body = await post(url, message_update("Привет"), secret=secret)
        return api, rasa, status, body

    api, rasa, status, body = asyncio.run(scenario())
    assert (status, body) == (403, {"error": "forbidden"})
    assert rasa.messages == [] and api.calls == []


@pytest.mark.parametrize("typed", ["/start", "/start from_site_banner", "/start@CityHelperBot", " /START "])
def test_start_greets(typed):
    _, rasa, _ = asyncio.run(conversation([message_update(typed)]))
    assert rasa.texts == ["/greet"]


def test_typed_slash_commands_are_never_intent_payloads():
    updates = [
        message_update(text, update_id=n) for n, text in enumerate(["/affirm", ' //deny{"a": 1}', "/"])
    ]
    _, rasa, statuses = asyncio.run(conversation(updates))
    assert statuses == [200, 200, 200]
    assert rasa.texts == ["affirm", 'deny{"a": 1}']
    assert user_text("/help@CityHelperBot где МФЦ?") == "help где МФЦ?"
    assert user_text(" \n/ /restart") == "restart"
    assert not any(text.strip().startswith("/") for text in rasa.texts)


def test_a_pressed_button_arrives_as_its_payload_and_stops_spinning():
    keyboard = [[{"text": "Да", "callback_data": "/affirm"}, {"text": "Нет", "callback_data": "/deny"}]]
    api, rasa, _ = asyncio.run(conversation([callback_update("/deny", keyboard)]))
    [message] = rasa.messages
    assert (message.text, message.sender_id) == ("/deny", f"telegram:{CHAT}")
    assert api.sent("answerCallbackQuery") == [{"callback_query_id": "cb-77"}]


def test_callback_data_of_no_button_on_the_message_is_not_a_payload():
    keyboard = [[{"text": "Да", "callback_data": "/affirm"}]]
    api, rasa, statuses = asyncio.run(conversation([callback_update("/pay_all_bills", keyboard)]))
    assert statuses == [200] and rasa.messages == []
    assert api.sent("answerCallbackQuery") == [{"callback_query_id": "cb-77"}]


def test_a_long_payload_makes_the_round_trip_under_a_short_key():
    async def scenario() -> Tuple[Dict[str, Any], FakeRasa]:
        rasa = FakeRasa()
        async with StandInBotApi() as api, webhook(enabled(api), rasa) as url:
            output = TelegramInput(TOKEN, SECRET, api_url=api.url).get_output_channel()
            buttons = [{"title": "Вывоз мусора", "payload": LONG_PAYLOAD}]
            await output.send_text_with_buttons(f"telegram:{CHAT}", "Что заказать?", buttons, "vertical")
            await output.close_session()
            keyboard = json.loads(api.sent("sendMessage")[0]["reply_markup"])["inline_keyboard"]
            await post(url, callback_update(keyboard[0][0]["callback_data"], keyboard))
        return keyboard[0][0], rasa

    button, rasa = asyncio.run(scenario())
    assert len(LONG_PAYLOAD.encode()) > 64 >= len(button["callback_data"].encode())
    assert button["text"] == "Вывоз мусора" and rasa.texts == [LONG_PAYLOAD]
    # A process that no longer knows the key (after a restart) takes the button's title as typed text.
    update = callback_update(button["callback_data"], [[button]])
    assert read_update(update, PayloadKeys()).text == "Вывоз мусора"


def test_notifications_reach_the_chat_of_a_conversation():
    async def scenario() -> StandInBotApi:
        async with StandInBotApi() as api:
            output = enabled(api).get_output_channel()
            assert output is not None and output.name() == "telegram"
            await output.send_text_message(f"telegram:{CHAT}", "Напоминание: приём в 10:00")
            await output.close_session()
        return api

    assert asyncio.run(scenario()).sent("sendMessage") == [
        {"chat_id": str(CHAT), "text": "Напоминание: приём в 10:00"}
    ]


def test_group_chats_and_repeated_updates_are_ignored():
    updates = [message_update("Привет", update_id=5), message_update("Привет", update_id=5)]
    updates.append(message_update("Всем привет", chat=-100500, chat_type="supergroup", update_id=6))
    api, rasa, statuses = asyncio.run(conversation(updates))
    assert statuses == [200, 200, 200]
    assert rasa.texts == ["Привет"] and len(api.sent("sendMessage")) == 1


def test_without_a_token_the_webhook_answers_503(caplog):
    channel = TelegramInput(None, None)
    with caplog.at_level(logging.INFO, logger="connectors.telegram"):
        status, body = asyncio.run(post_to(channel, message_update("Привет")))
    # Rasa then sends notifications to a CollectingOutputChannel instead.
    assert status == 503 and "TELEGRAM_TOKEN" in body["error"]
    assert channel.get_output_channel() is None
    [line] = channel_log(caplog)
    assert line.levelno == logging.INFO and "TELEGRAM_TOKEN" in line.getMessage()


async def post_to(channel: TelegramInput, update: Dict[str, Any]) -> Tuple[int, Any]:
    async with webhook(channel, FakeRasa()) as url:
        return await post(url, update)


def test_a_token_without_a_secret_refuses_everything_outside_development_mode(caplog):
    async def scenario(development_mode: bool) -> Tuple[int, int]:
        async with StandInBotApi() as api:
            channel = TelegramInput(TOKEN, None, api_url=api.url, development_mode=development_mode)
            async with webhook(channel, FakeRasa()) as url:
                return (await post(url, message_update("Привет"), secret=None))[0], len(api.calls)

    with caplog.at_level(logging.INFO, logger="connectors.telegram"):
        assert asyncio.run(scenario(False)) == (403, 0)
    [line] = channel_log(caplog)
    assert line.levelno == logging.ERROR and "TELEGRAM_SECRET_TOKEN" in line.getMessage()
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="connectors.telegram"):
        assert asyncio.run(scenario(True)) == (200, 1)
    assert [record.levelno for record in channel_log(caplog)] == [logging.WARNING]


@pytest.mark.parametrize("api_url", ["http://127.0.0.1:{closed}", "http://127.0.0.1:99999"])
def test_an_unreachable_bot_api_costs_one_warning(api_url, caplog):
    api_url = api_url.format(closed=free_port())
    channel = TelegramInput(TOKEN, SECRET, "https://bot.example.org/hook", api_url=api_url)
    with caplog.at_level(logging.WARNING, logger="connectors.telegram"):
        assert asyncio.run(register(channel)) is False
    [warning] = channel_log(caplog)
    assert warning.levelno == logging.WARNING and "webhook" in warning.getMessage()
    assert TOKEN not in warning.getMessage()


async def register(channel: TelegramInput) -> bool:
    try:
        return await channel.register_webhook()
    finally:
        output = channel.get_output_channel()
        if output is not None:
            await output.close_session()


def test_the_webhook_is_registered_with_its_secret_when_the_server_starts():
    async def scenario() -> StandInBotApi:
        async with StandInBotApi() as api:
            channel = TelegramInput(TOKEN, SECRET, "https://bot.example.org/hook", api_url=api.url)
            async with webhook(channel, FakeRasa()):
                assert channel.webhook_task is not None
                assert await channel.webhook_task is True
        return api

    [registered] = asyncio.run(scenario()).sent("setWebhook")
    assert registered["url"] == "https://bot.example.org/hook"
    assert registered["secret_token"] == SECRET
    assert json.loads(registered["allowed_updates"]) == ["message", "edited_message", "callback_query"]


def test_settings_come_from_the_environment(monkeypatch, caplog):
    for name, value in {
        "TELEGRAM_TOKEN": TOKEN,
        "TELEGRAM_SECRET_TOKEN": SECRET,
        "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/hook",
        "TELEGRAM_API_URL": "http://telegram-bot-api:8081",
        "ASSISTANT_DEV_MODE": "false",
    }.items():
        monkeypatch.setenv(name, value)
    settings.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="connectors.telegram"):
            channel = TelegramInput.from_credentials(
                {"access_token": "0:leaked", "private_chats_only": False}
            )
    finally:
        settings.cache_clear()
    assert (channel.access_token, channel.secret_token) == (TOKEN, SECRET)
    assert channel.webhook_url == "https://bot.example.org/hook"
    assert channel.api_url == "http://telegram-bot-api:8081" and not channel.development_mode
    assert not channel.private_chats_only and "access_token" in caplog.text
    output = channel.get_output_channel()
    assert output is not None and output.server.api_url(TOKEN, "getMe").startswith(
        "http://telegram-bot-api:8081/bot"
    )


def test_credentials_yml_lists_the_channel_without_secrets():
    credentials = yaml.safe_load(Path(PROJECT_ROOT / "credentials.yml").read_text(encoding="utf-8"))
    assert "connectors.telegram.TelegramInput" in credentials
    options = credentials["connectors.telegram.TelegramInput"] or {}
    assert not {"access_token", "verify", "token", "secret_token"} & set(options)
