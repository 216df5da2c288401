"""The assistant the conversation tests talk to: `python -m engine run` on SQLite, started once, with its store
restored to the demo data before each conversation."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest
from sqlalchemy.engine import make_url

from engine.testing import RestClient, free_port, running_assistant
from tests.conversations.residents import Said, environment


class Assistant:
    """The running assistant, and its store as it was when it became ready (restored before each conversation)."""

    def __init__(self, client: RestClient, store: Path, snapshot: Path):
        self.client, self.store, self.snapshot = client, store, snapshot

    @staticmethod
    def _copy(source: Path, target: Path) -> None:
        with sqlite3.connect(source) as origin, sqlite3.connect(target) as destination:
            origin.backup(destination)

    def save(self) -> None:
        self._copy(self.store, self.snapshot)

    def restore(self) -> None:
        self._copy(self.snapshot, self.store)

    def tracker(self, sender: str) -> Dict[str, Any]:
        return self.client.request("GET", f"/conversations/{self.client.conversation(sender)}/tracker")

    def turn(self, sender: str, message: str) -> Said:
        """What the bot said in reply, read by response name from the tracker: everything after the events that
        were there before (an accepted offer replays the message, so a reply may follow two user events)."""
        before = len(self.client.events(sender))
        self.client.replies(sender, message)
        said = Said()
        for event in self.client.events(sender)[before:]:
            if event.get("event") == "bot":
                said.responses.append((event.get("metadata") or {}).get("utter_action"))
                said.texts.append(event.get("text") or "")
        return said


@pytest.fixture(scope="session")
def assistant(trained_model, tmp_path_factory) -> Iterator[Assistant]:
    folder = tmp_path_factory.mktemp("residents")
    database_url = f"sqlite:///{folder / 'assistant.db'}"
    port, action_port = free_port(), free_port()
    with running_assistant(port, action_port, {**environment(), "DATABASE_URL": database_url}):
        running = Assistant(
            RestClient(port, database_url), Path(make_url(database_url).database), folder / "demo.db"
        )
        running.save()
        yield running
