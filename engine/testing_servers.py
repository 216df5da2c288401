"""The assistant's real servers for end-to-end tests: started as `make run` starts them, talked to over REST."""

from __future__ import annotations

import asyncio
import collections
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from contextlib import asynccontextmanager, contextmanager
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, AsyncIterator, Awaitable, Callable, Dict, Iterator, List, Sequence

import pytest

from engine.messages import say

if TYPE_CHECKING:
    from rasa.core.channels.channel import InputChannel, UserMessage
    from sanic import Sanic

READY_LINE = say("ready_marker")


# The tokens the servers of a test run with (`make run` makes up its own): clients in tests send them.
API_TOKEN = "test-api-token"
OPERATOR_TOKEN = "test-operator-token"


@contextmanager
def running_assistant(
    port: int, action_port: int, env: Dict[str, str], command: Sequence[str] = ("run",)
) -> Iterator[subprocess.Popen]:
    """`python -m engine run` (what `make run` starts; or `command`, such as the cluster profile's) on the given
    ports with `env` added, in development mode with the test tokens, once it says it is ready; Ctrl-C (SIGINT)
    afterwards unless the test already stopped it."""
    from engine.settings import PROJECT_ROOT

    environment = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "ASSISTANT_DEV_MODE": "1",
        "RASA_API_TOKEN": API_TOKEN,
        "OPERATOR_TOKEN": OPERATOR_TOKEN,
        **env,
    }
    environment.pop("ACTION_ENDPOINT_URL", None)  # an inherited one would point Rasa at another action server
    process = subprocess.Popen(
        [sys.executable, "-m", "engine", *command, "--port", str(port), "--action-port", str(action_port)],
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
    # Keep reading what the servers print: a pipe nobody reads fills up (64 KB) and then blocks them.
    drain = threading.Thread(target=lambda: collections.deque(process.stdout or [], maxlen=0), daemon=True)
    drain.start()
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
    """Talks to a running assistant over the REST channel, as a resident's client would, and reads its
    conversations over Rasa's HTTP API with the test token. A sender `me` is the conversation `rest:me`."""

    def __init__(self, port: int, database_url: str = "", token: str = API_TOKEN):
        self.base, self.database_url, self.token = f"http://127.0.0.1:{port}", database_url, token

    def request(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        if path.startswith("/conversations/"):
            path += ("&" if "?" in path else "?") + urllib.parse.urlencode({"token": self.token})
        request = urllib.request.Request(
            self.base + path, data, {"Content-Type": "application/json"}, method=method
        )
        with urllib.request.urlopen(request, timeout=60) as reply:
            return json.loads(reply.read())

    def replies(self, sender: str, message: str) -> List[Dict[str, Any]]:
        return self.request("POST", "/webhooks/rest/webhook", {"sender": sender, "message": message})

    def say(self, sender: str, message: str) -> str:
        return "\n".join(reply.get("text") or "" for reply in self.replies(sender, message))

    @staticmethod
    def conversation_id(sender: str) -> str:
        """The conversation the REST channel gives `sender` (engine/channels.py)."""
        from engine.channels import conversation_id

        return conversation_id("rest", sender)

    def conversation(self, sender: str) -> str:
        """The conversation id of `sender`, quoted for a URL path."""
        return urllib.parse.quote(self.conversation_id(sender), safe=":")

    def events(self, sender: str) -> List[Dict[str, Any]]:
        return self.request("GET", f"/conversations/{self.conversation(sender)}/tracker")["events"]

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


# One Sanic app after another in one test process (the connectors' tests serve each channel on its own port).


def channel_app(
    channel: InputChannel,
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    agent: Any = None,
) -> Sanic:
    """A Sanic app with `channel` mounted as Rasa's `rasa.core.channels.channel.register` mounts it (under
    `/webhooks/<url prefix>`, listed in `app.ctx.input_channels`), handing every message it reads to
    `on_new_message` instead of to Rasa. `app.ctx.agent` is `agent` (for a channel that reads the tracker store),
    by default a stand-in whose `handle_message` is `on_new_message`. The app has a name of its own and leaves
    the process's logging configuration alone; serve it with `serving`."""
    from sanic import Sanic

    app = Sanic(f"test-channel-{uuid.uuid4().hex}", configure_logging=False)
    prefix = urllib.parse.urljoin("/webhooks/", channel.url_prefix())
    app.blueprint(channel.blueprint(on_new_message), url_prefix=prefix)
    app.ctx.input_channels = [channel]
    app.ctx.agent = agent if agent is not None else SimpleNamespace(handle_message=on_new_message)
    return app


@asynccontextmanager
async def serving(app: Sanic, grace_seconds: float = 1.0) -> AsyncIterator[str]:
    """Serves `app` on a free loopback port in the running event loop; yields its base URL
    (`http://127.0.0.1:<port>`) once the server has started (its listeners included) and accepts connections.
    Afterwards the server stops as `Sanic.run` stops it: its stop listeners run, idle connections close and any
    still busy after `grace_seconds` are cut.

    The server shares the test's event loop rather than running in a thread, so a test may await the tasks a
    channel starts and set the events its handlers wait for (asyncio objects belong to one loop).

    Sanic 21.12 is made for one app a process: starting an app rewrites Sanic's own request-handling classes
    (TouchUp: the dispatch of every signal that app does not handle is compiled out), and no app starts after a
    rewritten one. Here the rewrite is skipped for this app's start-up only, and the app gets a handler that does
    nothing for each HTTP signal the unrewritten code dispatches. No class is changed, so any number of apps can be
    served one after another, in any order, next to other code that starts Sanic. The app itself is spent
    afterwards (Sanic finalizes its routers once) and leaves Sanic's registry of apps."""
    from sanic import Sanic
    from sanic.signals import RESERVED_NAMESPACES

    for event in RESERVED_NAMESPACES["http"]:
        app.add_signal(_ignore_signal(), event)
    app.config.MOTD = False
    listening = socket.socket()
    try:
        listening.bind(("127.0.0.1", 0))
        port = listening.getsockname()[1]
        server = await app.create_server(
            sock=listening,
            access_log=False,
            return_asyncio_server=True,
            asyncio_server_kwargs={"start_serving": False},
        )
    except BaseException:
        listening.close()
        raise
    assert server is not None
    try:
        with _touch_up_skipped():  # Sanic's _startup awaits nothing: no other app starts meanwhile
            await server.startup()
        await server.before_start()
        await server.start_serving()
        await server.after_start()
        await _accepting(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        await _stop(server, grace_seconds)
        if Sanic._app_registry.get(app.name) is app:
            del Sanic._app_registry[app.name]


def _ignore_signal() -> Callable[..., Awaitable[None]]:
    """A handler of its own for each signal: Sanic stores the signal's condition on the handler function."""

    async def ignore(**_: Any) -> None:
        return None

    return ignore


@contextmanager
def _touch_up_skipped() -> Iterator[None]:
    """Sanic's start-up leaves its request-handling classes as they are while this lasts."""
    from sanic.touchup import TouchUp

    run = TouchUp.__dict__["run"]
    TouchUp.run = classmethod(lambda _cls, _app: None)
    try:
        yield
    finally:
        TouchUp.run = run


async def _accepting(port: int, seconds: float = 10) -> None:
    """Returns once a connection to the port succeeds; raises after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.01)
            continue
        writer.close()
        await writer.wait_closed()
        return


async def _stop(server: Any, grace_seconds: float) -> None:
    """What `Sanic.run` does on Ctrl-C, for a server started with `create_server`."""
    if server.app.state.is_started:
        await server.before_stop()
    closing = server.close()
    if closing is not None:
        await closing
    for connection in list(server.connections):
        connection.close_if_idle()
    deadline = time.monotonic() + grace_seconds
    while server.connections and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    for connection in list(server.connections):
        connection.abort()
    if server.app.state.is_started:
        await server.after_stop()
