from engine.sdk.offers import OFFER_KEY, Offer, accepted_values, carry, offer, pending_offer, replay
from engine.testing import make_tracker


def _bot(text: str, **metadata) -> dict:
    return {"event": "bot", "text": text, "metadata": metadata}


def _user(text: str, intent: str) -> dict:
    return {
        "event": "user",
        "text": text,
        "parse_data": {"intent": {"name": intent}},
        "input_channel": "rest",
    }


LINK = offer("utilities_link_account", accepts=["account_number"])


def test_the_offer_of_the_bots_latest_reply_is_pending():
    tracker = make_tracker(
        "да", "affirm", events=[_user("баланс", "utilities_balance"), _bot("Привяжем?", **LINK)]
    )
    assert pending_offer(tracker) == Offer("utilities_link_account", {}, ("account_number",))


def test_an_offer_ends_with_the_next_reply_of_the_bot():
    events = [
        _user("баланс", "utilities_balance"),
        _bot("Привяжем?", **LINK),
        _user("какие тарифы", "utilities_tariffs"),
        _bot("Тарифы: ..."),
    ]
    assert pending_offer(make_tracker("да", "affirm", events=events)) is None


def test_no_offer_before_the_first_reply():
    assert pending_offer(make_tracker("да", "affirm")) is None


def test_a_broken_offer_in_the_metadata_is_no_offer():
    events = [_user("баланс", "utilities_balance"), _bot("?", **{OFFER_KEY: {"entities": "x"}})]
    assert pending_offer(make_tracker("да", "affirm", events=events)) is None


def test_a_carried_offer_runs_out_of_turns():
    first = Offer("human_handoff")
    assert first.turns == 2
    later = Offer.from_metadata(carry(first)[OFFER_KEY])
    assert later is not None and later.turns == 1
    last = Offer.from_metadata(carry(later)[OFFER_KEY])
    assert last is not None and last.turns == 0
    assert carry(last) == {} and carry(None) == {}


def test_only_the_kinds_the_offer_accepts_answer_it():
    found = Offer("utilities_link_account", {}, ("account_number",))
    entities = [
        {"entity": "date", "value": "2026-12-05"},
        {"entity": "account_number", "value": "1002003004"},
    ]
    assert accepted_values(found, entities) == {"account_number": "1002003004"}
    assert accepted_values(found, entities[:1]) == {}


def test_a_replay_is_the_offers_intent_from_the_same_resident_and_channel():
    tracker = make_tracker("1002003004", "inform", channel="telegram")
    tracker.events[-1]["metadata"] = {"verified": "yes"}
    listen, user = replay(tracker, "utilities_link_account", {"account_number": "1002003004", "none": None})
    assert listen["event"] == "action" and listen["name"] == "action_listen"
    assert user["input_channel"] == "telegram" and user["metadata"] == {"verified": "yes"}
    assert user["text"] == "1002003004"
    assert user["parse_data"]["intent"] == {"name": "utilities_link_account", "confidence": 1.0}
    assert user["parse_data"]["entities"] == [{"entity": "account_number", "value": "1002003004"}]
