"""Typos in words the training data never had (nlu/typo_correction.py)."""

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.tokenizer import RussianTokenizer
from nlu.typo_correction import TypoCorrector, WordForms

WORDS = WordForms({"занятия": 5, "занятие": 3, "записаться": 7, "отказываюсь": 2, "завтра": 40, "вокзала": 5})


@pytest.mark.parametrize(
    "typed, word",
    [
        ("зонятия", "занятия"),  # a wrong letter
        ("занятиэ", "занятия"),  # two words one edit away: the more frequent
        ("записатся", "записаться"),  # a letter missing
        ("откозываюсь", "отказываюсь"),
        ("завтар", "завтра"),  # two letters swapped
        ("вакзала", "вокзала"),
        ("занятия", None),  # a training word
        ("вокал", None),  # too short to mend
        ("масло", None),
        ("ремонта", None),  # a word the dictionary knows is no typo
        ("зонятиия", None),  # two edits
        ("123456", None),
    ],
)
def test_a_word_one_typo_away_from_a_training_word_is_mended(typed, word):
    assert WORDS.correction(typed) == word


def tokenized(tokenizer, text):
    message = Message(data={"text": text})
    tokenizer.process([message])
    return message


def test_the_corrector_learns_the_training_words_and_mends_only_the_tokens(tmp_path):
    tokenizer = RussianTokenizer(RussianTokenizer.get_default_config())
    storage = LocalModelStorage(tmp_path)
    resource = Resource("typos")
    context = ExecutionContext(GraphSchema({}), "test")
    examples = [tokenized(tokenizer, text) for text in ("хочу записаться на занятия", "когда занятия")]
    for example in examples:
        example.set("intent", "edu_enroll")
    corrector = TypoCorrector.create({}, storage, resource, context)
    corrector.train(TrainingData(examples))

    loaded = TypoCorrector.load({}, storage, resource, context)
    message = tokenized(tokenizer, "хочу записатся на зонятия")
    loaded.process([message])
    tokens = message.get(TOKENS_NAMES["text"])
    assert [t.text for t in tokens] == ["хочу", "записаться", "на", "занятия"]
    assert tokens[3].lemma == "занятие"
    assert message.get("text") == "хочу записатся на зонятия"  # the text itself, and so every span, is kept
