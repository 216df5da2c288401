"""The vote's scheduled work and what members read after it: the close job (silent, safe twice), the result
notice with the minutes' new head (once), the opening notice, the results with counts and turnout; a form that
has nothing open to vote on."""

import pytest

from engine.sdk import session_scope
from engine.testing import button_titles, freeze_clock, scheduled_notifications, texts
from skills.governance import closing, minutes, notices
from skills.governance.actions.results import ActionGovResults
from skills.governance.actions.vote import ActionAskGovVoteProposal
from skills.governance.actions.vote_jobs import ActionGovCloseVote, ActionGovVoteNotice

from .helpers import act, said
from .votes_fixtures import (
    COMMISSION,
    DISCOUNT,
    after,
    proposal_row,
    votes_store,  # noqa: F401 (a fixture)
)

pytestmark = pytest.mark.usefixtures("votes_store")


def entity(name, value):
    return {"entity": name, "value": value}


def test_nothing_open_ends_the_form():
    with session_scope() as session:
        closing.close_due(session, after(days=8))
    messages, events = act(ActionAskGovVoteProposal(), sender="me")
    assert said(messages) == ["utter_gov_vote_nothing_open"]
    assert {"event": "active_loop", "name": None} in [
        {"event": e["event"], "name": e.get("name")} for e in events if e["event"] == "active_loop"
    ]


def test_the_close_job_then_the_members_notice_with_the_head(monkeypatch):
    freeze_clock(monkeypatch, after(minutes=21))
    job = [entity("proposal_id", "1")]
    messages, _ = act(
        ActionGovCloseVote(), "", "EXTERNAL_gov_close_vote", entities=job, sender="governance-jobs"
    )
    assert messages == [] and proposal_row(COMMISSION).outcome == "adopted"
    again, _ = act(
        ActionGovCloseVote(), "", "EXTERNAL_gov_close_vote", entities=job, sender="governance-jobs"
    )
    assert again == []
    with session_scope() as session:
        head = minutes.head(session)
    notice = next(
        (number, entities)
        for number, name, _, entities, conversation in scheduled_notifications()
        if name == f"result-{COMMISSION}" and conversation == "rest:me"
    )
    sent = [entity("notification_id", notice[0])] + [entity(k, v) for k, v in notice[1].items()]
    messages, _ = act(ActionGovVoteNotice(), "", "EXTERNAL_gov_vote_notice", entities=sent, sender="me")
    assert texts(messages).startswith(
        "Итоги голосования по № 1 «Снизить комиссию кооператива до 7%»: принято («за» больше, чем «против»). "
        "За — 4, против — 1, воздержались — 0; проголосовали 5 из 6 (83%). С 20 ноября комиссия кооператива — 7 %."
    )
    assert f"Протокол № 3. Новый отпечаток цепочки протоколов: {head}" in texts(messages)
    twice, _ = act(ActionGovVoteNotice(), "", "EXTERNAL_gov_vote_notice", entities=sent, sender="me")
    assert twice == []


def test_the_opening_notice_offers_to_vote(monkeypatch):
    notice = next(
        (number, entities)
        for number, name, _, entities, conversation in scheduled_notifications()
        if name == f"{notices.OPENED}-{DISCOUNT}" and conversation == "rest:member-anna"
    )
    freeze_clock(monkeypatch, after(minutes=91))
    sent = [entity("notification_id", notice[0])] + [entity(k, v) for k, v in notice[1].items()]
    messages, _ = act(
        ActionGovVoteNotice(), "", "EXTERNAL_gov_vote_notice", entities=sent, sender="member-anna"
    )
    assert texts(messages).startswith("Открылось голосование по № 3 «Скидка 10% пенсионерам на вызов мастера")
    assert button_titles(messages) == ["Голосовать по № 3", "Подробнее о № 3"]


def test_results_with_counts_turnout_and_the_minutes_head():
    messages, _ = act(ActionGovResults(), "итоги голосования", "gov_results", sender="me")
    text = texts(messages)
    with session_scope() as session:
        head = minutes.head(session)
    assert text.startswith(
        "Итоги голосований:\n• № 5 «Проводить общее собрание членов онлайн раз в квартал», закрыто"
    )
    assert "отклонено (не набран кворум — нужно было не меньше 3 из 6)" in text
    assert (
        "принято («за» больше, чем «против»). За — 4, против — 1, воздержались — 0; проголосовали 5 из 6 (83%)."
        in text
    )
    assert text.endswith(f"Последний отпечаток цепочки протоколов: {head}") and len(head) == 64
    messages, _ = act(
        ActionGovResults(), "итоги по первому", "gov_results", entities=[entity("proposal_id", "1")]
    )
    assert said(messages) == ["utter_gov_results_still_open"]
