"""The Alice channel through a real Sanic app: protocol-shaped requests, a fake bot standing in for Rasa."""

from __future__ import annotations

import asyncio
import time
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Awaitable, Callable, Dict, List, Optional, Tuple

import aiohttp
import pytest
import yaml
from rasa.core.channels.channel import UserMessage

from connectors.alice import AliceInput, render
from connectors.alice_linking import account_linked, issue_token
from engine.channels import sign
from engine.settings import PROJECT_ROOT, settings
from engine.testing import channel_app, serving

SKILL_ID = "3ad36498-f5rd-4079-a14b-788652932056"
APPLICATION_ID = "47C73714B580ED2469056E71081159529FFC676A4E5B059D629A819E857DC2F8"
USER_ID = "6C91DA5198D1758C6A9F63A7C5CDDF09359F683B13A18A151FBF4C8B092BB0C2"
WAIT = "Секунду, уточняю… Скажите «ну что?» — и я отвечу."

Post = Callable[..., Awaitable[Tuple[int, Dict[str, Any]]]]


class FakeBot:
    """Stands in for Rasa's `on_new_message`: answers each text from a script; a text in `held` is answered only
    once `release()` is called (a slow action)."""

    def __init__(self, answers: Dict[str, List[Dict[str, Any]]], held: Tuple[str, ...] = ()):
        self.answers = answers
        self.held = held
        self.gate: Optional[asyncio.Event] = None
        self.received: List[UserMessage] = []

    def release(self) -> None:
        assert self.gate is not None
        self.gate.set()

    async def __call__(self, message: UserMessage) -> None:
        self.received.append(message)
        if message.text in self.held:
            self.gate = self.gate or asyncio.Event()
            await self.gate.wait()
        for answer in self.answers.get(message.text, [{"text": f"Ответ на «{message.text}»."}]):
            if answer.get("buttons"):
                await message.output_channel.send_text_with_buttons(
                    message.sender_id, answer["text"], answer["buttons"]
                )
            else:
                await message.output_channel.send_text_message(message.sender_id, answer["text"])


def alice_request(
    command: str = "",
    *,
    new: bool = False,
    skill_id: str = SKILL_ID,
    user_id: Optional[str] = None,
    kind: str = "SimpleUtterance",
    payload: Optional[Dict[str, Any]] = None,
    original: Optional[str] = None,
    screen: bool = True,
) -> Dict[str, Any]:
    session: Dict[str, Any] = {
        "message_id": 1,
        "session_id": "2eac4854-fce721f3-b845abba-20d60",
        "skill_id": skill_id,
        "application": {"application_id": APPLICATION_ID},
        "new": new,
    }
    if user_id:
        session["user"] = {"user_id": user_id}
    request: Dict[str, Any] = {
        "command": command,
        "original_utterance": command if original is None else original,
        "type": kind,
    }
    if payload is not None:
        request["payload"] = payload
    interfaces = {"screen": {}} if screen else {}
    return {
        "meta": {"locale": "ru-RU", "timezone": "Europe/Moscow", "interfaces": interfaces},
        "request": request,
        "session": session,
        "version": "1.0",
    }


@asynccontextmanager
async def served(channel: AliceInput, bot: FakeBot) -> AsyncIterator[Post]:
    """The channel mounted as Rasa mounts it, with the fake bot for Rasa, on a free loopback port, and a function
    that posts to the webhook."""
    async with serving(channel_app(channel, bot)) as base, aiohttp.ClientSession() as client:
        url = f"{base}/webhooks/alice/webhook"

        async def post(body: Dict[str, Any], headers: Optional[Dict[str, str]] = None):
            async with client.post(url, json=body, headers=headers) as reply:
                return reply.status, await reply.json()

        yield post


def run(scenario: Callable[[], Awaitable[Any]]) -> Any:
    return asyncio.run(asyncio.wait_for(scenario(), timeout=30))


@pytest.fixture
def production(monkeypatch):
    """Outside development mode, with the skill id configured."""
    monkeypatch.setenv("ASSISTANT_DEV_MODE", "0")
    monkeypatch.setenv("ALICE_SKILL_ID", SKILL_ID)
    monkeypatch.delenv("ALICE_ANSWER_BUDGET_SECONDS", raising=False)
    settings.cache_clear()


def test_a_new_session_greets(production):
    bot = FakeBot({"/greet": [{"text": "Здравствуйте! Я Городской помощник."}]})

    async def scenario():
        async with served(AliceInput(), bot) as post:
            return await post(alice_request(new=True))

    status, body = run(scenario)
    assert status == 200
    assert body["version"] == "1.0"
    assert body["response"]["text"] == "Здравствуйте! Я Городской помощник."
    assert body["response"]["end_session"] is False
    message = bot.received[0]
    assert message.text == "/greet"
    assert message.sender_id == f"alice:{APPLICATION_ID}"
    assert message.input_channel == "alice"
    assert message.metadata["timezone"] == "Europe/Moscow"


def test_an_utterance_of_a_logged_in_user_is_theirs(production):
    bot = FakeBot({"Какой у меня долг?": [{"text": "К оплате 1 500,50 ₽."}]})

    async def scenario():
        async with served(AliceInput(), bot) as post:
            return await post(
                alice_request("какой у меня долг", original="Какой у меня долг?", user_id=USER_ID)
            )

    status, body = run(scenario)
    assert status == 200
    assert body["response"]["text"] == "К оплате 1 500,50 ₽."
    assert body["response"]["tts"] == "К оплате тысяча пятьсот рублей пятьдесят копеек."
    assert bot.received[0].text == "Какой у меня долг?"
    assert bot.received[0].sender_id == f"alice:{USER_ID}"


def test_a_new_session_with_a_request_sends_the_command_without_the_activation_words(production):
    bot = FakeBot({})

    async def scenario():
        async with served(AliceInput(), bot) as post:
            request = alice_request(
                "мой профиль", new=True, original="попроси городского помощника мой профиль"
            )
            return await post(request)

    run(scenario)
    assert bot.received[0].text == "мой профиль"


def test_buttons_carry_the_rasa_payload_and_a_press_sends_it(production):
    long_title = "Записаться на приём к участковому терапевту в поликлинику по месту жительства завтра"
    bot = FakeBot(
        {
            "позови оператора": [
                {
                    "text": "Позвать оператора?",
                    "buttons": [
                        {"title": "Да", "payload": "/affirm"},
                        {"title": long_title, "payload": "/book"},
                    ],
                }
            ],
            "/affirm": [{"text": "Передал ваш вопрос оператору."}],
        }
    )

    async def scenario():
        async with served(AliceInput(), bot) as post:
            first = await post(alice_request("позови оператора", screen=False))
            pressed = await post(alice_request("да", kind="ButtonPressed", payload={"rasa": "/affirm"}))
            return first, pressed

    (_, first), (_, pressed) = run(scenario)
    buttons = first["response"]["buttons"]
    assert buttons[0] == {"title": "Да", "hide": True, "payload": {"rasa": "/affirm"}}
    assert len(buttons[1]["title"]) <= 64 and buttons[1]["title"].endswith("…")
    assert buttons[1]["title"].startswith("Записаться на приём к участковому терапевту")
    assert first["response"]["tts"].startswith("Позвать оператора? Скажите: «Да» или «Записаться")
    assert pressed["response"]["text"] == "Передал ваш вопрос оператору."
    assert [message.text for message in bot.received] == ["позови оператора", "/affirm"]


def test_choices_are_not_said_on_a_device_with_a_screen():
    response, rest = render(
        [{"text": "Позвать оператора?", "buttons": [{"title": "Да"}]}], busy=False, screen=True
    )
    assert rest is None
    assert response["tts"] == "Позвать оператора?"
    assert response["buttons"] == [{"title": "Да", "hide": True}]


def test_another_skills_request_is_refused(production):
    bot = FakeBot({})

    async def scenario():
        async with served(AliceInput(), bot) as post:
            return await post(alice_request("привет", skill_id="someone-else"))

    status, body = run(scenario)
    assert status == 403
    assert body == {"error": "unknown skill"}
    assert bot.received == []


def test_without_a_skill_id_every_request_is_refused_outside_development_mode(monkeypatch, caplog):
    monkeypatch.setenv("ASSISTANT_DEV_MODE", "0")
    monkeypatch.delenv("ALICE_SKILL_ID", raising=False)
    settings.cache_clear()
    bot = FakeBot({})

    async def scenario():
        async with served(AliceInput(), bot) as post:
            return await post(alice_request("привет"))

    status, body = run(scenario)
    assert status == 403
    assert "ALICE_SKILL_ID" in body["error"]
    assert bot.received == []
    assert "ALICE_SKILL_ID is not set" in caplog.text


def test_without_a_skill_id_development_mode_accepts_requests(monkeypatch):
    monkeypatch.setenv("ASSISTANT_DEV_MODE", "1")
    monkeypatch.delenv("ALICE_SKILL_ID", raising=False)
    settings.cache_clear()
    bot = FakeBot({})

    async def scenario():
        async with served(AliceInput(), bot) as post:
            return await post(alice_request("привет", skill_id="any"))

    status, _ = run(scenario)
    assert status == 200
    assert bot.received[0].text == "привет"


def test_a_request_without_a_resident_is_rejected(production):
    body = alice_request("привет")
    del body["session"]["application"]

    async def scenario():
        async with served(AliceInput(), FakeBot({})) as post:
            return await post(body)

    status, _ = run(scenario)
    assert status == 400


LINK_KEY = b"alice-linking-test-key"


@pytest.fixture
def signing_key(production, monkeypatch):
    monkeypatch.setenv("ASSISTANT_SECRET_KEY", LINK_KEY.decode())
    return LINK_KEY


def linked_flags(
    requests: List[Tuple[Dict[str, Any], Optional[Dict[str, str]]]],
) -> Tuple[List[Any], FakeBot]:
    """Posts each (body, headers); the `account_linked` the bot saw for each, and the bot."""
    bot = FakeBot({})

    async def scenario():
        async with served(AliceInput(), bot) as post:
            for body, headers in requests:
                status, _ = await post(body, headers=headers)
                assert status == 200

    run(scenario)
    return [message.metadata["alice"]["account_linked"] for message in bot.received], bot


def bearer(token: str) -> Dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_token_the_project_signed_for_the_user_is_linked_and_never_reaches_the_bot(signing_key):
    token = issue_token(USER_ID)
    in_body = alice_request("привет", user_id=USER_ID)
    in_body["session"]["user"]["access_token"] = token
    flags, bot = linked_flags([(alice_request("привет", user_id=USER_ID), bearer(token)), (in_body, None)])
    assert flags == [True, True]
    assert all(token not in str(message.metadata) for message in bot.received)


def test_a_forged_token_is_not_linked_and_the_request_is_answered(signing_key):
    def logged_in(body_token: Any = None) -> Dict[str, Any]:
        body = alice_request("привет", user_id=USER_ID)
        if body_token is not None:
            body["session"]["user"]["access_token"] = body_token
        return body

    signed_value, _, _ = issue_token(USER_ID).rpartition(".")
    forged = [
        (logged_in(), bearer("secret")),  # any bearer token at all: what used to count as linked
        (logged_in(), bearer(issue_token(USER_ID, key=b"another key"))),  # signed with another key
        (logged_in(), bearer(issue_token("someone-else"))),  # the project's token, for another user
        (logged_in(), bearer(sign("3f2a" * 8))),  # a web chat session token: signed, but not for linking
        (logged_in(), bearer(signed_value + ".AAAA")),  # the right value, a made-up signature
        (logged_in(), {"Authorization": issue_token(USER_ID)}),  # not a bearer token
        (logged_in(), bearer("x" * 600 + "." + "y")),
        (logged_in({"token": issue_token(USER_ID)}), None),  # not a string
        (logged_in("secret"), None),
        (alice_request("привет"), bearer(issue_token(USER_ID))),  # no Yandex user: nobody to link
    ]
    flags, bot = linked_flags(forged)
    assert flags == [False] * len(forged)
    assert [message.sender_id for message in bot.received[:-1]] == [f"alice:{USER_ID}"] * (len(forged) - 1)


def test_without_a_signing_key_no_token_counts_and_nothing_raises(production, monkeypatch):
    token = issue_token(USER_ID, key=LINK_KEY)
    monkeypatch.delenv(
        "ASSISTANT_SECRET_KEY", raising=False
    )  # outside development mode: no key to check with
    flags, _ = linked_flags([(alice_request("привет", user_id=USER_ID), bearer(token))])
    assert flags == [False]
    assert account_linked(f"Bearer {token}", alice_request("привет", user_id=USER_ID)) is False
    assert account_linked(f"Bearer {token}", alice_request("привет", user_id=USER_ID), key=LINK_KEY) is True
    assert account_linked(None, {"session": "not an object"}, key=LINK_KEY) is False


def test_a_slow_answer_comes_on_the_next_request_and_nothing_is_lost(production):
    bot = FakeBot(
        {"какие у меня платежи": [{"text": "Долг за март: 1 500 ₽."}, {"text": "Оплатить сейчас?"}]},
        held=("какие у меня платежи",),
    )

    async def scenario():
        async with served(AliceInput(answer_budget_seconds=0.2), bot) as post:
            started = time.monotonic()
            _, first = await post(alice_request("какие у меня платежи"))
            elapsed = time.monotonic() - started
            _, early = await post(alice_request("Ну что?"))  # the bot is still working
            bot.release()
            _, late = await post(alice_request(""))  # an empty request fetches too
            _, after = await post(alice_request("ну что"))  # nothing pending: an ordinary message
            return first, elapsed, early, late, after

    first, elapsed, early, late, after = run(scenario)
    assert first["response"]["text"] == WAIT
    assert 0.2 <= elapsed < 2
    assert early["response"]["text"] == WAIT
    assert late["response"]["text"] == "Долг за март: 1 500 ₽.\nОплатить сейчас?"
    assert late["response"]["tts"] == "Долг за март: тысяча пятьсот рублей. Оплатить сейчас?"
    assert after["response"]["text"] == "Ответ на «ну что»."
    assert [message.text for message in bot.received] == ["какие у меня платежи", "ну что"]


def test_a_new_utterance_after_a_slow_one_gets_both_answers_in_order(production):
    bot = FakeBot(
        {"медленный вопрос": [{"text": "Медленный ответ."}], "быстрый вопрос": [{"text": "Быстрый ответ."}]},
        held=("медленный вопрос",),
    )

    async def scenario():
        async with served(AliceInput(answer_budget_seconds=0.3), bot) as post:
            _, first = await post(alice_request("медленный вопрос"))
            _, second = await post(alice_request("быстрый вопрос"))  # queued behind the slow one
            bot.release()
            _, third = await post(alice_request("дальше"))
            return first, second, third

    first, second, third = run(scenario)
    assert first["response"]["text"] == WAIT
    assert second["response"]["text"] == WAIT
    assert third["response"]["text"] == "Медленный ответ.\nБыстрый ответ."
    assert [message.text for message in bot.received] == ["медленный вопрос", "быстрый вопрос"]


def test_the_partial_output_of_a_slow_turn_comes_at_once(production):
    async def bot(message: UserMessage) -> None:
        await message.output_channel.send_text_message(message.sender_id, "Ищу ваши квитанции.")
        await asyncio.Event().wait()  # never finishes within the test

    async def scenario():
        channel = AliceInput(answer_budget_seconds=0.2)
        async with served(channel, bot) as post:  # type: ignore[arg-type]
            _, body = await post(alice_request("квитанции"))
            for pending in channel.pending.values():
                pending.task.cancel()
            return body

    assert run(scenario)["response"]["text"] == f"Ищу ваши квитанции.\n{WAIT}"


def test_a_long_answer_is_cut_and_the_rest_follows_on_continue(production):
    sentences = [f"Пункт {number}: справка о том, как получить услугу в городе." for number in range(1, 41)]
    long_text = " ".join(sentences)
    assert len(long_text) > 2048
    bot = FakeBot(
        {"расскажи всё": [{"text": long_text, "buttons": [{"title": "Спасибо", "payload": "/thank"}]}]}
    )

    async def scenario():
        async with served(AliceInput(), bot) as post:
            parts = [await post(alice_request("расскажи всё"))]
            parts.append(
                await post(alice_request("продолжить", kind="ButtonPressed", payload={"alice": "more"}))
            )
            parts.append(await post(alice_request("да")))
            return [body["response"] for _, body in parts]

    parts = run(scenario)
    for part in parts:
        assert len(part["text"]) <= 1024 and len(part["tts"]) <= 1024
    assert parts[0]["text"].endswith("\nПродолжить?")
    assert parts[0]["buttons"] == [{"title": "Продолжить", "payload": {"alice": "more"}, "hide": True}]
    assert parts[1]["text"].endswith("\nПродолжить?")
    said = " ".join(part["text"].removesuffix("\nПродолжить?") for part in parts)
    assert said == long_text
    assert parts[0]["text"].split("\n")[0].endswith("в городе.")
    assert parts[2]["buttons"] == [{"title": "Спасибо", "hide": True, "payload": {"rasa": "/thank"}}]
    assert [message.text for message in bot.received] == ["расскажи всё"]


def test_saying_something_else_after_a_cut_answer_moves_on(production):
    long_text = " ".join(f"Пункт {number}: справка об услуге." for number in range(1, 60))
    bot = FakeBot({"расскажи всё": [{"text": long_text}], "мой профиль": [{"text": "Ваш профиль."}]})

    async def scenario():
        async with served(AliceInput(), bot) as post:
            await post(alice_request("расскажи всё"))
            _, body = await post(alice_request("мой профиль"))
            return body

    assert run(scenario)["response"]["text"] == "Ваш профиль."


def test_an_empty_request_with_nothing_pending_is_answered():
    response, rest = render([], busy=False, screen=True)
    assert rest is None
    assert response["text"] == "Слушаю вас. Скажите, что нужно сделать."


def test_the_budget_comes_from_credentials_and_the_environment(monkeypatch):
    monkeypatch.delenv("ALICE_ANSWER_BUDGET_SECONDS", raising=False)
    assert AliceInput.from_credentials(None).answer_budget_seconds == 3.0
    assert AliceInput.from_credentials({"answer_budget_seconds": 2.5}).answer_budget_seconds == 2.5
    monkeypatch.setenv("ALICE_ANSWER_BUDGET_SECONDS", "1.5")
    assert AliceInput.from_credentials({"answer_budget_seconds": 2.5}).answer_budget_seconds == 1.5
    assert AliceInput.name() == "alice"


def test_credentials_yml_lists_the_channel_as_rasa_loads_it(monkeypatch):
    from rasa.core.run import _create_single_channel

    monkeypatch.delenv("ALICE_ANSWER_BUDGET_SECONDS", raising=False)
    credentials = yaml.safe_load((PROJECT_ROOT / "credentials.yml").read_text(encoding="utf-8"))
    assert "connectors.voice.VoiceInput" not in credentials
    options = credentials["connectors.alice.AliceInput"]
    assert options["answer_budget_seconds"] == 3.0
    channel = _create_single_channel("connectors.alice.AliceInput", options)
    assert isinstance(channel, AliceInput)
    assert channel.answer_budget_seconds == 3.0
