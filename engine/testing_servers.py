"""The assistant's real servers for end-to-end tests: started as `make run` starts them, talked to over REST."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from typing import Any, Dict, Iterator, List

import pytest

from engine.messages import say

READY_LINE = say("ready_marker")


@contextmanager
def running_assistant(port: int, action_port: int, env: Dict[str, str]) -> Iterator[subprocess.Popen]:
    """`python -m engine run` (what `make run` starts) on the given ports with `env` added, once it says it is
    ready; Ctrl-C (SIGINT) afterwards unless the test already stopped it."""
    from engine.settings import PROJECT_ROOT

    environment = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), **env}
    environment.pop("ACTION_ENDPOINT_URL", None)  # an inherited one would point Rasa at another action server
    process = subprocess.Popen(
        [sys.executable, "-m", "engine", "run", "--port", str(port), "--action-port", str(action_port)],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = []
    for line in process.stdout or []:
        output.append(line)
        if READY_LINE in line:
            break
    else:
        pytest.fail("the assistant did not start:\n" + "".join(output[-50:]))
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=60)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RestClient:
    """Talks to a running assistant over Rasa's REST channel and HTTP API, as a resident's client would."""

    def __init__(self, port: int, database_url: str = ""):
        self.base, self.database_url = f"http://127.0.0.1:{port}", database_url

    def request(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.base + path, data, {"Content-Type": "application/json"}, method=method
        )
        with urllib.request.urlopen(request, timeout=60) as reply:
            return json.loads(reply.read())

    def replies(self, sender: str, message: str) -> List[Dict[str, Any]]:
        return self.request("POST", "/webhooks/rest/webhook", {"sender": sender, "message": message})

    def say(self, sender: str, message: str) -> str:
        return "\n".join(reply.get("text") or "" for reply in self.replies(sender, message))

    def events(self, sender: str) -> List[Dict[str, Any]]:
        return self.request("GET", f"/conversations/{sender}/tracker")["events"]

    def bot_texts(self, sender: str) -> List[str]:
        """Everything the bot said in `sender`'s conversation, notifications included, oldest first."""
        return [e.get("text") or "" for e in self.events(sender) if e.get("event") == "bot"]

    def wait_for(self, sender: str, fragment: str, seconds: float = 60) -> str:
        """The latest bot message of `sender`'s conversation holding `fragment`, waiting for the notifier to say
        it; fails the test after `seconds`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = [text for text in self.bot_texts(sender) if fragment in text]
            if found:
                return found[-1]
            time.sleep(0.5)
        pytest.fail(f"{sender} was never told {fragment!r}: {self.bot_texts(sender)[-3:]}")
