"""Our NLU pipeline side by side with the stock one of `rasa init`, on the same assembled data and machine.

    PYTHONPATH=. .venv/bin/python bench/nlu_vs_stock.py

Trains both NLU models from scratch (bench/training_time.py: empty cache, time per component): config.yml's
pipeline and bench/configs/stock.yml (Rasa 3.6's default pipeline for Russian). Scores both on the trainers' own
held-out split and on the split written apart, and reports the ratio of their intent error rates (ours / stock:
below 0.5 is the target). Writes var/bench/nlu_vs_stock.json. A model trained earlier from the same data and config
(its results.json says so) is scored again rather than retrained, unless --retrain: the stock pipeline alone takes
about 18 min on 2 cores.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, Dict

from bench.training_time import OUT, reusable, scores, train
from engine.settings import PROJECT_ROOT

CONFIGS = {"ours": PROJECT_ROOT / "config.yml", "stock": PROJECT_ROOT / "bench" / "configs" / "stock.yml"}


def error_ratio(ours: Dict[str, Any], stock: Dict[str, Any]) -> float:
    stock_errors = 1 - stock["intent_accuracy"]
    return round((1 - ours["intent_accuracy"]) / stock_errors, 2) if stock_errors else float("inf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--retrain", action="store_true", help="train both even if a matching model exists")
    args = parser.parse_args()
    results: Dict[str, Any] = {}
    for name, config in CONFIGS.items():
        folder: Path = OUT / f"vs_stock_{name}"
        earlier = None if args.retrain else reusable(folder, config, nlu_only=True)
        result = earlier or train(config, folder, nlu_only=True)
        result["scores"] = scores(folder / "model.tar.gz", config)
        (folder / "results.json").write_text(
            json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        results[name] = result
    results["error_ratio"] = {
        split: error_ratio(results["ours"]["scores"][split], results["stock"]["scores"][split])
        for split in ("own", "apart")
    }
    (OUT.parent / "nlu_vs_stock.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    for name in CONFIGS:
        print(f"{name:6s} NLU trained in {results[name]['seconds']:.0f} s")
        for split, score in results[name]["scores"].items():
            print(
                f"  {split:6s} intent accuracy {score['intent_accuracy']:.3f}   entity F1 {score['entity_f1']:.3f}"
            )
    for split, ratio in results["error_ratio"].items():
        print(f"intent error rate, ours / stock, {split} split: {ratio}")


if __name__ == "__main__":
    main()
