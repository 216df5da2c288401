from datetime import timedelta

from sqlalchemy import text

from engine.sdk import session_scope
from skills.marketplace import contract_log, orders
from skills.marketplace.tests.conftest import NOW, Factory, moscow


def _log_three_events(factory, session):
    factory.provider("Иван")
    order = orders.place_order(
        session,
        factory.resident("customer"),
        "plumber",
        "ул. Речная, 1",
        moscow(NOW.date() + timedelta(days=1), 10),
        now=NOW,
    )
    orders.set_state(session, order, orders.DONE, NOW + timedelta(days=1))
    return [
        *contract_log.events_of(session, order.id),
        contract_log.append(session, order.id, "claim_opened", {"description": "течёт"}),
    ]


def test_an_intact_chain_verifies(session, factory):
    events = _log_three_events(factory, session)
    assert events[0].prev_hash == contract_log.GENESIS
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    assert contract_log.verify(session) is None


def test_an_edited_record_is_named(store):
    with session_scope() as session:
        events = _log_three_events(Factory(session), session)
        middle = events[1].id
    with session_scope() as session:
        session.execute(
            text("UPDATE market_contract_events SET payload = :p WHERE id = :id"),
            {"p": '{"days":365}', "id": middle},
        )
    with session_scope() as session:
        assert contract_log.verify(session) == middle


def test_a_deleted_record_breaks_the_chain_at_the_next_one(store):
    with session_scope() as session:
        events = _log_three_events(Factory(session), session)
        first, second = events[0].id, events[1].id
    with session_scope() as session:
        session.execute(text("DELETE FROM market_contract_events WHERE id = :id"), {"id": first})
    with session_scope() as session:
        assert contract_log.verify(session) == second
