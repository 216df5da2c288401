"""A migrated store with the demo data, a fixed date inside the reading window, and linking a demo account."""

from datetime import date, datetime
from typing import Any, Callable, Dict, List, Tuple
from zoneinfo import ZoneInfo

import pytest

from engine.sdk import session_scope
from engine.testing import just_set, make_tracker, run_action
from skills.utilities import clock, demo
from skills.utilities.actions.link import ValidateUtilitiesLinkAccountForm

TODAY = date(2026, 11, 20)
ACCOUNT = "1002003004"  # demo.yml: the phone on file ends with 4321
LINK_DOMAIN = {
    "forms": {
        "utilities_link_account_form": {
            "required_slots": ["utilities_account_number", "utilities_ownership_check"]
        }
    }
}

Result = Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]


def load_demo() -> None:
    with session_scope() as session:
        assert demo.load_demo(session) is True


@pytest.fixture
def demo_store(store, monkeypatch, store_templates):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 20, 9, 0, tzinfo=ZoneInfo("Europe/Moscow")))
    store_templates.prepared(store, "utilities-demo", load_demo)
    return store


def answer_ownership(number: str = ACCOUNT, answer: str = "4321", sender: str = "resident-1") -> Result:
    """The resident types `answer` when the link form asks for the last 4 digits of the phone for `number`."""
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


@pytest.fixture
def link(demo_store) -> Callable[..., Result]:
    """Answers the ownership check (see `answer_ownership`) in the demo store."""
    return answer_ownership


@pytest.fixture
def linked(link) -> None:
    """resident-1 has linked the demo account 1002003004."""
    link()
