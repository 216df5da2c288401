"""A conversation's `verified_phone` (tests/conversations/residents.py), without servers: how it is read, and that
what the harness writes into the store is what the actions read as the resident's confirmed phone."""

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url

from engine.sdk import resident_id, verified_phone
from engine.store import session_scope, utcnow
from engine.store.models import ChannelIdentity
from engine.testing import RestClient, make_tracker
from tests.conversations.conftest import Assistant
from tests.conversations.residents import PHONE, load_conversations

HOLDER = "+79123454321"  # skills/utilities/demo.yml: the phone on the contract of 1002003004


def test_the_phone_is_read_as_written_and_an_unquoted_one_is_caught(tmp_path):
    path = tmp_path / "a.yml"
    path.write_text(
        "conversations:\n"
        "  - {name: a, twist: typo, turns: [{user: x}], goal: [g], verified_phone: '+79123454321'}\n"
        "  - {name: b, twist: typo, turns: [{user: x}], goal: [g], verified_phone: +79123454321}\n"
        "  - {name: c, twist: typo, turns: [{user: x}], goal: [g]}\n",
        encoding="utf-8",
    )
    phones = {c.name: c.verified_phone for c in load_conversations([path])}
    assert phones == {"a": HOLDER, "b": "79123454321", "c": ""}  # YAML reads an unquoted +7… as a number
    assert PHONE.fullmatch(phones["a"]) and not PHONE.fullmatch(phones["b"])


def test_the_senders_conversation_belongs_to_a_resident_with_the_confirmed_phone(sqlite_store, tmp_path):
    from skills.utilities import demo
    from skills.utilities.accounts import Ownership, link_account

    with session_scope() as session:
        demo.load_demo(session)
    assistant = Assistant(
        RestClient(0, sqlite_store), Path(make_url(sqlite_store).database), tmp_path / "copy.db"
    )
    assistant.confirm_phone("resident-1a", HOLDER)

    with session_scope() as session:
        resident = resident_id(session, make_tracker(sender_id="resident-1a"))  # as the actions find it
        stranger = resident_id(session, make_tracker(sender_id="resident-2b"))
        assert verified_phone(session, resident) == HOLDER
        assert verified_phone(session, stranger) is None
        identity = session.execute(
            select(ChannelIdentity).where(ChannelIdentity.resident_id == resident)
        ).scalar_one()
        assert (identity.channel, identity.external_id) == ("rest", "resident-1a")
        assert identity.linked_at is not None and identity.linked_at <= utcnow()
        assert link_account(session, "1002003004", resident, utcnow()).outcome is Ownership.LINKED
