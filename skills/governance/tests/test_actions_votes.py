"""The votes in conversation: the agenda with vote buttons, one proposal in full, the resident's own proposals;
voting through its form (by number, by place in the list shown, by the title's words, a list shown twice, not a
member, in review, closed); the close job and the notices; the results with the minutes' head."""

import pytest

from engine.testing import button_titles, slot_events, texts
from skills.governance.actions.vote import (
    ActionAskGovVoteChoice,
    ActionAskGovVoteProposal,
    ActionGovVoteDone,
    ValidateGovVoteForm,
)
from skills.governance.actions.vote_texts import LISTED
from skills.governance.actions.votes import ActionGovProposals

from .helpers import act, form, said
from .votes_fixtures import (
    COMMISSION,
    STANDARD,
    votes_store,  # noqa: F401 (a fixture)
)

pytestmark = pytest.mark.usefixtures("votes_store")

FORM = "gov_vote_form"
PROPOSAL, CHOICE = "gov_vote_proposal", "gov_vote_choice"


def shown(*lists):
    """Bot messages that listed open proposals, as the tracker keeps them."""
    return [{"event": "bot", "text": "", "metadata": {LISTED: list(ids)}} for ids in lists]


def entity(name, value):
    return {"entity": name, "value": value}


def start(text, entities=(), sender="me", events=None, new=None):
    """The vote form's first turn: the slots the request set (as its mappings would) and what the form says."""
    return form(
        ValidateGovVoteForm(),
        FORM,
        text,
        "gov_vote",
        new=new or {},
        entities=list(entities),
        sender=sender,
        events=events,
    )


def test_the_agenda_with_turnout_own_vote_and_a_button_each():
    messages, _ = act(ActionGovProposals(), "какие сейчас голосования", "gov_proposals", sender="me")
    assert said(messages) == ["utter_gov_proposals_open", "utter_gov_proposals_review"]
    shown_text = texts(messages)
    assert (
        "1. № 1 «Снизить комиссию кооператива до 7%» — до пт 20 ноября, 12:20, проголосовали 5 из 6; "
        "вы ещё не голосовали"
    ) in shown_text
    assert (
        "• № 3 «Скидка 10% пенсионерам на вызов мастера по будням» — голосование откроется пт 20 ноября, 13:30"
        in (shown_text)
    )
    assert button_titles(messages) == ["Голосовать по № 1", "Голосовать по № 2"]
    assert messages[0][LISTED] == [COMMISSION, STANDARD]
    assert messages[0]["buttons"][0]["payload"] == '/gov_vote{"proposal_id": "1"}'


def test_the_proposers_own_proposals():
    messages, _ = act(ActionGovProposals(), "какие сейчас голосования", "gov_proposals", sender="member-anna")
    assert said(messages)[-1] == "utter_gov_proposals_mine"
    assert "ваш голос — «за»" in texts(messages)
    messages, _ = act(ActionGovProposals(), "мои предложения", "gov_proposals", sender="member-dina")
    assert texts(messages) == (
        "Ваши предложения:\n• № 5 «Проводить общее собрание членов онлайн раз в квартал» — отклонено, "
        "голосование закрыто пн 16 ноября, 12:00"
    )
    messages, _ = act(ActionGovProposals(), "мои предложения", "gov_proposals", sender="guest")
    assert said(messages) == ["utter_gov_proposals_mine_none"]


def test_one_proposal_in_full():
    messages, _ = act(
        ActionGovProposals(),
        "что за предложение 1",
        "gov_proposals",
        entities=[entity("proposal_id", "1")],
        sender="me",
    )
    text = texts(messages)
    assert text.startswith(
        "Предложение № 1 «Снизить комиссию кооператива до 7%»\nСейчас кооператив удерживает 10%"
    )
    assert "Изменение: комиссия кооператива — 7 % вместо 10 %, с 20 ноября." in text
    assert "не меньше 50% членов кооператива" in text and button_titles(messages) == ["Голосовать по № 1"]
    messages, _ = act(ActionGovProposals(), "расскажи про пятое", "gov_proposals", events=shown([1, 2]))
    assert "Итог: отклонено (не набран кворум — нужно было не меньше 3 из 6)" in texts(messages)
    messages, _ = act(
        ActionGovProposals(), "предложение 42", "gov_proposals", entities=[entity("proposal_id", "42")]
    )
    assert said(messages) == ["utter_gov_proposal_unknown"]


def test_a_vote_by_place_in_the_list_shown_then_changed():
    _, events = start(
        "голосую за первое",
        [entity("vote_choice", "for"), entity("proposal_id", "первое")],
        events=shown([STANDARD, COMMISSION]),
        new={PROPOSAL: "первое", CHOICE: "for"},
    )
    slots = slot_events(events)
    assert (slots[PROPOSAL], slots[CHOICE]) == (str(STANDARD), "for")
    messages, cleared = act(ActionGovVoteDone(), slots=slots, sender="me")
    assert texts(messages) == (
        "Учёл ваш голос «за» по № 2 «Стандарт сервиса — мастер приходит в согласованное окно ±30 минут». "
        "Передумаете — проголосуйте снова до ср 25 ноября, 12:00, учтётся последний голос."
    )
    assert slot_events(cleared) == {PROPOSAL: None, CHOICE: None}
    messages, _ = act(ActionGovVoteDone(), slots={**slots, CHOICE: "against"}, sender="me")
    assert said(messages) == ["utter_gov_vote_changed"] and "был «за», теперь «против»" in texts(messages)


def test_lists_shown_twice_make_the_bot_ask_back_and_a_title_names_a_proposal():
    _, events = start("я за снижение комиссии")
    slots = slot_events(events)
    assert (slots[PROPOSAL], slots[CHOICE]) == (str(COMMISSION), "for")
    messages, events = start(
        "за первое", events=shown([COMMISSION, STANDARD], [STANDARD, COMMISSION]), new={PROPOSAL: "первое"}
    )
    assert said(messages) == ["utter_gov_vote_which_list"] and slot_events(events)[PROPOSAL] is None
    _, events = start(
        "за первое", events=shown([COMMISSION, STANDARD], [COMMISSION]), new={PROPOSAL: "первое"}
    )
    assert slot_events(events)[PROPOSAL] == str(COMMISSION)  # both lists agree on the first


def test_a_place_beyond_the_list_is_the_number_and_one_in_review_or_closed_takes_no_vote():
    messages, events = start("за третье", events=shown([COMMISSION, STANDARD]), new={PROPOSAL: "третье"})
    assert said(messages) == ["utter_gov_vote_not_open_yet"]
    assert "Голосовать можно будет с пт 20 ноября, 13:30" in texts(messages)
    assert slot_events(events)[PROPOSAL] == "__stop__"
    messages, events = start("голосую по № 5", new={PROPOSAL: "5"})
    assert said(messages) == ["utter_gov_vote_closed"] and "Итог: отклонено" in texts(messages)
    assert slot_events(events)[PROPOSAL] == "__stop__"


def test_a_non_member_is_offered_to_join():
    messages, events = start("голосую за первое", sender="guest", new={PROPOSAL: "первое", CHOICE: "for"})
    assert said(messages) == ["utter_gov_not_member"]
    assert messages[0]["offer"]["intent"] == "market_provider_join"
    assert button_titles(messages) == ["Стать исполнителем"]
    assert slot_events(events)[PROPOSAL] == "__stop__"
    messages, _ = act(ActionGovVoteDone(), slots={PROPOSAL: "1", CHOICE: "for"}, sender="guest")
    assert said(messages) == ["utter_gov_not_member"]
    # the form ends on its stop: nothing more is said, and no proposal is asked for
    messages, events = act(ActionGovVoteDone(), slots={PROPOSAL: "__stop__", CHOICE: "for"}, sender="guest")
    assert (
        said(messages) == [] and slot_events(events)[PROPOSAL] is None and slot_events(events)[CHOICE] is None
    )


def test_which_proposal_and_which_choice_are_asked_with_buttons():
    messages, events = act(ActionAskGovVoteProposal(), sender="me")
    assert button_titles(messages) == ["Голосовать по № 1", "Голосовать по № 2"] and events == []
    assert messages[0][LISTED] == [COMMISSION, STANDARD]
    messages, _ = act(ActionAskGovVoteChoice(), slots={PROPOSAL: "1"}, sender="me")
    assert texts(messages) == "Ваш голос по № 1 «Снизить комиссию кооператива до 7%»?"
    assert [b["payload"] for b in messages[0]["buttons"]] == [
        '/inform{"vote_choice": "for"}',
        '/inform{"vote_choice": "against"}',
        '/inform{"vote_choice": "abstain"}',
    ]
    assert button_titles(messages) == ["За", "Против", "Воздержаться"]


def test_choices_typed_as_answers():
    for text, choice in (
        ("я против", "against"),
        ("не поддерживаю", "against"),
        ("воздержусь", "abstain"),
        ("да", "for"),
    ):
        _, events = form(
            ValidateGovVoteForm(),
            FORM,
            text,
            "deny",
            slots={PROPOSAL: "1"},
            new={CHOICE: text},
            sender="me",
            requested=CHOICE,
        )
        assert slot_events(events)[CHOICE] == choice, text
    messages, events = form(
        ValidateGovVoteForm(),
        FORM,
        "ну не знаю",
        slots={PROPOSAL: "1"},
        new={CHOICE: "ну не знаю"},
        requested=CHOICE,
    )
    assert said(messages) == ["utter_gov_vote_choice_unknown"] and slot_events(events)[CHOICE] is None
