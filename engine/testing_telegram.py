"""A stand-in for the Telegram Bot API on loopback, for tests: no network, every call recorded.

`StandInBotApi` answers `POST /bot<token>/<method>` the way Telegram does (sendMessage returns the sent message,
anything else `true`) and records each call with the moment it arrived. Serve it either

- in the test's own event loop: `async with StandInBotApi() as api: ...` (a channel under test in the same loop
  calls it), or
- on a thread of its own with its own event loop: `with StandInBotApi().in_thread() as api: ...`, which is what a
  server in another process needs (the assistant started by `running_assistant`, with
  `TELEGRAM_API_URL=api.url`): the stand-in answers while the test blocks on its HTTP calls, and the test can
  wait for a message with `api.wait_for_message`.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from contextlib import contextmanager, suppress
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

from aiohttp import web

Call = Tuple[str, str, Dict[str, Any]]  # (bot token, method, parameters)


class StandInBotApi:
    """Answers /bot<token>/<method> the way Telegram does and records every call (`calls`, with the monotonic
    time each arrived in `arrived`)."""

    def __init__(self) -> None:
        self.calls: List[Call] = []
        self.arrived: List[float] = []
        self.url = ""
        self._runner: Optional[web.AppRunner] = None
        self._recorded = threading.Condition()

    def sent(self, method: str) -> List[Dict[str, Any]]:
        """The parameters of every call of `method`, oldest first."""
        with self._recorded:
            return [params for _, name, params in self.calls if name == method]

    def messages(self, chat_id: Any = None) -> List[Tuple[float, Dict[str, Any]]]:
        """(arrival time, parameters) of every sendMessage, to one chat if `chat_id` is given, oldest first."""
        with self._recorded:
            found = [
                (at, params)
                for (_, name, params), at in zip(self.calls, self.arrived, strict=True)
                if name == "sendMessage"
            ]
        return [item for item in found if chat_id is None or str(item[1].get("chat_id")) == str(chat_id)]

    def wait_for_message(
        self,
        matches: Callable[[Dict[str, Any]], bool],
        timeout: float = 30.0,
        after: int = 0,
    ) -> Optional[Tuple[float, Dict[str, Any]]]:
        """The first sendMessage, from the `after`-th call on, whose parameters `matches`, with the time it arrived;
        waits up to `timeout` seconds for it and returns None if it never comes. Blocks the calling thread: only
        for a stand-in served `in_thread`."""
        deadline = time.monotonic() + timeout
        with self._recorded:
            while True:
                for index in range(after, len(self.calls)):
                    _, name, params = self.calls[index]
                    if name == "sendMessage" and matches(params):
                        return self.arrived[index], params
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._recorded.wait(left)

    def _record(self, call: Call) -> int:
        with self._recorded:
            self.calls.append(call)
            self.arrived.append(time.monotonic())
            self._recorded.notify_all()
            return len(self.calls)

    async def answer(self, request: web.Request) -> web.Response:
        if request.content_type == "application/json":
            params = await request.json()
        else:
            params = dict(await request.post())
        token, method = request.match_info["token"], request.match_info["method"]
        number = self._record((token, method, params))
        result: Any = True
        if method == "sendMessage":
            result = {
                "message_id": number,
                "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "text": params["text"],
            }
            if "reply_markup" in params:
                result["reply_markup"] = json.loads(params["reply_markup"])
        return web.json_response({"ok": True, "result": result})

    async def __aenter__(self) -> StandInBotApi:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self.answer)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        return self

    async def __aexit__(self, *_: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @contextmanager
    def in_thread(self, start_seconds: float = 10.0) -> Iterator[StandInBotApi]:
        """Serves the stand-in on a daemon thread with an event loop of its own while the block runs."""
        loop = asyncio.new_event_loop()
        started = threading.Event()
        failure: List[BaseException] = []

        async def start() -> None:
            try:
                await self.__aenter__()
            except BaseException as error:  # reported to the test's thread below
                failure.append(error)
            finally:
                started.set()

        def serve() -> None:
            asyncio.set_event_loop(loop)
            loop.run_until_complete(start())
            if not failure:
                loop.run_forever()
            loop.run_until_complete(self.__aexit__())
            loop.close()

        thread = threading.Thread(target=serve, name="telegram-bot-api-stand-in", daemon=True)
        thread.start()
        try:
            if not started.wait(start_seconds):
                raise RuntimeError("the Telegram Bot API stand-in did not start")
            if failure:
                raise failure[0]
            yield self
        finally:
            with suppress(RuntimeError):  # the loop is closed already when the stand-in failed to start
                loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=start_seconds)
