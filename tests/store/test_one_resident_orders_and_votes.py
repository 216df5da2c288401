"""One resident, many channels, for what she does in the cooperative (SQLite and PostgreSQL): an order placed in
the web chat and a vote cast in Telegram, each while that channel was not linked yet, are hers from every channel
once the channels are linked by phone — Alice included — as the skills' own actions show them.

Tested at the store and action level (the skills' store functions, the phone link of engine/residents.py with its
merge of engine/store/merge.py, the actions as the action server runs them), not through the servers' NLU: the
conversation e2e test (tests/e2e/test_one_resident_many_channels.py) needs a trained model, and whether an order
and a vote are the resident's is decided by the store, whichever words reached it.
"""

from datetime import timedelta

from sqlalchemy import select

from engine import residents
from engine.residents import CodeCheck
from engine.sdk import admit_member, clock, is_member
from engine.store import session_scope
from engine.store.merge import resident_references
from engine.store.models import ChannelIdentity
from engine.testing import make_tracker, run_action, texts
from skills.governance import proposals
from skills.governance.actions.votes import ActionGovProposals
from skills.governance.models import OPEN, Proposal, Vote
from skills.marketplace import orders
from skills.marketplace.actions.my_orders import ActionMarketOrderStatus
from skills.marketplace.tests.conftest import Factory
from tests.store.resident_helpers import RecordingSender, link_phone, resident_of

WEB, TELEGRAM, ALICE = ("webchat", "3f2a" * 8), ("telegram", "555"), ("alice", "YANDEX-USER-1")
ADDRESS = "Заречный район, ул. Речная, 1"


def my_orders(channel: str, external_id: str) -> str:
    tracker = make_tracker("мои заказы", "market_order_status", sender_id=external_id, channel=channel)
    return texts(run_action(ActionMarketOrderStatus(), tracker)[0])


def agenda(channel: str, external_id: str) -> str:
    tracker = make_tracker(
        "какие сейчас голосования", "gov_proposals", sender_id=external_id, channel=channel
    )
    return texts(run_action(ActionGovProposals(), tracker)[0])


def open_proposal() -> int:
    now = clock.to_store(clock.now())
    with session_scope() as session:
        proposer = residents.identity_for(session, "rest", "proposer").resident_id
        proposal = Proposal(
            title="Скамейки во дворе",
            text="Поставить две скамейки во дворе дома 5.",
            kind="rules",
            proposer_id=proposer,
            status=OPEN,
            created_at=now - timedelta(days=2),
            opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(days=3),
        )
        session.add(proposal)
        session.flush()
        return proposal.id


def test_an_order_from_the_web_and_a_vote_from_telegram_are_hers_in_every_channel(store):
    with session_scope() as session:
        assert {("market_orders", "customer_id"), ("gov_votes", "member_id")} <= set(
            resident_references(session)
        )
    sender = RecordingSender()
    proposal = open_proposal()

    # The web chat, not linked yet: she orders a plumber, then links her phone there (the phone's first channel).
    web = resident_of(*WEB)
    with session_scope() as session:
        Factory(session).provider("Иван")
        start = clock.local_moment(clock.today() + timedelta(days=1), 10)
        order = orders.place_order(session, web, "plumber", ADDRESS, start).id
    assert link_phone(*WEB, sender) is CodeCheck.LINKED
    assert resident_of(*WEB) == web

    # Telegram, not linked yet: a member of the cooperative there, she votes; then links the same phone.
    telegram = resident_of(*TELEGRAM)
    assert telegram != web
    with session_scope() as session:
        admit_member(session, telegram, since=clock.today() - timedelta(days=30), source="test")
        assert proposals.cast_vote(session, proposal, telegram, "for", clock.now()).status == proposals.CAST
    assert f"Заказ № {order}" not in my_orders(*TELEGRAM)  # before linking: a resident of her own
    assert link_phone(*TELEGRAM, sender) is CodeCheck.LINKED
    assert resident_of(*TELEGRAM) == web  # Telegram's anonymous resident merged into the phone's

    # Alice: nothing of hers before the link, everything after it.
    assert f"Заказ № {order}" not in my_orders(*ALICE)
    assert "ваш голос — «за»" not in agenda(*ALICE)
    assert link_phone(*ALICE, sender) is CodeCheck.LINKED
    assert resident_of(*ALICE) == web

    for channel in (WEB, TELEGRAM, ALICE):
        assert f"Заказ № {order}: сантехник, " in my_orders(*channel), channel
        shown = agenda(*channel)
        assert "«Скамейки во дворе»" in shown and "ваш голос — «за»" in shown, (channel, shown)
    with session_scope() as session:
        vote = session.execute(select(Vote).where(Vote.proposal_id == proposal)).scalar_one()
        assert (vote.member_id, vote.choice) == (web, "for")
        assert is_member(session, web)
        assert orders.order_by_id(session, order).customer_id == web
        left = session.execute(
            select(ChannelIdentity.channel).where(ChannelIdentity.resident_id == telegram)
        ).all()
        assert left == []


def test_two_members_voting_apart_are_not_merged_and_no_vote_is_lost(store):
    """The phone's resident voted on the web and Telegram's anonymous resident, a member of its own, on the same
    proposal: the link refuses to merge them (one membership, one vote a resident), so no vote is lost, moved
    or doubled, and each channel still sees its own."""
    sender = RecordingSender()
    proposal = open_proposal()
    web = resident_of(*WEB)
    assert link_phone(*WEB, sender) is CodeCheck.LINKED
    telegram = resident_of(*TELEGRAM)
    with session_scope() as session:
        for member, choice in ((web, "for"), (telegram, "against")):
            admit_member(session, member, since=clock.today() - timedelta(days=30), source="test")
            proposals.cast_vote(session, proposal, member, choice, clock.now())
    assert link_phone(*TELEGRAM, sender) is CodeCheck.CONFLICT
    with session_scope() as session:
        votes = session.execute(select(Vote.member_id, Vote.choice).where(Vote.proposal_id == proposal)).all()
    assert sorted(votes) == sorted([(web, "for"), (telegram, "against")])
    assert "ваш голос — «за»" in agenda(*WEB) and "ваш голос — «против»" in agenda(*TELEGRAM)
