from actions.core.fallback import (
    ActionClarifyIntent,
    ActionDefaultFallback,
    candidate_buttons,
    misses_in_a_row,
)
from engine.sdk.offers import offer
from engine.testing import assembled_domain, make_tracker, run_action, texts

OPERATOR_BUTTONS = [
    {"title": "Позвать оператора", "payload": "/human_handoff"},
    {"title": "Что ты умеешь?", "payload": "/help"},
]


def test_clarification_offers_the_two_likeliest_intents_with_entities():
    latest = {
        "intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.4},
            {"name": "affirm", "confidence": 0.3},
            {"name": "profile_show", "confidence": 0.2},
            {"name": "human_handoff", "confidence": 0.1},
            {"name": "greet", "confidence": 0.05},
        ],
        "entities": [{"entity": "phone", "value": "+79123456789"}],
    }
    titles = {
        "profile_show": "посмотреть свой профиль",
        "human_handoff": "позвать оператора",
        "greet": "поздороваться",
    }
    assert candidate_buttons(latest, titles) == [
        {"title": "Посмотреть свой профиль", "payload": '/profile_show{"phone": "+79123456789"}'},
        {"title": "Позвать оператора", "payload": '/human_handoff{"phone": "+79123456789"}'},
    ]


def _fallback_event(text: str) -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": "nlu_fallback"}}}


def test_first_miss_asks_which_intent_was_meant():
    ranking = [{"name": "nlu_fallback"}, {"name": "profile_show"}, {"name": "help"}]
    messages, events = run_action(
        ActionClarifyIntent(), make_tracker("абв", "nlu_fallback", intent_ranking=ranking)
    )
    assert (
        texts(messages)
        == "Я не совсем понял. Вы имели в виду одно из этого? Если нет — перефразируйте, пожалуйста."
    )
    assert messages[0]["buttons"] == [
        {"title": "Посмотреть свой профиль", "payload": "/profile_show"},
        {"title": "Узнать, что умеет помощник", "payload": "/help"},
    ]
    assert events == []


def test_second_miss_in_a_row_offers_an_operator():
    ranking = [{"name": "nlu_fallback"}, {"name": "profile_show"}, {"name": "help"}]
    second = make_tracker("где", "nlu_fallback", intent_ranking=ranking, events=[_fallback_event("абв")])
    assert misses_in_a_row(second) == 2
    messages, _ = run_action(ActionClarifyIntent(), second)
    assert texts(messages) == "Простите, я всё ещё не понимаю. Позвать оператора? Он ответит здесь же."
    assert assembled_domain()["responses"]["utter_clarify_offer_operator"][0]["buttons"] == OPERATOR_BUTTONS


def test_nothing_to_offer_offers_an_operator_at_once():
    messages, _ = run_action(ActionClarifyIntent(), make_tracker("абв", "nlu_fallback"))
    assert [m["response"] for m in messages] == ["utter_clarify_offer_operator"]


def test_a_miss_after_an_understood_message_counts_once():
    understood = {"event": "user", "text": "привет", "parse_data": {"intent": {"name": "greet"}}}
    assert misses_in_a_row(make_tracker("абв", "nlu_fallback", events=[understood])) == 1


def test_default_fallback_offers_an_operator_and_reverts_the_message():
    messages, events = run_action(ActionDefaultFallback(), make_tracker("абв", "greet"))
    assert (
        texts(messages)
        == "Извините, я запутался. Скажите по-другому, что нужно сделать, или позовите оператора."
    )
    assert assembled_domain()["responses"]["utter_fallback_confused"][0]["buttons"] == OPERATOR_BUTTONS
    assert [e["event"] for e in events] == ["rewind"]


def test_a_known_problem_the_model_was_unsure_of_starts_its_task():
    ranking = [{"name": "nlu_fallback"}, {"name": "utilities_report_problem"}]
    tracker = make_tracker("выбило пробки во всей квартире", "nlu_fallback", intent_ranking=ranking)
    messages, events = run_action(ActionClarifyIntent(), tracker)
    assert messages == []
    assert events[1]["parse_data"]["intent"]["name"] == "market_search"
    assert events[1]["parse_data"]["entities"] == [{"entity": "service_category", "value": "electrician"}]


def test_the_likeliest_intent_runs_when_the_messages_values_are_what_it_takes():
    ranking = [{"name": "nlu_fallback"}, {"name": "market_search"}, {"name": "market_order"}]
    trade = [{"entity": "service_category", "value": "electrician"}]
    tracker = make_tracker(
        "подбери электрика, две розетки", "nlu_fallback", entities=trade, intent_ranking=ranking
    )
    messages, events = run_action(ActionClarifyIntent(), tracker)
    assert messages == [] and events[1]["parse_data"]["intent"]["name"] == "market_search"
    # values that the likeliest intent does not take: the resident is asked
    ranking = [{"name": "nlu_fallback"}, {"name": "profile_show"}, {"name": "market_search"}]
    tracker = make_tracker("что-то про электрика", "nlu_fallback", entities=trade, intent_ranking=ranking)
    messages, events = run_action(ActionClarifyIntent(), tracker)
    assert messages[0]["response"] == "utter_clarify_intent" and events == []


def test_a_problem_keeps_the_other_values_of_the_message():
    date = [{"entity": "date", "value": "2026-12-06"}]
    tracker = make_tracker(
        "сломалась стиральная машина, мастера на послезавтра", "nlu_fallback", entities=date
    )
    _, events = run_action(ActionClarifyIntent(), tracker)
    assert events[1]["parse_data"]["intent"]["name"] == "market_order"  # the day said: a visit, not a search
    assert {e["entity"]: e["value"] for e in events[1]["parse_data"]["entities"]} == {
        "date": "2026-12-06",
        "service_category": "appliance_repair",
    }


def test_an_unsure_answer_to_a_pending_offer_accepts_it():
    import skills.education.actions.catalog  # noqa: F401 (registers the reader of a catalogue position)

    offered = {"offer": offer("edu_enroll", accepts=["edu_course_position"])["offer"]}
    events = [
        {"event": "user", "text": "курсы", "parse_data": {"intent": {"name": "edu_courses"}}},
        {"event": "bot", "text": "Нашёл курсы", "metadata": offered},
    ]
    ranking = [{"name": "nlu_fallback"}, {"name": "edu_enroll"}]
    for text, entities in [
        ("запишите меня на второй", {"edu_course_position": "2"}),
        ("да запишите меня туда", {}),
    ]:
        tracker = make_tracker(text, "nlu_fallback", events=events, intent_ranking=ranking)
        messages, replayed = run_action(ActionClarifyIntent(), tracker)
        assert messages == [] and replayed[1]["parse_data"]["intent"]["name"] == "edu_enroll"
        assert {e["entity"]: e["value"] for e in replayed[1]["parse_data"]["entities"]} == entities


def _understood(text: str, intent: str) -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


def _meant(tracker) -> tuple:
    messages, events = run_action(ActionClarifyIntent(), tracker)
    if messages:
        return messages[0]["response"], {}
    parsed = events[1]["parse_data"]
    return parsed["intent"]["name"], {e["entity"]: e["value"] for e in parsed["entities"]}


def test_a_value_of_the_kind_the_previous_request_takes_asks_it_again():
    hot = [{"entity": "meter_type", "value": "hot_water"}]
    ranking = [{"name": "nlu_fallback"}, {"name": "utilities_report_problem"}, {"name": "utilities_balance"}]
    after_tariffs = [_understood("какие тарифы на электричество", "utilities_tariffs")]
    tracker = make_tracker(
        "а на горячую воду скок", "nlu_fallback", entities=hot, intent_ranking=ranking, events=after_tariffs
    )
    assert _meant(tracker) == ("utilities_tariffs", {"meter_type": "hot_water"})
    # the previous request takes no such value (the balance): the resident is asked
    after_balance = [_understood("сколько я должен", "utilities_balance")]
    tracker = make_tracker(
        "а горячая", "nlu_fallback", entities=hot, intent_ranking=ranking, events=after_balance
    )
    assert _meant(tracker) == ("utter_clarify_intent", {})


def test_of_the_two_likeliest_the_one_of_the_previous_requests_skill_is_meant():
    ranking = [{"name": "nlu_fallback"}, {"name": "gov_proposals"}, {"name": "help"}]
    after_results = [_understood("итоги голосований", "gov_results")]
    tracker = make_tracker("а щас что идет", "nlu_fallback", intent_ranking=ranking, events=after_results)
    assert _meant(tracker) == ("gov_proposals", {})


def test_context_does_not_decide_when_it_cannot_tell_the_two_apart():
    after_results = [_understood("итоги голосований", "gov_results")]
    cases = [
        # both of the previous request's skill
        ([{"name": "nlu_fallback"}, {"name": "gov_proposals"}, {"name": "gov_vote"}], after_results, None),
        # the likeliest is of another skill, the second of the previous one's: not chosen over the likeliest
        ([{"name": "nlu_fallback"}, {"name": "help"}, {"name": "gov_proposals"}], after_results, None),
        # the previous request was the core's (a greeting), not a skill's
        (
            [{"name": "nlu_fallback"}, {"name": "gov_proposals"}, {"name": "help"}],
            [_understood("привет", "greet")],
            None,
        ),
        # the previous message was not understood either
        (
            [{"name": "nlu_fallback"}, {"name": "gov_proposals"}, {"name": "help"}],
            [_understood("итоги", "gov_results"), _understood("ээ", "nlu_fallback")],
            None,
        ),
        # a form is asking: its question is the context
        (
            [{"name": "nlu_fallback"}, {"name": "gov_proposals"}, {"name": "help"}],
            after_results,
            "gov_vote_form",
        ),
    ]
    for ranking, events, form in cases:
        tracker = make_tracker(
            "а щас что", "nlu_fallback", intent_ranking=ranking, events=events, active_loop=form
        )
        # asked which was meant (or, on a second miss, offered an operator), never answered
        assert _meant(tracker)[0].startswith("utter_clarify"), (ranking, events, form)
