"""Our NLU pipeline side by side with the stock one of `rasa init`, on the same assembled data and machine.

    PYTHONPATH=. .venv/bin/python bench/nlu_vs_stock.py

Trains both NLU models from scratch (bench/training_time.py: empty cache, time per component): config.yml's
pipeline and bench/configs/stock.yml (Rasa 3.6's default pipeline for Russian). Scores both on the trainers' own
held-out split and on the split written apart, and reports the ratio of their intent error rates (ours / stock:
below 0.5 is the target). Writes var/bench/nlu_vs_stock.json. A model trained earlier from the same data and config
(its results.json says so) is scored again rather than retrained, unless --retrain: the stock pipeline alone takes
about 18 min on 2 cores (35-45 min on the slower machines since).

With --full both are trained as `make train` trains the assistant (`rasa train` with the domain and the stories,
NLU and dialogue), stock's pipeline with config.yml's policies: the comparison on the path the product ships.
A retraining is one draw: the same pipeline on the same data reads half a point apart trained the one way and the
other (bench/README.md «Sixth session»).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, Dict

import yaml

from bench.training_time import OUT, reusable, scores, train
from engine.settings import PROJECT_ROOT

CONFIGS = {"ours": PROJECT_ROOT / "config.yml", "stock": PROJECT_ROOT / "bench" / "configs" / "stock.yml"}


def with_our_policies(stock: Path) -> Path:
    """Stock's pipeline with config.yml's policies, written under var/bench: a model `rasa train` can complete."""
    pipeline = yaml.safe_load(stock.read_text(encoding="utf-8"))
    pipeline["policies"] = yaml.safe_load(CONFIGS["ours"].read_text(encoding="utf-8"))["policies"]
    target = OUT / "stock_full.yml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(pipeline, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def error_ratio(ours: Dict[str, Any], stock: Dict[str, Any]) -> float:
    stock_errors = 1 - stock["intent_accuracy"]
    return round((1 - ours["intent_accuracy"]) / stock_errors, 2) if stock_errors else float("inf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--retrain", action="store_true", help="train both even if a matching model exists")
    parser.add_argument("--full", action="store_true", help="train NLU and dialogue, as `make train` does")
    args = parser.parse_args()
    nlu_only = not args.full
    configs = dict(CONFIGS, stock=with_our_policies(CONFIGS["stock"])) if args.full else CONFIGS
    results: Dict[str, Any] = {}
    for name, config in configs.items():
        folder: Path = OUT / f"vs_stock_{name}{'' if nlu_only else '_full'}"
        earlier = None if args.retrain else reusable(folder, config, nlu_only=nlu_only)
        result = earlier or train(config, folder, nlu_only=nlu_only)
        result["scores"] = scores(folder / "model.tar.gz", config)
        (folder / "results.json").write_text(
            json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        results[name] = result
    results["error_ratio"] = {
        split: error_ratio(results["ours"]["scores"][split], results["stock"]["scores"][split])
        for split in ("own", "apart")
    }
    (OUT.parent / f"nlu_vs_stock{'' if nlu_only else '_full'}.json").write_text(
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
