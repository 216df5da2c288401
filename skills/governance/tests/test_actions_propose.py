"""Proposing through its form: the title from the request, the parameter change read from the text (its value asked
when missing or out of bounds), a correction at the confirmation, publishing once, the proposer's status view;
non-members; hostile and empty titles."""

import pytest

from engine.testing import button_titles, slot_events, texts
from skills.governance.actions.propose import (
    ActionAskGovProposeConfirm,
    ActionAskGovProposeValue,
    ActionGovProposeDone,
    ValidateGovProposeForm,
    title_from_request,
)
from skills.governance.actions.votes import ActionGovProposals

from .helpers import act, form, said
from .votes_fixtures import proposal_row, votes_store  # noqa: F401 (a fixture)

STORE = pytest.mark.usefixtures("votes_store")

FORM = "gov_propose_form"
TITLE, TEXT, PARAMETER = "gov_propose_title", "gov_propose_text", "gov_propose_parameter"
VALUE, EFFECTIVE, CONFIRM = "gov_propose_value", "gov_propose_effective", "gov_propose_confirm"


def validate(text, slots=None, new=None, requested=None, intent="inform", sender="me"):
    return form(
        ValidateGovProposeForm(), FORM, text, intent, slots=slots, new=new, requested=requested, sender=sender
    )


def test_the_title_said_with_the_request():
    assert title_from_request("предлагаю снизить комиссию до 7%") == "Снизить комиссию до 7%"
    assert title_from_request("Предложение: проводить собрания онлайн") == "Проводить собрания онлайн"
    assert title_from_request("хочу внести предложение") is None
    assert title_from_request("есть предложение для кооператива") is None


@STORE
def test_a_commission_change_from_request_to_publication():
    _, events = validate("предлагаю снизить комиссию до 7%", intent="gov_propose")
    slots = slot_events(events)
    assert slots[TITLE] == "Снизить комиссию до 7%" and slots["requested_slot"] == TEXT
    text = "Расходы платформы снизились, мастера теряют крупные заказы. С 1 января 2027 года."
    _, events = validate(text, slots={TITLE: slots[TITLE]}, new={TEXT: text}, requested=TEXT)
    slots = {TITLE: slots[TITLE], **slot_events(events)}
    # every slot of the form's own list but the confirmation is filled: the form asks it next
    assert (slots[PARAMETER], slots[VALUE], slots[EFFECTIVE]) == ("commission_percent", "7", "2027-01-01")
    messages, _ = act(ActionAskGovProposeConfirm(), slots=slots, sender="me")
    shown = texts(messages)
    assert shown.startswith("Публикую предложение:\n«Снизить комиссию до 7%»\nРасходы платформы снизились")
    assert "Изменение: комиссия кооператива — 7 % вместо 10 %, с 1 января." in shown
    assert "Сначала обсуждение до пт 20 ноября, 14:00, затем голосование до пт 27 ноября, 14:00." in shown
    messages, cleared = act(ActionGovProposeDone(), slots={**slots, CONFIRM: True}, sender="me")
    assert said(messages) == ["utter_gov_proposed"] and button_titles(messages) == ["Мои предложения"]
    assert "Предложение № 6 «Снизить комиссию до 7%» опубликовано." in texts(messages)
    assert all(value is None for value in slot_events(cleared).values())
    row = proposal_row(6)
    assert (row.status, row.kind, row.parameter, str(row.parameter_value), str(row.effective_from)) == (
        "review",
        "parameter",
        "commission_percent",
        "7.00",
        "2027-01-01",
    )
    again, _ = act(ActionGovProposeDone(), slots={**slots, CONFIRM: True}, sender="me")  # the same «да» twice
    assert "№ 6" in texts(again)
    mine = '/gov_proposals{"gov_list_own": "yes"}'
    assert messages[0]["buttons"][0]["payload"] == mine
    messages, _ = act(
        ActionGovProposals(),
        "/gov_proposals",
        "gov_proposals",
        entities=[{"entity": "gov_list_own", "value": "yes"}],
        sender="me",
    )
    assert texts(messages).startswith("Ваши предложения:\n• № 6 «Снизить комиссию до 7%» — на обсуждении")


@STORE
def test_a_missing_or_impossible_value_is_asked():
    slots = {TITLE: "Снизить комиссию"}
    text = "Комиссия слишком высокая, её надо снизить."
    _, events = validate(text, slots=slots, new={TEXT: text}, requested=TEXT)
    slots = {**slots, **slot_events(events)}
    assert (slots[PARAMETER], slots[VALUE]) == ("commission_percent", None)  # the value is asked next
    messages, _ = act(ActionAskGovProposeValue(), slots=slots, sender="me")
    assert texts(messages) == "Какой будет комиссия кооператива? Сейчас — 10 %, можно от 0 % до 30 %."
    messages, events = validate("50", slots=slots, new={VALUE: "50"}, requested=VALUE)
    assert said(messages) == ["utter_gov_propose_value_bad"] and slot_events(events)[VALUE] is None
    _, events = validate(
        "пусть будет 6,5 процента", slots=slots, new={VALUE: "пусть будет 6,5 процента"}, requested=VALUE
    )
    assert slot_events(events)[VALUE] == "6.50"
    text = "Комиссия 45% — это честно."
    messages, events = validate(text, slots={TITLE: "Поднять комиссию"}, new={TEXT: text}, requested=TEXT)
    assert said(messages) == ["utter_gov_propose_value_bad"] and slot_events(events)[VALUE] is None


@STORE
def test_a_new_value_at_the_confirmation_replaces_the_old():
    slots = {
        TITLE: "Снизить комиссию до 7%",
        TEXT: "Комиссия 7%.",
        PARAMETER: "commission_percent",
        VALUE: "7",
    }
    _, events = validate("нет, лучше 8%", slots=slots, new={CONFIRM: False}, requested=CONFIRM, intent="deny")
    found = slot_events(events)
    assert (found[VALUE], found[CONFIRM]) == ("8", None)
    _, events = validate("да", slots=slots, new={CONFIRM: True}, requested=CONFIRM, intent="affirm")
    assert slot_events(events)[CONFIRM] is True


@STORE
def test_a_rule_without_a_parameter_skips_the_value():
    slots = {TITLE: "Лавочки у офиса кооператива"}
    text = "Поставить две лавочки у входа, чтобы клиентам было где подождать мастера."
    _, events = validate(text, slots=slots, new={TEXT: text}, requested=TEXT)
    found = slot_events(events)
    assert (found[PARAMETER], found["requested_slot"]) == ("none", CONFIRM)


@STORE
def test_only_members_propose():
    messages, events = validate("предлагаю снизить комиссию", intent="gov_propose", sender="guest")
    assert said(messages) == ["utter_gov_not_member"] and slot_events(events)[TITLE] == "__stop__"
    messages, _ = act(ActionGovProposeDone(), slots={TITLE: "__stop__"}, sender="guest")
    assert messages == []


@pytest.mark.parametrize(
    ("title", "accepted"),
    [
        ("", False),
        ("   ", False),
        ("1234567", False),
        ("x" * 201, False),
        ("<script>alert(1)</script> Снизить комиссию", True),
        ("'; DROP TABLE gov_proposals; --", True),
        ("🗳️ Снизить комиссию", True),
    ],
)
def test_hostile_and_empty_titles(title, accepted):  # no store: a title is checked before anything is read
    messages, events = validate(title, new={TITLE: title}, requested=TITLE)
    assert (slot_events(events)[TITLE] is not None) == accepted
    assert (said(messages) == ["utter_gov_propose_title_bad"]) != accepted


@STORE
def test_declining_publishes_nothing():
    slots = {TITLE: "Лавочки", TEXT: "Поставить лавочки у входа.", PARAMETER: "none", CONFIRM: False}
    messages, _ = act(ActionGovProposeDone(), slots=slots, sender="me")
    assert said(messages) == ["utter_gov_propose_declined"]
