"""The store the vote tests run on: the demo's members and proposals only (demo.yml `members:` and `proposals:`),
at the frozen clock of conftest.py (Friday 20 November 2026, 12:00 in Moscow), with a fixed minutes key.

Demo proposals by id: 1 the commission vote (open, closes at 12:20, 4 for and 1 against), 2 the service standard
(open five more days), 3 the pensioners' discount (in review, voting opens at 13:30), 4 closed and adopted twelve
days ago (minute 1), 5 closed four days ago without a quorum (minute 2). Members: me, member-anna … member-dina.
"""

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.sdk import admit_member, resident_for, session_scope, skill_lexicon
from skills.governance import proposals
from skills.governance.models import Proposal

from .conftest import NOW, TODAY

DEMO = skill_lexicon(proposals.__file__, "demo.yml")
TEST_KEY = "governance-test-minutes-key"
COMMISSION, STANDARD, DISCOUNT, REVIEWS, MEETINGS = 1, 2, 3, 4, 5


def load_votes() -> None:
    with session_scope() as session:
        for sender in DEMO["members"]:
            admit_member(
                session,
                resident_for(session, "rest", sender),
                since=TODAY - timedelta(days=365),
                source="demo",
            )
        proposals.seed_demo(session, DEMO["proposals"], TODAY)


@pytest.fixture
def votes_store(monkeypatch, store, store_templates, frozen_clock):
    """The store with the votes' demo, minutes keyed with TEST_KEY (set before the demo's minutes are written)."""
    monkeypatch.setenv("GOV_MINUTES_KEY", TEST_KEY)
    store_templates.prepared(store, "governance-votes", load_votes)
    return store


def member(sender: str) -> int:
    with session_scope() as session:
        return resident_for(session, "rest", sender)


def proposal_row(proposal_id: int) -> Proposal:
    with session_scope() as session:
        found = session.execute(select(Proposal).where(Proposal.id == proposal_id)).scalar_one()
        session.expunge(found)
        return found


def after(**delta) -> object:
    """The frozen moment moved by `delta` (aware, Moscow)."""
    return NOW + timedelta(**delta)
