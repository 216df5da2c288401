"""Stand-ins the operator desk's tests serve it with: a stub agent with Rasa's in-memory tracker and lock stores,
and a web-chat channel that records what it sends (tests/connectors/test_desk.py, tests/bad_input/test_desk.py)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, List, Optional, Tuple

from rasa.core.channels.channel import InputChannel, OutputChannel
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain

from connectors.desk import core_domain


class RecordingOutput(OutputChannel):
    def __init__(self) -> None:
        self.sent: List[Tuple[str, str]] = []

    @classmethod
    def name(cls) -> str:
        return "webchat"

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        self.sent.append((recipient_id, text))


class WebChatStub(InputChannel):
    def __init__(self, output: RecordingOutput) -> None:
        self.output = output

    @classmethod
    def name(cls) -> str:
        return "webchat"

    def get_output_channel(self) -> Optional[OutputChannel]:
        return self.output


@lru_cache(maxsize=1)
def domain() -> Domain:
    return Domain.from_dict(core_domain())


class StubAgent:
    def __init__(self) -> None:
        self.domain = domain()
        self.tracker_store = InMemoryTrackerStore(self.domain)
        self.lock_store = InMemoryLockStore()
