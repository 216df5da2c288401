"""Through the real servers, as `make run` starts them: REST in Russian, a whole form, Ctrl-C stops all."""

import json
import signal
import socket
import time
import urllib.request

import pytest

from engine.testing import running_assistant

PORT, ACTION_PORT = 5205, 5255
WEBHOOK = f"http://127.0.0.1:{PORT}/webhooks/rest/webhook"


def say(sender: str, message: str) -> list:
    body = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(WEBHOOK, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.loads(reply.read())


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def assistant(trained_model, tmp_path_factory):
    folder = tmp_path_factory.mktemp("e2e")
    codes = folder / "codes.txt"
    env = {
        "DATABASE_URL": f"sqlite:///{folder / 'assistant.db'}",
        "ASSISTANT_CODE_SENDER": "tests.e2e.code_sender.FileCodeSender",
        "E2E_CODES_FILE": str(codes),
    }
    started = time.monotonic()
    with running_assistant(PORT, ACTION_PORT, env) as process:
        print(f"\nstart-up to ready: {time.monotonic() - started:.1f} s")
        yield process, codes


@pytest.mark.slow
def test_greeting_and_help_in_russian(assistant):
    greeting = say("e2e-1", "привет")
    assert "Городской помощник" in greeting[0]["text"]
    help_reply = say("e2e-1", "что ты умеешь?")
    assert "позови оператора" in help_reply[0]["text"]


@pytest.mark.slow
def test_link_phone_over_rest(assistant):
    _, codes = assistant
    first = say("e2e-2", "привяжи мой номер +7 912 345-67-89")
    assert any("+7 912 ***-**-89" in m.get("text", "") for m in first), first
    code = codes.read_text(encoding="utf-8").split()[-1]
    done = say("e2e-2", code)
    assert any(m.get("text", "").startswith("Готово: телефон") for m in done), done
    profile = say("e2e-2", "покажи мой профиль")
    assert "+7 912 ***-**-89" in profile[0]["text"]


@pytest.mark.slow
def test_cancel_leaves_the_form(assistant):
    say("e2e-3", "хочу привязать телефон")
    reply = say("e2e-3", "отмена")
    assert reply[0]["text"].startswith("Хорошо, отменил")
    assert say("e2e-3", "спасибо")[0]["text"] in {
        "Пожалуйста! Рад помочь.",
        "Всегда пожалуйста. Если что-то ещё нужно — пишите.",
    }


@pytest.mark.slow
def test_ctrl_c_stops_both_servers(assistant):
    process, _ = assistant
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0
    time.sleep(1)
    assert not port_open(PORT) and not port_open(ACTION_PORT)
