"""Linking a phone that already has a profile: what the channel's anonymous resident had comes along (accounts,
memberships, addresses), or, when both hold what only one may, nothing changes and the resident is told."""

from decimal import Decimal

from sqlalchemy import func, select

from engine import residents
from engine.residents import CodeCheck
from engine.store import session_scope
from engine.store.merge import resident_references
from engine.store.models import AuditRecord, ChannelIdentity, Resident, ResidentAddress
from skills.marketplace.models import MarketProvider
from skills.utilities.models import UtilitiesAccount
from tests.store.resident_helpers import PHONE, RecordingSender, link_phone, resident_of


def account(number: str, resident_id: int) -> UtilitiesAccount:
    return UtilitiesAccount(
        number=number,
        address="ул. Ленина, 5, кв. 1",
        management_company="УК",
        area_m2=Decimal("40"),
        holder_phone=PHONE,
        resident_id=resident_id,
    )


def provider(resident_id: int, name: str) -> MarketProvider:
    return MarketProvider(resident_id=resident_id, name=name, phone=PHONE)


def test_the_skills_tables_are_found_from_the_database_itself(store):
    with session_scope() as session:
        found = set(resident_references(session))
    assert {("channel_identities", "resident_id"), ("utilities_accounts", "resident_id")} <= found
    assert ("market_providers", "resident_id") in found


def test_an_anonymous_channel_brings_its_accounts_and_membership_to_the_phones_profile(store):
    sender = RecordingSender()
    assert link_phone("telegram", "owner", sender) is CodeCheck.LINKED
    owner = resident_of("telegram", "owner")
    newcomer = resident_of("webchat", "new")
    with session_scope() as session:
        session.add(account("100000000001", newcomer))
        session.add(provider(newcomer, "Мастер"))
        residents.remember_address(session, newcomer, "ул. Мира, 1", skill="marketplace")
        residents.remember_address(session, owner, "ул. Ленина, 5", skill="utilities")
    assert link_phone("webchat", "new", sender) is CodeCheck.LINKED
    assert resident_of("webchat", "new") == owner
    with session_scope() as session:
        assert session.execute(select(UtilitiesAccount.resident_id)).scalar_one() == owner
        assert session.execute(select(MarketProvider.resident_id)).scalar_one() == owner
        assert residents.known_address(session, owner) == "ул. Ленина, 5"  # the phone owner's own wins
        assert session.execute(select(func.count(ResidentAddress.id))).scalar_one() == 1
        left = session.execute(
            select(func.count(ChannelIdentity.id)).where(ChannelIdentity.resident_id == newcomer)
        ).scalar_one()
        assert left == 0


def test_two_memberships_are_not_merged_and_nothing_changes(store):
    sender = RecordingSender()
    assert link_phone("telegram", "owner", sender) is CodeCheck.LINKED
    owner = resident_of("telegram", "owner")
    newcomer = resident_of("webchat", "new")
    with session_scope() as session:
        session.add(provider(owner, "Первый"))
        session.add(provider(newcomer, "Второй"))
        session.add(account("100000000002", newcomer))
    assert link_phone("webchat", "new", sender) is CodeCheck.CONFLICT
    assert resident_of("webchat", "new") == newcomer
    with session_scope() as session:
        assert session.execute(select(UtilitiesAccount.resident_id)).scalar_one() == newcomer
        assert session.get(Resident, newcomer).phone is None
        identity = residents.identity_for(session, "webchat", "new")
        assert identity.linked_at is None
        refused = session.execute(
            select(AuditRecord).where(AuditRecord.action == "phone_link_refused")
        ).scalar_one()
        assert refused.details["phone"] != PHONE  # masked


def test_a_channel_with_another_phone_leaves_that_phones_belongings_where_they_are(store):
    other = RecordingSender()
    with session_scope() as session:
        identity = residents.identity_for(session, "webchat", "new")
        residents.request_code(session, identity, "+79990000000", other)
    with session_scope() as session:
        identity = residents.identity_for(session, "webchat", "new")
        assert residents.confirm_code(session, identity, other.sent[-1][1]).outcome is CodeCheck.LINKED
    first = resident_of("webchat", "new")
    with session_scope() as session:
        session.add(account("100000000003", first))
    sender = RecordingSender()
    assert link_phone("telegram", "owner", sender) is CodeCheck.LINKED
    assert link_phone("webchat", "new", sender) is CodeCheck.LINKED
    assert resident_of("webchat", "new") == resident_of("telegram", "owner") != first
    with session_scope() as session:
        assert session.execute(select(UtilitiesAccount.resident_id)).scalar_one() == first
