"""The training benchmark's bookkeeping: component times from Rasa's log, and reuse of a model only when it was
trained from the same data and config."""

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from bench import nlu_vs_stock, training_time
from bench.nlu_vs_stock import CONFIGS, error_ratio

STOCK, CONFIG = CONFIGS["stock"], CONFIGS["ours"]

LOG = """2026-12-06 01:00:00 INFO     rasa.engine.training.hooks  - Starting to train component 'A'.
2026-12-06 01:00:05 INFO     rasa.engine.training.hooks  - Finished training component 'A'.
2026-12-06 01:00:07 INFO     rasa.engine.training.hooks  - Starting to train component 'DIETClassifier'.
2026-12-06 01:05:07 INFO     rasa.engine.training.hooks  - Finished training component 'DIETClassifier'.
"""


def test_component_times_pair_start_and_finish_lines():
    assert training_time.component_times(LOG) == [("A", 5.0), ("DIETClassifier", 300.0)]


@pytest.fixture()
def trained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(training_time, "build", lambda packages: SimpleNamespace(fingerprint="data-1"))
    (tmp_path / "model.tar.gz").write_bytes(b"model")
    saved = {"trained_from": training_time.trained_from("data-1", STOCK, True), "seconds": 1067.0}
    (tmp_path / "results.json").write_text(json.dumps(saved), encoding="utf-8")
    return tmp_path


def test_a_model_from_the_same_data_and_config_is_reused(trained: Path):
    assert training_time.reusable(trained, STOCK, nlu_only=True)["seconds"] == 1067.0


def test_other_data_another_config_or_a_missing_model_means_training_again(
    trained: Path, monkeypatch: pytest.MonkeyPatch
):
    assert training_time.reusable(trained, CONFIG, nlu_only=True) is None
    assert training_time.reusable(trained, STOCK, nlu_only=False) is None
    monkeypatch.setattr(training_time, "build", lambda packages: SimpleNamespace(fingerprint="data-2"))
    assert training_time.reusable(trained, STOCK, nlu_only=True) is None
    (trained / "model.tar.gz").unlink()
    assert training_time.reusable(trained, STOCK, nlu_only=True) is None


def test_error_ratio_is_ours_over_stock():
    assert error_ratio({"intent_accuracy": 0.95}, {"intent_accuracy": 0.90}) == 0.5
    assert error_ratio({"intent_accuracy": 0.95}, {"intent_accuracy": 1.0}) == float("inf")


def test_the_full_comparison_gives_stock_our_policies_and_keeps_its_pipeline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(nlu_vs_stock, "OUT", tmp_path / "training")
    written = yaml.safe_load(nlu_vs_stock.with_our_policies(STOCK).read_text(encoding="utf-8"))
    stock, ours = (yaml.safe_load(path.read_text(encoding="utf-8")) for path in (STOCK, CONFIG))
    assert written["pipeline"] == stock["pipeline"] and stock["policies"] == []
    assert written["policies"] == ours["policies"]
