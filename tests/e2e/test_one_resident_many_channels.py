"""One resident, three channels, through the real servers (`python -m engine run`): she starts in the web chat
(socket.io, as the page talks), links her phone (the one on the contract of her utilities account, so naming the
account links it) and enrols on a course; then writes to the bot in Telegram (updates posted to the webhook, the
bot's messages caught by a stand-in Bot API) and talks to it through Alice (protocol-shaped requests). Wherever she
links the same phone she has the same profile, the same account balance and the same enrolment, and her other
conversations are told that a channel joined. Her orders and votes are the same from every channel too: that is
tested at the store and action level (tests/store/test_one_resident_orders_and_votes.py), where it does not hang
on how the model reads an order or a vote.

Measured, not asserted (printed and written to results/e2e/channels.json): Alice's answer time per request
(p50/p95) and how long a notification takes from Alice's link confirmation to the Telegram chat.

The tests run in order and share one resident: a later one builds on what an earlier one did."""

from __future__ import annotations

import json
import math
import re
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest
import socketio

from connectors.telegram import SECRET_HEADER
from engine.settings import PROJECT_ROOT
from engine.testing import RestClient, free_port, running_assistant
from engine.testing_telegram import StandInBotApi

# Demo data (skills/utilities/demo.yml): PHONE is the phone on the contract of ACCOUNT, so the account links to the
# resident who confirmed PHONE with a one-time code.
PHONE, MASKED_PHONE = "+7 912 345-43-21", "+7 912 ***-**-21"
ACCOUNT = "1002003004"
COURSE = "Йога для всех"  # demo data: a course for adults with free seats
TELEGRAM_TOKEN, TELEGRAM_SECRET = "123456:TEST", "e2e-webhook-secret_1"
ALICE_SKILL = "e2e-skill-" + uuid.uuid4().hex[:8]
TELEGRAM_CHAT = 770011
ALICE_USER = "E2E" + uuid.uuid4().hex.upper()
LINKED = "Готово: телефон"
LINK_NOTICE = "К вашему профилю только что подключили ещё один канал связи"
ALICE_WAIT = "Секунду, уточняю"
ALICE_FETCH = "ну что"
RESULTS = PROJECT_ROOT / "results" / "e2e" / "channels.json"
TURN_SECONDS = 60.0
NOTICE_SECONDS = 60.0


class ServerLog:
    """Everything the servers print after they said they are ready, read on a thread of its own (the pipe never
    fills), to quote the lines that explain a failure."""

    def __init__(self, stream: Any, copy: Path) -> None:
        self.lines: List[str] = []
        self.copy = copy
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: Any) -> None:
        with self.copy.open("a", encoding="utf-8") as output:
            for line in stream:
                self.lines.append(line)
                output.write(line)
                output.flush()

    def since(self, start: int) -> List[str]:
        return self.lines[start:]

    def problems(self, start: int = 0, limit: int = 40) -> str:
        """The warnings, errors and tracebacks printed since line `start`."""
        marks = ("ERROR", "WARNING", "Traceback", "Error", "Exception", "exception")
        found = [line.rstrip() for line in self.since(start) if any(mark in line for mark in marks)]
        return "\n".join(found[-limit:]) or "(no warnings or errors in the servers' output)"


@dataclass
class Servers:
    port: int
    rest: RestClient
    api: StandInBotApi
    codes: Path
    log: ServerLog

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def failure(self, what: str, start: int = 0) -> str:
        return f"{what}\n--- servers' warnings and errors ---\n{self.log.problems(start)}\n(full log: {self.log.copy})"

    def new_code(self, codes_before: int, seconds: float = 15) -> str:
        """The code sent for PHONE after `codes_before` codes had been sent (tests.e2e.code_sender)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            lines = self.code_lines()
            if len(lines) > codes_before:
                return lines[-1].split()[-1]
            time.sleep(0.1)
        pytest.fail(self.failure(f"no code was sent (codes file: {self.code_lines()})"))

    def code_lines(self) -> List[str]:
        if not self.codes.exists():
            return []
        return [line for line in self.codes.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def servers(trained_model, tmp_path_factory) -> Iterator[Servers]:
    folder = tmp_path_factory.mktemp("one-resident")
    codes = folder / "codes.txt"
    port, action_port = free_port(), free_port()
    database_url = f"sqlite:///{folder / 'assistant.db'}"
    with StandInBotApi().in_thread() as api:
        env = {
            "DATABASE_URL": database_url,
            "ASSISTANT_CODE_SENDER": "tests.e2e.code_sender.FileCodeSender",
            "E2E_CODES_FILE": str(codes),
            "TELEGRAM_TOKEN": TELEGRAM_TOKEN,
            "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET,
            "TELEGRAM_API_URL": api.url,
            "ALICE_SKILL_ID": ALICE_SKILL,
            "ASSISTANT_NOTIFY_POLL_SECONDS": "1",
            "ASSISTANT_SECRET_KEY": secrets.token_hex(32),
        }
        started = time.monotonic()
        with running_assistant(port, action_port, env) as process:
            print(f"\nstart-up to ready: {time.monotonic() - started:.1f} s")
            log = ServerLog(process.stdout, folder / "servers.log")
            yield Servers(port, RestClient(port, database_url), api, codes, log)


# ---------------------------------------------------------------- the web chat, over socket.io as the page talks


class WebChat:
    """The page's side of the socket.io conversation: `session_request`, the signed token from `session_confirm`,
    `user_uttered` out and `bot_uttered` in (every message kept with the moment it arrived)."""

    def __init__(self, servers: Servers) -> None:
        self.servers = servers
        self.received: List[Tuple[float, Dict[str, Any]]] = []
        self.token: Optional[str] = None
        self._arrived = threading.Condition()
        self.client = socketio.Client(reconnection=False)
        self.client.on("session_confirm", self._confirmed)
        self.client.on("bot_uttered", self._uttered)

    def _confirmed(self, token: Any) -> None:
        with self._arrived:
            self.token = token
            self._arrived.notify_all()

    def _uttered(self, message: Any) -> None:
        with self._arrived:
            self.received.append(
                (time.monotonic(), message if isinstance(message, dict) else {"text": message})
            )
            self._arrived.notify_all()

    def open(self) -> str:
        """Connects and asks for a session as a new visitor does; the conversation id the server gave."""
        self.client.connect(
            self.servers.base,
            socketio_path="socket.io",
            transports=["polling"],  # websocket-client is not installed; the page falls back to polling too
            wait_timeout=30,
        )
        self.client.emit("session_request", {"session_id": None})
        with self._arrived:
            self._arrived.wait_for(lambda: self.token is not None, timeout=30)
        assert isinstance(self.token, str) and "." in self.token, self.token
        return self.conversation

    @property
    def conversation(self) -> str:
        return "webchat:" + str(self.token).rpartition(".")[0]

    def texts(self, start: int = 0) -> List[str]:
        with self._arrived:
            return [str(message.get("text") or "") for _, message in self.received[start:]]

    def wait_for(self, fragment: str, start: int = 0, seconds: float = TURN_SECONDS) -> Optional[float]:
        """When a message holding `fragment` arrived (from the `start`-th on), waiting up to `seconds`."""

        def arrival() -> Optional[float]:
            return next((at for at, m in self.received[start:] if fragment in str(m.get("text") or "")), None)

        with self._arrived:
            self._arrived.wait_for(lambda: arrival() is not None, timeout=seconds)
            return arrival()

    def say(self, text: str, expect: str, settle: float = 1.0) -> str:
        """Sends `text`; the bot's messages of the turn, once one holds `expect` and no more came for `settle` s."""
        start, log_start = len(self.received), len(self.servers.log.lines)
        self.client.emit("user_uttered", {"message": text})
        if self.wait_for(expect, start) is None:
            pytest.fail(
                self.servers.failure(
                    f"web chat: {text!r} was not answered with {expect!r}; got {self.texts(start)}", log_start
                )
            )
        while True:
            with self._arrived:
                count = len(self.received)
                self._arrived.wait(settle)
                if len(self.received) == count:
                    return "\n".join(self.texts(start))

    def close(self) -> None:
        if self.client.connected:
            self.client.disconnect()


# ---------------------------------------------------------------- Telegram: updates in, the stand-in's messages out


@dataclass
class Telegram:
    servers: Servers
    chat: int = TELEGRAM_CHAT
    update_id: int = 1000

    def post(self, text: str, secret: Optional[str] = TELEGRAM_SECRET) -> Tuple[int, Any]:
        self.update_id += 1
        update = {
            "update_id": self.update_id,
            "message": {
                "message_id": self.update_id,
                "date": int(time.time()),
                "from": {"id": self.chat, "is_bot": False, "first_name": "Анна", "language_code": "ru"},
                "chat": {"id": self.chat, "type": "private", "first_name": "Анна"},
                "text": text,
            },
        }
        headers = {"Content-Type": "application/json", **({SECRET_HEADER: secret} if secret else {})}
        url = f"{self.servers.base}/webhooks/telegram/webhook"
        request = urllib.request.Request(url, json.dumps(update).encode(), headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=TURN_SECONDS) as reply:
                return reply.status, json.loads(reply.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def say(self, text: str, expect: str) -> str:
        """Posts `text` as the resident's message; what the bot sent to the chat meanwhile (it answers before the
        webhook returns)."""
        before, log_start = len(self.servers.api.messages(self.chat)), len(self.servers.log.lines)
        status, body = self.post(text)
        assert (status, body) == (200, {"status": "ok"}), self.servers.failure(
            f"telegram {text!r}: {status} {body}"
        )
        said = "\n".join(
            str(params.get("text")) for _, params in self.servers.api.messages(self.chat)[before:]
        )
        assert expect in said, self.servers.failure(
            f"telegram: {text!r} was not answered with {expect!r}; the chat got {said!r}", log_start
        )
        return said


# ---------------------------------------------------------------- Alice: protocol-shaped requests


@dataclass
class Alice:
    servers: Servers
    user: str = ALICE_USER
    session: str = field(default_factory=lambda: str(uuid.uuid4()))
    message_id: int = 0
    seconds: List[float] = field(default_factory=list)  # wall time of every request
    waits: int = 0  # answers that were «Секунду, уточняю…»

    def post(self, text: str, new: bool = False) -> Dict[str, Any]:
        body = {
            "meta": {
                "locale": "ru-RU",
                "timezone": "Europe/Moscow",
                "client_id": "ru.yandex.searchplugin/7.16 (none none; android 4.4.2)",
                "interfaces": {"screen": {}, "payments": {}, "account_linking": {}},
            },
            "session": {
                "message_id": self.message_id,
                "session_id": self.session,
                "skill_id": ALICE_SKILL,
                "user": {"user_id": self.user},
                "application": {"application_id": "APP" + self.user},
                "user_id": "APP" + self.user,
                "new": new,
            },
            "request": {
                "command": " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split()),
                "original_utterance": text,
                "type": "SimpleUtterance",
                "markup": {"dangerous_context": False},
                "nlu": {"tokens": text.lower().split(), "entities": [], "intents": {}},
            },
            "version": "1.0",
        }
        self.message_id += 1
        url = f"{self.servers.base}/webhooks/alice/webhook"
        request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
        started = time.monotonic()
        with urllib.request.urlopen(request, timeout=TURN_SECONDS) as reply:
            answer = json.loads(reply.read())
        self.seconds.append(time.monotonic() - started)
        assert answer.get("version") == "1.0" and isinstance(answer.get("response"), dict), answer
        return answer["response"]

    def say(self, text: str, expect: str, new: bool = False) -> Tuple[str, float]:
        """What Alice shows for `text`, asking «ну что?» while the answer is not ready (as a resident does), and
        when the answer holding `expect` arrived."""
        log_start = len(self.servers.log.lines)
        said = [self.post(text, new=new)["text"]]
        while ALICE_WAIT in said[-1] and expect not in said[-1] and len(said) < 10:
            self.waits += 1
            said.append(self.post(ALICE_FETCH)["text"])
        received = time.monotonic()
        assert expect in said[-1], self.servers.failure(
            f"alice: {text!r} was not answered with {expect!r}; Alice said {said}", log_start
        )
        return said[-1], received


# ---------------------------------------------------------------- the journey


@dataclass
class Journey:
    """What the resident did so far, for the next channel to compare with."""

    web: Optional[WebChat] = None
    balance: str = ""
    telegram_linked_at: float = 0.0
    alice_code_sent_at: float = 0.0
    alice_linked_at: float = 0.0
    measured: Dict[str, Any] = field(default_factory=dict)


@pytest.fixture(scope="module")
def journey(servers) -> Iterator[Journey]:
    state = Journey()
    yield state
    if state.web is not None:
        state.web.close()


def balance_of(text: str) -> str:
    """The balance message of a turn's text: from «Лицевой счёт № …» up to the line «К оплате…» / «Долга нет…»."""
    found = re.search(rf"Лицевой счёт № {ACCOUNT},[^\n]*(?:\n(?!Лицевой)[^\n]*)*", text)
    assert found, f"no balance of account {ACCOUNT} in {text!r}"
    return found.group(0).strip()


def tracker_texts(servers: Servers, conversation: str) -> List[str]:
    quoted = urllib.parse.quote(conversation, safe=":")
    events = servers.rest.request("GET", f"/conversations/{quoted}/tracker")["events"]
    return [str(event.get("text") or "") for event in events if event.get("event") == "bot"]


def percentile(values: List[float], share: float) -> float:
    """The nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@pytest.mark.slow
def test_web_chat_links_the_phone_the_account_and_enrols(servers, journey):
    web = journey.web = WebChat(servers)
    conversation = web.open()
    assert re.fullmatch(r"webchat:[0-9a-f]{32}", conversation), conversation

    web.say("привяжи телефон", "Напишите номер телефона")
    codes_before = len(servers.code_lines())
    sent = web.say(PHONE, "Отправил код")
    assert MASKED_PHONE in sent, sent
    assert LINKED in web.say(servers.new_code(codes_before), LINKED)

    linked = web.say(f"привяжи лицевой счёт {ACCOUNT}", f"Готово: лицевой счёт № {ACCOUNT}")
    assert "ул. Ленина, 15" in linked, linked

    journey.balance = balance_of(web.say("покажи остаток", f"Лицевой счёт № {ACCOUNT}"))
    assert "К оплате:" in journey.balance or "Долга нет" in journey.balance, journey.balance

    asked = web.say("запиши меня на йогу", f"Записать на «{COURSE}»")
    enrolled = web.say("да", f"Готово, записал на «{COURSE}»")
    assert "Всё расписание" in enrolled, (asked, enrolled)

    profile = web.say("покажи мой профиль", "Ваш профиль")
    assert MASKED_PHONE in profile and "веб-чат" in profile, profile


@pytest.mark.slow
def test_telegram_refuses_an_update_without_the_secret(servers):
    telegram = Telegram(servers, chat=TELEGRAM_CHAT + 1)
    before = len(servers.api.calls)
    assert telegram.post("/start", secret=None) == (403, {"error": "forbidden"})
    assert telegram.post("/start", secret="not-the-secret") == (403, {"error": "forbidden"})
    time.sleep(0.5)
    assert servers.api.calls[before:] == []


@pytest.mark.slow
def test_telegram_joins_the_same_profile(servers, journey):
    telegram = Telegram(servers)
    greeting = telegram.say("/start", "Городской помощник")
    assert greeting.startswith(("Здравствуйте", "Добрый день")), greeting

    telegram.say("привяжи телефон", "Напишите номер телефона")
    codes_before = len(servers.code_lines())
    assert MASKED_PHONE in telegram.say(PHONE, "Отправил код")
    code = servers.new_code(codes_before)
    telegram.say(code, LINKED)
    journey.telegram_linked_at = time.monotonic()

    balance = balance_of(telegram.say("покажи остаток", f"Лицевой счёт № {ACCOUNT}"))
    assert balance == journey.balance, (balance, journey.balance)

    schedule = telegram.say("моё расписание", "Ваше расписание")
    assert f"«{COURSE}»" in schedule, schedule

    profile = telegram.say("покажи мой профиль", "Ваш профиль")
    assert MASKED_PHONE in profile and "веб-чат" in profile and "Telegram" in profile, profile


@pytest.mark.slow
def test_the_web_chat_is_told_that_telegram_joined(servers, journey):
    web = journey.web
    assert web is not None and journey.telegram_linked_at, "the web chat and Telegram steps ran first"
    arrived = web.wait_for(LINK_NOTICE, seconds=NOTICE_SECONDS)
    in_tracker = [text for text in tracker_texts(servers, web.conversation) if LINK_NOTICE in text]
    assert arrived is not None, servers.failure(
        f"the web chat socket never got the notice; its tracker has it {len(in_tracker)} time(s); "
        f"the socket got {web.texts()[-5:]}"
    )
    journey.measured["web_chat_notice_seconds_after_telegram_link"] = round(
        arrived - journey.telegram_linked_at, 3
    )
    deadline = time.monotonic() + 10  # the tracker is saved after the message went out
    while len(in_tracker) < 1 and time.monotonic() < deadline:
        time.sleep(0.2)
        in_tracker = [text for text in tracker_texts(servers, web.conversation) if LINK_NOTICE in text]
    assert len(in_tracker) == 1, in_tracker


@pytest.mark.slow
def test_alice_joins_the_same_profile(servers, journey):
    alice = Alice(servers)
    greeting, _ = alice.say("", "Городской помощник", new=True)
    assert greeting.startswith(("Здравствуйте", "Добрый день")), greeting

    alice.say("привяжи телефон", "Напишите номер телефона")
    codes_before = len(servers.code_lines())
    sent, _ = alice.say(PHONE, "Отправил код")
    assert MASKED_PHONE in sent, sent
    code = servers.new_code(codes_before)
    telegram_before = len(servers.api.calls)
    journey.alice_code_sent_at = time.monotonic()
    _, journey.alice_linked_at = alice.say(code, LINKED)

    balance, _ = alice.say("покажи остаток", f"Лицевой счёт № {ACCOUNT}")
    assert balance_of(balance) == journey.balance, (balance, journey.balance)

    profile, _ = alice.say("покажи мой профиль", "Ваш профиль")
    assert MASKED_PHONE in profile and all(name in profile for name in ("веб-чат", "Telegram", "Алиса")), (
        profile
    )

    notice = servers.api.wait_for_message(
        lambda params: (
            str(params.get("chat_id")) == str(TELEGRAM_CHAT) and LINK_NOTICE in str(params.get("text"))
        ),
        timeout=NOTICE_SECONDS,
        after=telegram_before,
    )
    journey.measured.update(
        {
            "alice_answer_seconds": {
                "requests": len(alice.seconds),
                "p50": round(percentile(alice.seconds, 0.50), 3),
                "p95": round(percentile(alice.seconds, 0.95), 3),
                "max": round(max(alice.seconds), 3),
                "each": [round(seconds, 3) for seconds in alice.seconds],
                "not_ready_in_time": alice.waits,
            },
            "telegram_notice_seconds_after_alice_link": (
                None if notice is None else round(notice[0] - journey.alice_linked_at, 3)
            ),
            "telegram_notice_seconds_after_alice_code_sent": (
                None if notice is None else round(notice[0] - journey.alice_code_sent_at, 3)
            ),
        }
    )
    report(journey.measured)
    assert notice is not None, servers.failure(
        f"Telegram was never told that Alice joined; the chat got {servers.api.messages(TELEGRAM_CHAT)[-3:]}"
    )
    web = journey.web
    assert web is not None
    deadline = time.monotonic() + NOTICE_SECONDS
    while time.monotonic() < deadline and sum(LINK_NOTICE in text for text in web.texts()) < 2:
        time.sleep(0.2)
    time.sleep(2)  # two more notifier rounds: each notice is said once
    told = [text for text in web.texts() if LINK_NOTICE in text]
    assert len(told) == 2, f"the web chat should be told twice (Telegram joined, then Alice): {told}"
    in_tracker = [text for text in tracker_texts(servers, web.conversation) if LINK_NOTICE in text]
    assert len(in_tracker) == 2, in_tracker
    # Telegram hears of Alice only, not of its own joining
    notices = [p for _, p in servers.api.messages(TELEGRAM_CHAT) if LINK_NOTICE in str(p.get("text"))]
    assert len(notices) == 1, notices


def report(measured: Dict[str, Any]) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(measured, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    answers = measured.get("alice_answer_seconds") or {}
    print(
        f"\nAlice answer time over {answers.get('requests')} requests: p50 {answers.get('p50')} s, "
        f"p95 {answers.get('p95')} s, max {answers.get('max')} s, not ready in time {answers.get('not_ready_in_time')}"
        f"\nTelegram notice after Alice's link confirmation: {measured.get('telegram_notice_seconds_after_alice_link')} s"
        f" (after the code was sent: {measured.get('telegram_notice_seconds_after_alice_code_sent')} s)"
        f"\nWeb chat notice after Telegram's link: {measured.get('web_chat_notice_seconds_after_telegram_link')} s"
        f"\nwritten to {RESULTS.relative_to(PROJECT_ROOT)}"
    )
