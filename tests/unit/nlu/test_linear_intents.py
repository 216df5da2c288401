"""The linear classifier blended into DIET's ranking (nlu/linear_intents.py)."""

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.linear_intents import RANKING_LENGTH, LinearIntentBlend, blend
from nlu.tokenizer import RussianTokenizer

TRAINING = {
    "market_search": [
        "нужен сантехник",
        "найди электрика",
        "ищу мастера по ремонту",
        "есть уборщица на завтра",
    ],
    "utilities_pay": [
        "оплатить квартплату",
        "заплатить за коммуналку",
        "оплати жкх",
        "хочу оплатить счёт за свет",
    ],
    "gov_vote": ["голосую за третье", "я против второго предложения", "поддерживаю пятое", "воздерживаюсь"],
}


def message(tokenizer, text, ranking=()):
    found = Message(data={"text": text, "intent_ranking": list(ranking)})
    tokenizer.process([found])
    return found


def test_blend_is_a_weighted_geometric_mean_renormalised():
    ranking = [{"name": "a", "confidence": 0.6}, {"name": "b", "confidence": 0.4}]
    mixed = blend(ranking, {"a": 0.1, "b": 0.8, "c": 0.1}, weight=0.5)
    # sqrt(0.4 * 0.8) = 0.566 and sqrt(0.6 * 0.1) = 0.245, out of 0.811
    assert [(i["name"], round(i["confidence"], 2)) for i in mixed] == [("b", 0.7), ("a", 0.3), ("c", 0.0)]
    assert round(blend(ranking, {"a": 0.1}, weight=0.0)[0]["confidence"], 3) == 0.6


def test_an_intent_one_model_rules_out_stays_out():
    ranking = [{"name": "a", "confidence": 0.55}, {"name": "b", "confidence": 0.45}]
    mixed = blend(ranking, {"b": 0.5, "c": 0.5}, weight=0.3)
    assert [i["name"] for i in mixed[:2]] == ["b", "a"]
    assert mixed[-1]["name"] == "c" and mixed[-1]["confidence"] < 0.01


def test_agreement_makes_the_blend_surer_than_either_model():
    ranking = [{"name": "a", "confidence": 0.6}, {"name": "b", "confidence": 0.4}]
    assert blend(ranking, {"a": 0.6, "b": 0.4}, weight=0.3)[0]["confidence"] == pytest.approx(0.6)
    assert blend(ranking, {"a": 0.9, "b": 0.1}, weight=0.3)[0]["confidence"] > 0.6


def test_blend_keeps_the_ranking_short():
    linear = {f"intent_{i}": 1 / 30 for i in range(30)}
    assert len(blend([], linear, weight=1.0)) == RANKING_LENGTH


@pytest.fixture
def trained(tmp_path):
    tokenizer = RussianTokenizer(RussianTokenizer.get_default_config())
    storage = LocalModelStorage(tmp_path)
    resource = Resource("linear")
    context = ExecutionContext(GraphSchema({}), "test")
    examples = []
    for intent, texts in TRAINING.items():
        for text in texts:
            example = message(tokenizer, text)
            example.set("intent", intent)
            examples.append(example)
    component = LinearIntentBlend.create({"weight": 1.0}, storage, resource, context)
    component.train(TrainingData(examples))
    return tokenizer, storage, resource, context


def test_the_trained_model_is_saved_as_arrays_and_reads_the_same_after_loading(trained):
    tokenizer, storage, resource, context = trained
    loaded = LinearIntentBlend.load({"weight": 1.0}, storage, resource, context)
    fresh = message(tokenizer, "оплатите квартплату")
    loaded.process([fresh])
    assert fresh.get("intent")["name"] == "utilities_pay"
    assert fresh.get("intent_ranking")[0]["name"] == "utilities_pay"


def test_the_blend_moves_a_wavering_diet_ranking(trained):
    tokenizer, storage, resource, context = trained
    loaded = LinearIntentBlend.load({"weight": 0.5}, storage, resource, context)
    wavering = [{"name": "market_search", "confidence": 0.45}, {"name": "gov_vote", "confidence": 0.4}]
    said = message(tokenizer, "голосую против третьего", wavering)
    loaded.process([said])
    assert said.get("intent")["name"] == "gov_vote"


def test_an_untrained_component_changes_nothing(tmp_path):
    context = ExecutionContext(GraphSchema({}), "test")
    storage = LocalModelStorage(tmp_path)
    loaded = LinearIntentBlend.load({}, storage, Resource("never_trained"), context)
    said = Message(data={"text": "привет", "intent": {"name": "greet", "confidence": 0.9}})
    loaded.process([said])
    assert said.get("intent") == {"name": "greet", "confidence": 0.9}
