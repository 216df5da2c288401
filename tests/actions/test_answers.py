from actions.core.answers import ActionAnswer, likely_tasks
from engine.sdk.offers import OFFER_KEY, message_values, offer
from engine.testing import make_tracker, run_action, texts

TITLES = {
    "utilities_link_account": "привязать лицевой счёт",
    "utilities_balance": "узнать остаток",
    "market_search": "найти исполнителя",
    "market_order": "заказать услугу",
}


def _after(offer_kwargs: dict, text: str, intent: str, entities=None, channel="rest"):
    events = [
        {"event": "user", "text": "баланс", "parse_data": {"intent": {"name": "utilities_balance"}}},
        {"event": "bot", "text": "Привяжем?", "metadata": offer_kwargs},
    ]
    return make_tracker(text, intent, entities=entities, events=events, channel=channel)


LINK = offer("utilities_link_account", accepts=["account_number"])


def test_yes_to_an_offer_replays_it_as_its_button():
    messages, events = run_action(ActionAnswer(), _after(LINK, "давай", "affirm"))
    assert messages == []
    assert [e["event"] for e in events] == ["action", "user"]
    assert events[1]["parse_data"]["intent"]["name"] == "utilities_link_account"
    assert events[1]["input_channel"] == "rest"


def test_the_value_an_offer_asks_for_accepts_it_with_that_value():
    number = [{"entity": "account_number", "value": "1002003004"}]
    _, events = run_action(ActionAnswer(), _after(LINK, "1002003004", "inform", number))
    assert events[1]["parse_data"]["intent"]["name"] == "utilities_link_account"
    assert events[1]["parse_data"]["entities"] == number


def test_the_values_an_offer_was_made_with_are_kept():
    found = offer("market_order", accepts=["date", "time"], service_category="plumber")
    entities = [{"entity": "date", "value": "2026-12-05"}, {"entity": "time", "value": "10:00"}]
    _, events = run_action(ActionAnswer(), _after(found, "на завтра в 10", "inform", entities))
    assert {e["entity"]: e["value"] for e in events[1]["parse_data"]["entities"]} == {
        "service_category": "plumber",
        "date": "2026-12-05",
        "time": "10:00",
    }


def test_no_declines_the_offer():
    messages, events = run_action(ActionAnswer(), _after(LINK, "нет, не надо", "deny"))
    assert texts(messages) == "Хорошо, не буду. Чем ещё помочь?"
    assert events == []


def test_yes_and_no_with_nothing_offered():
    plain = {}
    assert texts(run_action(ActionAnswer(), _after(plain, "да", "affirm"))[0]) == "Хорошо. Чем могу помочь?"
    assert texts(run_action(ActionAnswer(), _after(plain, "нет", "deny"))[0]) == (
        "Понял. Могу помочь с чем-нибудь ещё?"
    )


def test_a_value_of_another_kind_does_not_accept_and_keeps_the_offer_open():
    month = [{"entity": "month", "value": "december"}]
    messages, events = run_action(ActionAnswer(), _after(LINK, "декабрь", "inform", month))
    assert events == []
    assert messages[0]["response"] == "utter_inform_without_task"
    assert messages[0][OFFER_KEY]["intent"] == "utilities_link_account"
    assert messages[0][OFFER_KEY]["turns"] == 1


def test_a_bare_value_with_nothing_asked_offers_the_tasks_it_can_start():
    number = [{"entity": "account_number", "value": "1002003004"}]
    messages, events = run_action(ActionAnswer(), _after({}, "1002003004", "inform", number))
    assert events == []
    assert messages[0]["response"] == "utter_which_task_for_value"
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads == [
        '/utilities_link_account{"account_number": "1002003004"}',
        '/utilities_balance{"account_number": "1002003004"}',
    ]
    assert OFFER_KEY not in messages[0]  # two tasks: «да» would not say which


def test_one_likely_task_is_also_an_offer():
    phone = [{"entity": "phone", "value": "+79123456789"}]
    messages, _ = run_action(ActionAnswer(), _after({}, "+7 912 345-67-89", "inform", phone))
    assert [b["payload"] for b in messages[0]["buttons"]] == ['/profile_link_phone{"phone": "+79123456789"}']
    assert messages[0][OFFER_KEY]["intent"] == "profile_link_phone"


def test_a_value_no_task_takes_says_so():
    messages, _ = run_action(
        ActionAnswer(), _after({}, "зелёный", "inform", [{"entity": "colour", "value": "x"}])
    )
    assert messages[0]["response"] == "utter_inform_without_task"


def test_likely_tasks_keep_the_manifests_order_and_skip_unknown_intents():
    assert likely_tasks({"service_category": "plumber"}, TITLES) == ["market_search", "market_order"]
    assert likely_tasks({"service_category": "plumber"}, {"market_order": "x"}) == ["market_order"]
    assert message_values({"entities": [{"entity": "a", "value": 1}, {"entity": "a", "value": 2}]}) == {
        "a": 1
    }


def test_inside_a_form_an_answer_it_did_not_take_is_not_met_as_outside_one():
    tracker = make_tracker("да", "affirm", active_loop="market_join_form")
    messages, events = run_action(ActionAnswer(), tracker)
    assert texts(messages) == (
        "Это не ответ на мой вопрос. Ответьте, пожалуйста, на него — или напишите «отмена», чтобы выйти."
    )
    assert events == []
