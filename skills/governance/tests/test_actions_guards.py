"""Paying a fine, filing an appeal and rating its answer, tried as another resident (a confirmation's slots and
key forged), twice at once, after a stale confirmation, and with hostile input: the resident reads why in Russian,
and no payment or appeal changes that was not theirs to make. Votes and proposals: test_actions_guards_votes.py;
appointments: test_actions_guards_appointments.py."""

import pytest
from sqlalchemy import func, select

from engine.sdk import session_scope
from engine.testing import HOSTILE_IDS, at_once, hostile_id, meeting_after, texts
from skills.governance import appeals, fines
from skills.governance.actions.appeal import ActionAskGovAppealConfirm, ActionGovAppealDone
from skills.governance.actions.fine import ActionGovFineDone
from skills.governance.models import ANSWERED, Appeal

from .helpers import act, resident, said
from .test_actions_appeal import CONFIRM, FILLED, KEY, PHOTO, mine, status
from .test_actions_fine import QUOTED, SPEEDING, UIN, confirmation, paid_by, payments

OTHER = "resident-2"
AMOUNTS = ["NaN", "sNaN", "Infinity", "-250", "0", "1e999999", "abc", "250" * 1000]


def fine_done(slots, sender="resident-1"):
    return act(ActionGovFineDone(), "да", "affirm", slots={**slots, "gov_fine_confirm": True}, sender=sender)


def confirmed_appeal(sender="me", **changed):
    """The appeal form's slots after its confirmation was shown and answered yes."""
    slots = {**FILLED, **changed}
    _, events = act(ActionAskGovAppealConfirm(), slots=slots, sender=sender)
    return {**slots, **{e["name"]: e["value"] for e in events if e.get("event") == "slot"}, CONFIRM: True}


def appeal_count() -> int:
    with session_scope() as session:
        return session.execute(select(func.count(Appeal.id))).scalar_one()


def rated(number, rating, sender="me"):
    entities = [
        {"entity": "order_id", "value": str(number)},
        {"entity": "gov_appeal_rating", "value": rating},
    ]
    return said(status(str(rating), entities=entities, sender=sender))


# ---- fines ----


def test_anothers_confirmation_of_a_fine_i_paid_shows_neither_my_payment_nor_charges(demo_store):
    mine_done, slots = paid_by("resident-1")
    assert said(mine_done) == ["utter_gov_fine_paid"]
    messages, _ = fine_done(slots, sender=OTHER)  # the same slots, key and all
    assert said(messages) == ["utter_gov_fine_already_paid"], texts(messages)
    assert "ТЕСТОВЫЙ ПЛАТЁЖ" not in texts(messages) and payments() == 1


def test_one_fine_confirmation_sent_twice_at_once_pays_once(demo_store, monkeypatch):
    _, slots = confirmation(SPEEDING)
    resident("resident-1")  # the resident exists before the race
    monkeypatch.setattr(fines, "fine_by_uin", meeting_after(fines.fine_by_uin, 2))
    answers = at_once(lambda _: said(fine_done(slots)[0]), [1, 2])
    assert answers == [["utter_gov_fine_paid"]] * 2  # the second answers with the first's receipt
    assert payments() == 1


def test_a_fine_paid_by_someone_else_while_deciding_is_not_charged_again(demo_store):
    _, slots = confirmation(SPEEDING)
    paid_by(OTHER)
    messages, _ = fine_done(slots)
    assert said(messages) == ["utter_gov_fine_already_paid"] and payments() == 1


@pytest.mark.parametrize("amount", AMOUNTS, ids=hostile_id)
def test_hostile_amounts_confirmed_charge_nothing(demo_store, amount):
    _, slots = confirmation(SPEEDING)
    messages, _ = fine_done({**slots, QUOTED: amount})
    assert said(messages) in (["utter_gov_fine_amount_changed_after"], ["utter_gov_fine_declined"]), texts(
        messages
    )
    assert payments() == 0


@pytest.mark.parametrize("value", HOSTILE_IDS, ids=hostile_id)
def test_hostile_fine_numbers_confirmed_charge_nothing(demo_store, value):
    _, slots = confirmation(SPEEDING)
    messages, _ = fine_done({**slots, UIN: value})
    assert said(messages) == ["utter_gov_fine_not_found"] and payments() == 0


# ---- appeals ----


def test_anothers_confirmation_key_files_an_appeal_of_ones_own(demo_store):
    slots = confirmed_appeal()
    assert said(act(ActionGovAppealDone(), slots=slots, sender="me")[0]) == ["utter_gov_appeal_filed"]
    before, my_appeals = appeal_count(), mine()
    messages, _ = act(ActionGovAppealDone(), slots={**slots, "gov_appeal_address": "Мира 3"}, sender=OTHER)
    assert said(messages) == ["utter_gov_appeal_filed"]
    assert mine() == my_appeals and appeal_count() == before + 1
    [theirs] = mine(OTHER)
    assert f"№ {theirs}" in texts(messages) and theirs not in my_appeals


def test_one_appeal_confirmation_sent_twice_at_once_files_once(demo_store, monkeypatch):
    slots = confirmed_appeal(sender=OTHER)
    mine(OTHER)  # the resident exists before the race
    monkeypatch.setattr(appeals, "_by_key", meeting_after(appeals._by_key, 2))
    answers = at_once(lambda _: texts(act(ActionGovAppealDone(), slots=slots, sender=OTHER)[0]), [1, 2])
    assert answers[0] == answers[1] and len(mine(OTHER)) == 1


def test_another_resident_cannot_rate_my_answer_and_a_rating_twice_at_once_counts_once(
    demo_store, monkeypatch
):
    [answered] = mine(status=ANSWERED)
    with session_scope() as session:
        session.get(Appeal, answered).rating = None
    assert rated(answered, "1", sender=OTHER) == ["utter_gov_appeal_not_found"]
    monkeypatch.setattr(appeals, "appeal_by_id", meeting_after(appeals.appeal_by_id, 2))
    answers = at_once(lambda rating: rated(answered, rating), ["5", "2"])
    assert sorted(answers) == [["utter_gov_appeal_already_rated"], ["utter_gov_appeal_rated"]]
    with session_scope() as session:
        assert session.get(Appeal, answered).rating in (5, 2)


@pytest.mark.parametrize("value", HOSTILE_IDS, ids=hostile_id)
def test_hostile_slots_of_a_confirmed_appeal_are_stored_as_harmless_text_or_refused(demo_store, value):
    before = appeal_count()
    for slot in ("gov_appeal_category", "gov_appeal_address", "gov_appeal_description", PHOTO, KEY):
        slots = {**confirmed_appeal(sender=OTHER), slot: value}
        messages, _ = act(ActionGovAppealDone(), slots=slots, sender=OTHER)
        assert said(messages) in (["utter_gov_appeal_filed"], ["utter_gov_appeal_declined"]), slot
    with session_scope() as session:
        stored = session.execute(select(Appeal).where(Appeal.id > before)).scalars().all()
        for appeal in stored:
            assert appeal.category in appeals.CATEGORIES and len(appeal.address) <= appeals.MAX_ADDRESS
            assert appeal.photo_url is None or appeals.read_photo_url(appeal.photo_url)[0] == appeal.photo_url
    entities = [{"entity": "order_id", "value": value}, {"entity": "gov_appeal_rating", "value": value}]
    assert said(status(value[:100], entities=entities)) in (
        ["utter_gov_appeal_not_found"],
        ["utter_gov_appeal_bad_rating"],
        ["utter_gov_appeal_nothing_to_rate"],
        ["utter_gov_appeal_rate_which"],
    )
