"""The assistant the conversation tests talk to: `python -m engine run` on SQLite, started once, with its store
restored to the demo data before each conversation."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest
from sqlalchemy.engine import make_url

from engine.channels import split_conversation_id
from engine.store import utcnow
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

    def confirm_phone(self, sender: str, phone: str) -> None:
        """Makes `sender` a resident who has already confirmed `phone` with a one-time code, before their first
        message: what confirming the code leaves in the store (engine/residents.py: confirm_code) — a resident
        with the phone (`residents.phone`, which `engine.sdk.verified_phone` reads) and the sender's identity in
        the REST channel (channel "rest", the sender as its id: the conversation `rest:<sender>`, whose first
        message then finds this identity instead of creating a new resident) linked to it."""
        split = split_conversation_id(self.client.conversation_id(sender))
        assert split is not None, sender
        channel, external = split
        # Naive UTC, as SQLAlchemy writes a DateTime to SQLite (engine.store.utcnow).
        now = utcnow().isoformat(sep=" ", timespec="microseconds")
        with closing(sqlite3.connect(self.store)) as connection, connection:
            resident = connection.execute(
                "INSERT INTO residents (phone, created_at) VALUES (?, ?)", (phone, now)
            ).lastrowid
            connection.execute(
                "INSERT INTO channel_identities (resident_id, channel, external_id, created_at, linked_at,"
                " last_seen_at) VALUES (?, ?, ?, ?, ?, ?)",
                (resident, channel, external, now, now, now),
            )

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
