import threading

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from engine.residents import known_address, remember_address
from engine.sdk import resident_for
from engine.store import session_scope, utcnow
from engine.store.models import Resident, ResidentAddress
from engine.testing import at_once, make_tracker, run_action


def _resident() -> int:
    with session_scope() as session:
        resident = Resident()
        session.add(resident)
        session.flush()
        return resident.id


def _rows(resident_id: int):
    with session_scope() as session:
        return session.execute(
            select(ResidentAddress.address, ResidentAddress.skill).where(
                ResidentAddress.resident_id == resident_id
            )
        ).all()


def test_an_address_is_remembered_and_the_latest_one_wins(store):
    resident_id = _resident()
    with session_scope() as session:
        assert known_address(session, resident_id) is None
        remember_address(session, resident_id, "ул. Ленина, 5", skill="utilities")
        assert known_address(session, resident_id) == "ул. Ленина, 5"
    with session_scope() as session:
        remember_address(session, resident_id, "ул. Пушкина, 12, кв. 3", skill="marketplace")
    assert _rows(resident_id) == [("ул. Пушкина, 12, кв. 3", "marketplace")]


def test_the_address_of_one_resident_is_not_anothers(store):
    first, second = _resident(), _resident()
    with session_scope() as session:
        remember_address(session, first, "ул. Мира, 1", skill="utilities")
        assert known_address(session, second) is None


@pytest.mark.parametrize("empty", ["", "   ", "\n\t", None])
def test_an_empty_address_is_ignored_and_keeps_the_known_one(store, empty):
    resident_id = _resident()
    with session_scope() as session:
        remember_address(session, resident_id, empty, skill="utilities")
        assert known_address(session, resident_id) is None
        remember_address(session, resident_id, "ул. Садовая, 3", skill="utilities")
        remember_address(session, resident_id, empty, skill="marketplace")
    assert _rows(resident_id) == [("ул. Садовая, 3", "utilities")]


def test_the_text_is_stripped_and_capped(store):
    resident_id = _resident()
    with session_scope() as session:
        remember_address(session, resident_id, "  ул. Кирова,\n  д. 7  ", skill="utilities")
        assert known_address(session, resident_id) == "ул. Кирова, д. 7"
        remember_address(session, resident_id, "проспект Победы, " + "д" * 400, skill="utilities")
        stored = known_address(session, resident_id)
    assert len(stored) == 255 and stored.startswith("проспект Победы, д")


def test_an_unknown_resident_is_refused_by_the_store(store):
    with pytest.raises(IntegrityError), session_scope() as session:
        remember_address(session, 987654, "ул. Труда, 2", skill="utilities")


def test_two_concurrent_calls_for_one_resident_keep_one_row(store):
    """The first call's insert is still uncommitted when the second one writes: a read-then-insert would fail on
    the unique resident; the upsert waits and updates."""
    resident_id = _resident()
    written = threading.Event()

    def remember(call) -> None:
        address, skill, first = call
        if not first:
            written.wait(10)
        try:
            with session_scope() as session:
                remember_address(session, resident_id, address, skill=skill)
                if first:
                    written.set()
                    threading.Event().wait(0.5)  # holds the uncommitted row while the second call writes
        finally:
            written.set()  # a first call that failed keeps the second one waiting no longer

    at_once(remember, [("ул. Гагарина, 10", "utilities", True), ("ул. Чехова, 4", "marketplace", False)])
    assert _rows(resident_id) == [("ул. Чехова, 4", "marketplace")]
    with session_scope() as session:
        assert session.execute(select(func.count(ResidentAddress.id))).scalar_one() == 1


def test_linking_a_utilities_account_remembers_its_address(store):
    from skills.utilities import demo
    from skills.utilities.accounts import Ownership, link_account
    from skills.utilities.actions.link import ActionUtilitiesLinkAccountDone

    with session_scope() as session:
        demo.load_demo(session)
        resident_id = resident_for(session, "rest", "resident-1")
        # The resident confirmed the phone on the account's contract with a one-time code, as the core's profile
        # leaves it (residents.phone); demo.yml: the holder phone of 1002003004.
        session.execute(update(Resident).where(Resident.id == resident_id).values(phone="+79123454321"))
        linked = link_account(session, "1002003004", resident_id, utcnow())
    assert linked.outcome is Ownership.LINKED
    slots = {"utilities_account_number": "1002003004", "utilities_ownership_check": "linked"}
    run_action(ActionUtilitiesLinkAccountDone(), make_tracker(slots=slots))
    assert _rows(resident_id) == [("ул. Ленина, 15, кв. 42", "utilities")]


def test_placing_a_marketplace_order_remembers_its_address(store):
    from skills.marketplace import demo
    from skills.marketplace.tests.conversations import ADDRESS, place

    with session_scope() as session:
        demo.load_demo(session)
    place("resident-2")
    with session_scope() as session:
        assert known_address(session, resident_for(session, "rest", "resident-2")) == ADDRESS
