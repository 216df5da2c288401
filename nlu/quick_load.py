"""Loads DIET and TED models without tracing their training graph.

Rasa 3.6 (`RasaModel.load`) creates a model's variables by running one training step on an example, then
overwrites them with the saved weights. That step traces the whole training graph, gradients of the CRF
entity layers included: on 2 cores it took 78 of the 89 seconds our assistant spends loading (DIET and TED).
Prediction needs none of it. Here the saved weights are handed to the empty model first; TensorFlow restores
each variable the moment the first prediction creates it, and that prediction is the one Rasa runs anyway to
trace the prediction graph. The predictions are the same as after Rasa's own load
(tests/nlu/test_quick_load.py compares both).

Fine-tuning (`rasa train --finetune`) needs the optimizer and keeps Rasa's own load.
"""

from __future__ import annotations

from typing import Any, Optional, Text

from rasa.utils.tensorflow.model_data import RasaModelData
from rasa.utils.tensorflow.models import RasaModel

rasa_load = RasaModel.load.__func__  # Rasa's own, kept for fine-tuning


def load_for_prediction(
    cls: type,
    model_file_name: Text,
    model_data_example: RasaModelData,
    predict_data_example: Optional[RasaModelData] = None,
    finetune_mode: bool = False,
    *args: Any,
    **kwargs: Any,
) -> RasaModel:
    """`RasaModel.load` with the variables built by a prediction instead of a training step."""
    if finetune_mode or predict_data_example is None:
        return rasa_load(
            cls, model_file_name, model_data_example, predict_data_example, finetune_mode, *args, **kwargs
        )
    model = cls(*args, **kwargs)
    # The optimizer's slots are in the file too; prediction has no optimizer, so they stay unused on purpose.
    restore = model.load_weights(model_file_name)
    model.run_inference(predict_data_example)
    restore.expect_partial()
    restore.assert_existing_objects_matched()
    return model


def install() -> None:
    """Makes every Rasa TensorFlow model (DIET, TED and the others) load this way; idempotent."""
    RasaModel.load = classmethod(load_for_prediction)
