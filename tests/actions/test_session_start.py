from actions.core.session import ActionSessionStart
from engine import handoff
from engine.store import session_scope
from engine.testing import make_tracker, run_action


def start_session(sender: str, slots=None):
    _, events = run_action(
        ActionSessionStart(), make_tracker("", sender_id=sender, channel="webchat", slots=slots)
    )
    return events


def test_a_new_session_carries_the_slots_over_and_listens(store):
    events = start_session("s1", {"phone": None, "edu_learner": "self"})
    assert [e["event"] for e in events] == ["session_started", "slot", "action"]
    assert (events[1]["name"], events[1]["value"]) == ("edu_learner", "self")
    assert events[-1]["name"] == "action_listen"


def test_a_conversation_held_at_the_desk_stays_paused_in_the_new_session(store):
    with session_scope() as session:
        request = handoff.open_request(
            session,
            channel="webchat",
            external_id="s2",
            resident_id=None,
            transcript=[],
            reason="resident_asked",
        )
        assert handoff.take(session, request.id, "Ольга")
    assert "pause" in [e["event"] for e in start_session("s2")]
    assert "pause" not in [e["event"] for e in start_session("s3")]  # another conversation
    with session_scope() as session:
        assert handoff.close(session, request.id, "Ольга")
    assert "pause" not in [e["event"] for e in start_session("s2")]
