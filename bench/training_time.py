"""Training from scratch, timed per component, and the model scored on both held-out splits.

    PYTHONPATH=. .venv/bin/python bench/training_time.py [--config config.yml] [--nlu-only] [--no-evaluate]

Trains with an empty Rasa cache (`RASA_CACHE_DIRECTORY` in a fresh folder), so nothing is reused from an earlier
training, into var/bench/training/<config name>/; reads Rasa's "Starting/Finished training component" log lines
for the time of each trained component (the time between two of them is the featurisation of the data for the
next one); then, unless --no-evaluate, loads the model and scores the trainers' own held-out split and the split
written apart (engine/evaluate.py). Prints a table and writes results.json beside the model. An ablation is a
config file given with --config: the same data, the same machine, one change.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import time
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, List, Tuple

from engine.build import build
from engine.runtime import rasa_executable, server_environment
from engine.settings import PROJECT_ROOT, settings
from engine.skills.discovery import enabled_packages

OUT = PROJECT_ROOT / "var" / "bench" / "training"
HOOK = re.compile(
    r"^(?P<at>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) INFO\s+rasa\.engine\.training\.hooks\s+- "
    r"(?P<what>Starting to train|Finished training) component '(?P<name>[^']+)'"
)


def component_times(log: str) -> List[Tuple[str, float]]:
    """(component, seconds) for each trained component, in training order, from Rasa's training log."""
    started: List[Tuple[str, datetime]] = []
    times: List[Tuple[str, float]] = []
    for line in log.splitlines():
        match = HOOK.match(line)
        if not match:
            continue
        at = datetime.strptime(match.group("at"), "%Y-%m-%d %H:%M:%S")
        name = match.group("name")
        if match.group("what") == "Starting to train":
            started.append((name, at))
        elif started and started[-1][0] == name:
            _, began = started.pop()
            times.append((name, (at - began).total_seconds()))
    return times


def trained_from(fingerprint: str, config: Path, nlu_only: bool) -> str:
    """What a model depends on: the assembled data's fingerprint, the config's text and the kind of training."""
    config_hash = hashlib.sha256(config.read_bytes()).hexdigest()[:12]
    return f"{fingerprint}-{config_hash}-{'nlu' if nlu_only else 'full'}"


def reusable(folder: Path, config: Path, nlu_only: bool) -> Dict[str, Any] | None:
    """An earlier result in the folder trained from the same data and config, if there is one."""
    saved = folder / "results.json"
    if not (saved.exists() and (folder / "model.tar.gz").exists()):
        return None
    result = json.loads(saved.read_text(encoding="utf-8"))
    fingerprint = build(enabled_packages(settings())).fingerprint
    return result if result.get("trained_from") == trained_from(fingerprint, config, nlu_only) else None


def train(config: Path, folder: Path, nlu_only: bool) -> Dict[str, Any]:
    output = build(enabled_packages(settings()))
    source = trained_from(output.fingerprint, config, nlu_only)
    cache = folder / "cache"
    shutil.rmtree(folder, ignore_errors=True)
    cache.mkdir(parents=True)
    env = {**server_environment(settings(), 5055), "RASA_CACHE_DIRECTORY": str(cache), "LOG_LEVEL": "INFO"}
    command = [rasa_executable(), "train", *(["nlu", "--nlu"] if nlu_only else ["--data"]), str(output.data)]
    command += ["--config", str(config), "--out", str(folder), "--fixed-model-name", "model"]
    if not nlu_only:
        command += ["--domain", str(output.domain)]
    started = time.monotonic()
    result = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=False)
    seconds = time.monotonic() - started
    (folder / "train.log").write_text(result.stdout + result.stderr, encoding="utf-8")
    if result.returncode != 0:
        raise SystemExit(f"rasa train failed ({result.returncode}): see {folder / 'train.log'}")
    return {
        "config": str(config),
        "trained_from": source,
        "nlu_only": nlu_only,
        "seconds": round(seconds, 1),
        "components": [{"name": n, "seconds": s} for n, s in component_times(result.stdout + result.stderr)],
        "model": str(folder / "model.tar.gz"),
    }


def scores(model: Path, config: Path) -> Dict[str, Any]:
    """Both held-out splits through the model: overall and per skill (the full reports lie beside the model)."""
    from engine.evaluate import evaluate, load_agent

    packages = enabled_packages(settings())
    agent, output = load_agent(model), build(packages)
    results = {}
    for split, holdout in (("own", output.nlu_holdout), ("apart", output.nlu_apart)):
        report = evaluate(agent, holdout, model.parent, f"nlu_{split}.json", packages=packages, config=config)
        entities = report.entity_total()
        results[split] = {
            "examples": report.examples,
            "intent_accuracy": round(report.intent_accuracy, 3),
            "entity_f1": round(entities.f1, 3),
            "entity_precision": round(entities.precision, 3),
            "entity_recall": round(entities.recall, 3),
            "skills": {name: round(skill.accuracy, 3) for name, skill in sorted(report.skills.items())},
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=PROJECT_ROOT / "config.yml")
    parser.add_argument("--nlu-only", action="store_true")
    parser.add_argument("--no-evaluate", action="store_true")
    args = parser.parse_args()
    folder = OUT / args.config.stem
    result = train(args.config.resolve(), folder, args.nlu_only)
    if not args.no_evaluate:
        result["scores"] = scores(folder / "model.tar.gz", args.config.resolve())
    (folder / "results.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"{args.config}: trained in {result['seconds']:.0f} s")
    for component in result["components"]:
        print(f"  {component['name']:40s} {component['seconds']:7.0f} s")
    for split, score in result.get("scores", {}).items():
        print(
            f"  {split:6s} intent accuracy {score['intent_accuracy']:.3f}   entity F1 {score['entity_f1']:.3f}"
        )
    print(f"details: {folder / 'results.json'}")


if __name__ == "__main__":
    main()
