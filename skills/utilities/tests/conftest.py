"""A migrated store with the demo data, a fixed date inside the reading window, and linking a demo account."""

from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple
from zoneinfo import ZoneInfo

import pytest
import yaml
from sqlalchemy import update

from engine.sdk import Base, resident_id, session_scope, utcnow
from engine.testing import just_set, make_tracker, run_action
from skills.utilities import clock, demo
from skills.utilities.accounts import find_account
from skills.utilities.actions.link import ValidateUtilitiesLinkAccountForm

TODAY = date(2026, 11, 20)
ACCOUNT = "1002003004"  # demo.yml: the phone on its contract is +79123454321
HOLDER_PHONES = {a.number: a.phone for a in demo.demo_accounts()}
# The skill's forms as its domain declares them (what the validation actions are run with).
FORMS = yaml.safe_load((Path(__file__).parents[1] / "domain.yml").read_text(encoding="utf-8"))["forms"]
LINK_DOMAIN = {"forms": {"utilities_link_account_form": FORMS["utilities_link_account_form"]}}

Result = Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]
RESIDENTS = Base.metadata.tables["residents"]  # the core's table: its phone is set only by a one-time code


def resident_of(sender: str = "resident-1") -> int:
    with session_scope() as session:
        return resident_id(session, make_tracker(sender_id=sender))


def verify_phone(sender: str, phone: str) -> int:
    """The resident behind `sender` has confirmed `phone` with a one-time code (as the core's profile form
    leaves it: residents.phone)."""
    resident = resident_of(sender)
    with session_scope() as session:
        session.execute(update(RESIDENTS).where(RESIDENTS.c.id == resident).values(phone=phone))
    return resident


def link_in_store(number: str, sender: str = "resident-1", linked_at: Optional[datetime] = None) -> int:
    """The account is linked to the resident behind `sender` (linked earlier, under any rule)."""
    resident = resident_of(sender)
    with session_scope() as session:
        account = find_account(session, number)
        account.resident_id, account.linked_at = resident, linked_at or utcnow()
    return resident


def load_demo() -> None:
    with session_scope() as session:
        assert demo.load_demo(session) is True


@pytest.fixture
def demo_store(store, monkeypatch, store_templates):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 20, 9, 0, tzinfo=ZoneInfo("Europe/Moscow")))
    store_templates.prepared(store, "utilities-demo", load_demo)
    return store


def type_account_number(number: str, sender: str = "resident-1") -> Result:
    """The resident types `number` when the link form asks for the account's number."""
    tracker = make_tracker(
        number,
        "inform",
        sender_id=sender,
        active_loop="utilities_link_account_form",
        slots={"utilities_account_number": number, "requested_slot": "utilities_account_number"},
    )
    return run_action(
        ValidateUtilitiesLinkAccountForm(), just_set(tracker, "utilities_account_number", number), LINK_DOMAIN
    )


def answer_ownership(number: str = ACCOUNT, answer: str = "4321", sender: str = "resident-1") -> Result:
    """The resident types `answer` at the ownership question of a conversation started when linking still asked
    for the last 4 digits of the holder's phone (the slot filled as its old from_text mapping did)."""
    tracker = make_tracker(
        answer,
        "inform",
        sender_id=sender,
        active_loop="utilities_link_account_form",
        slots={
            "utilities_account_number": number,
            "utilities_ownership_check": answer,
            "requested_slot": "utilities_ownership_check",
        },
    )
    return run_action(
        ValidateUtilitiesLinkAccountForm(),
        just_set(tracker, "utilities_ownership_check", answer),
        LINK_DOMAIN,
    )


def link_account(number: str = ACCOUNT, sender: str = "resident-1") -> Result:
    """The resident behind `sender` confirms the phone on the account's contract, then names the account."""
    verify_phone(sender, HOLDER_PHONES[number])
    return type_account_number(number, sender)


@pytest.fixture
def link(demo_store) -> Callable[..., Result]:
    """Links a demo account as its holder does (see `link_account`) in the demo store."""
    return link_account


@pytest.fixture
def linked(link) -> None:
    """resident-1 has linked the demo account 1002003004."""
    link()
