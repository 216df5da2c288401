"""The quick load (nlu/quick_load.py) restores exactly what Rasa's own load restores, for DIET and TED."""

import asyncio
from itertools import islice

import numpy as np
import pytest
from rasa.core.agent import Agent
from rasa.core.policies.ted_policy import TEDPolicy
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.tensorflow.models import RasaModel

from engine.build import BUILD_DIR
from engine.evaluate import holdout_examples
from nlu import quick_load


def component(agent: Agent, kind: type):
    nodes = agent.processor.graph_runner._instantiated_nodes.values()  # Rasa keeps no public handle on them
    return next(node._component for node in nodes if isinstance(node._component, kind))


def weights(model: RasaModel) -> dict:
    """Every variable by name; the kernel of a sparsely connected layer as the layer computes with it: Rasa
    zeroes its masked entries each time the layer runs, so until then they hold leftovers of training."""
    values = {variable.name: variable.numpy() for variable in model.weights}
    for name in [name for name in values if name.endswith("/kernel_mask:0")]:
        kernel = name.replace("/kernel_mask:0", "/kernel:0")
        values[kernel] = values[kernel] * values[name]
    return values


async def parses(agent: Agent, texts: list) -> list:
    return [await agent.parse_message(text) for text in texts]


@pytest.fixture(scope="module")
def rasa_loaded(trained_model, monkeypatch_module) -> Agent:
    monkeypatch_module.setattr(RasaModel, "load", classmethod(quick_load.rasa_load))
    return Agent.load(str(trained_model))


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.mark.slow
def test_loading_a_model_of_this_pipeline_installs_the_quick_load(trained_agent):
    assert RasaModel.load.__func__ is quick_load.load_for_prediction


@pytest.mark.slow
@pytest.mark.parametrize("kind", [DIETClassifier, TEDPolicy])
def test_every_weight_is_restored_as_rasa_restores_it(trained_agent, rasa_loaded, kind):
    quick, own = weights(component(trained_agent, kind).model), weights(component(rasa_loaded, kind).model)
    trainable = {variable.name for variable in component(rasa_loaded, kind).model.trainable_weights}
    assert trainable <= set(quick)
    for name in set(quick) & set(own):
        np.testing.assert_array_equal(quick[name], own[name], err_msg=name)


@pytest.mark.slow
def test_messages_are_parsed_alike(trained_agent, rasa_loaded):
    texts = [text for text, _, _ in islice(holdout_examples(BUILD_DIR / "tests" / "nlu"), 0, None, 10)]
    assert asyncio.run(parses(trained_agent, texts)) == asyncio.run(parses(rasa_loaded, texts))


@pytest.mark.slow
def test_next_action_is_predicted_alike(trained_agent, rasa_loaded):
    domain = trained_agent.domain
    greeting = asyncio.run(trained_agent.parse_message("привет"))
    events = [
        ActionExecuted("action_listen"),
        UserUttered("привет", greeting["intent"], greeting["entities"]),
    ]
    tracker = DialogueStateTracker.from_events("quick-load", events, domain.slots)
    quick = component(trained_agent, TEDPolicy).predict_action_probabilities(tracker, domain)
    own = component(rasa_loaded, TEDPolicy).predict_action_probabilities(tracker, domain)
    assert quick.probabilities == own.probabilities
