"""Latency, throughput and memory under concurrent residents: the assistant embedded, as a cluster, and stock Rasa.

    PYTHONPATH=. .venv/bin/python bench/load.py [--profiles embedded,cluster,stock,stock_sqlite] [--residents 1,10,50]
                                                [--seconds 40] [--warm-up 10]

For each profile (bench/load_profiles.py) and each number of residents: N residents, each its own sender, talk to
the REST webhook in a closed loop (bench/load_client.py) for the warm-up and then the measured window; every
answer's latency is recorded, with the errors, and the RSS of every process of the profile is sampled. Then one
turn is profiled in process (bench/turn_profile.py). Writes var/bench/results.json (every latency, every sample),
var/bench/results.md (the tables), the pyinstrument reports under var/bench/, and, unless --no-publish, the
summary and the figure in bench/figures/ (load.json, load.png) for the README.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import time
import warnings
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional

from load_client import Sampler, run_residents, snapshot
from load_plot import markdown, plot
from load_profiles import BENCH_DIR, STARTERS, STOCK_DIR, Running
from load_stats import latency_summary, rss_summary

from engine.settings import PROJECT_ROOT

FIGURES_DIR = PROJECT_ROOT / "bench" / "figures"

# A short conversation a resident has: a greeting, the utilities' balance, a plumber for tomorrow, courses for
# children, a bus (which asks where from), a cancel and thanks (the NLU, the rules and forms, and the skills' actions on the store).
OUR_SCRIPT = [
    "привет",
    "покажи остаток по счёту",
    "нужен сантехник на завтра",
    "какие курсы для детей есть",
    "расписание автобуса 5",
    "отмена",
    "спасибо",
]
# The moodbot's own happy path (rasa init): greet, mood, affirm, goodbye.
STOCK_SCRIPT = ["hello", "I am sad", "yes", "goodbye"]
SCRIPTS = {"embedded": OUR_SCRIPT, "cluster": OUR_SCRIPT, "stock": STOCK_SCRIPT, "stock_sqlite": STOCK_SCRIPT}
PROFILE_MESSAGE_REPEATS = 5


def machine() -> Dict[str, Any]:
    memory_kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    from importlib.metadata import version

    return {
        "cpus": os.cpu_count(),
        "memory_gib": round(memory_kib / 1024 / 1024),
        "python": platform.python_version(),
        "rasa": version("rasa"),
        "platform": platform.platform(),
    }


async def measure_point(running: Running, residents: int, args: argparse.Namespace) -> Dict[str, Any]:
    sampler = Sampler(running.process.pid, running.extra_processes)
    stop = asyncio.Event()
    sampling = asyncio.create_task(sampler.run(stop))
    load_before = os.getloadavg()[0]
    tag = f"bench-{running.name}-{residents}-{int(time.time())}"
    outcome = await run_residents(
        running.webhook, residents, SCRIPTS[running.name], tag, args.warm_up, args.seconds
    )
    stop.set()
    await sampling
    point: Dict[str, Any] = {"residents": residents}
    point.update(latency_summary(outcome.latencies_ms, sum(outcome.errors.values()), args.seconds))
    point["no_answer"] = outcome.no_answer
    point["error_kinds"] = dict(outcome.errors)
    point["load_average_before"] = round(load_before, 2)
    point["cpu_percent"] = sampler.cpu_percent
    point["rss"] = rss_summary(sampler.samples)
    point["answers"] = outcome.answers
    point["latencies_ms"] = [round(v, 2) for v in outcome.latencies_ms]
    point["rss_samples"] = sampler.samples
    return point


def turn_profile(running: Running, args: argparse.Namespace) -> Optional[Dict[str, Any]]:
    """bench/turn_profile.py in its own process against the profile's store and action server."""
    if running.turn_env is None:
        return None
    out = BENCH_DIR / f"profile-{running.name}"
    model = Path(str(running.info["model"]))
    if running.name.startswith("stock"):
        model, cwd = STOCK_DIR / "models" / model.name, STOCK_DIR
        endpoints = ["--endpoints", str(running.info["endpoints"])] if "endpoints" in running.info else []
    else:
        model, endpoints, cwd = (
            BENCH_DIR / "models" / model.name,
            ["--endpoints", str(PROJECT_ROOT / "endpoints.yml"), "--channels", "connectors"],
            PROJECT_ROOT,
        )
    command = [
        sys.executable,
        str(PROJECT_ROOT / "bench" / "turn_profile.py"),
        "--model",
        str(model),
        "--out",
        str(out),
    ]
    command += [*endpoints, "--repeat", str(args.turn_repeats), *SCRIPTS[running.name]]
    log = BENCH_DIR / "logs" / f"profile-{running.name}.log"
    with open(log, "wb") as output:
        result = subprocess.run(
            command, cwd=cwd, env=running.turn_env, stdout=output, stderr=subprocess.STDOUT, check=False
        )
    if result.returncode != 0:
        print(f"  turn profile failed: see {log}", flush=True)
        return {"error": f"exit {result.returncode}, see {log}"}
    return json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))


def run_profile(name: str, args: argparse.Namespace) -> Dict[str, Any]:
    print(f"{name}: starting…", flush=True)
    running = STARTERS[name]()
    result: Dict[str, Any] = {"info": running.info, "points": []}
    try:
        print(f"{name}: ready in {running.info['start_seconds']} s", flush=True)
        time.sleep(2)  # the notifier's first round and the servers' start-up work settle
        result["idle_rss"] = rss_summary(snapshot(running.process.pid, running.extra_processes().items()))
        for residents in args.residents:
            point = asyncio.run(measure_point(running, residents, args))
            result["points"].append(point)
            print(
                f"{name:9s} {residents:3d} residents: p50 {point['p50_ms']:8.0f} ms  p95 {point['p95_ms']:8.0f} ms  "
                f"p99 {point['p99_ms']:8.0f} ms  {point['throughput_per_s']:6.1f} msg/s  "
                f"{point['messages']} answered, {point['errors']} errors, {point['no_answer']} silent",
                flush=True,
            )
        if args.turn_repeats:
            print(f"{name}: profiling a turn in process…", flush=True)
            result["turn_profile"] = turn_profile(running, args)
    finally:
        running.stop()
    return result


def summary_only(results: Dict[str, Any]) -> Dict[str, Any]:
    """The results without every latency and sample: the copy kept in the repository."""
    light = json.loads(json.dumps(results))
    for profile in light["profiles"].values():
        for point in profile["points"]:
            point.pop("latencies_ms", None)
            point.pop("rss_samples", None)
        turn = profile.get("turn_profile") or {}
        for key, keep in (("top_functions", 20), ("top_self", 15)):
            if key in turn:
                turn[key] = turn[key][:keep]
    return light


def parse(argv: Optional[List[str]]) -> argparse.Namespace:
    root = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root.add_argument("--profiles", default=",".join(STARTERS))
    root.add_argument("--residents", default="1,10,50")
    root.add_argument("--seconds", type=float, default=40.0, help="measured window per point")
    root.add_argument("--warm-up", type=float, default=10.0, help="seconds of load before each window")
    root.add_argument("--turn-repeats", type=int, default=PROFILE_MESSAGE_REPEATS, help="0: no turn profile")
    root.add_argument("--out", type=Path, default=BENCH_DIR / "results.json")
    root.add_argument("--no-publish", action="store_true", help="leave bench/figures/ as it is")
    args = root.parse_args(argv)
    args.profiles = [p.strip() for p in args.profiles.split(",") if p.strip()]
    unknown = [p for p in args.profiles if p not in STARTERS]
    if unknown:
        root.error(f"unknown profile(s): {', '.join(unknown)}; known: {', '.join(STARTERS)}")
    args.residents = [int(n) for n in args.residents.split(",")]
    return args


def main(argv: Optional[List[str]] = None) -> int:
    args = parse(argv)
    warnings.filterwarnings("ignore", category=DeprecationWarning)  # matplotlib's own, on import
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    results: Dict[str, Any] = {
        "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "settings": {
            "seconds": args.seconds,
            "warm_up": args.warm_up,
            "residents": args.residents,
            "scripts": {name: SCRIPTS[name] for name in args.profiles},
        },
        "profiles": {},
    }
    for name in args.profiles:
        results["profiles"][name] = run_profile(name, args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    table = markdown(results)
    args.out.with_suffix(".md").write_text(table, encoding="utf-8")
    plot(results, args.out.with_suffix(".png"))
    print(table)
    print(f"results: {args.out}, {args.out.with_suffix('.md')}, {args.out.with_suffix('.png')}")
    if not args.no_publish:
        FIGURES_DIR.mkdir(parents=True, exist_ok=True)
        light = summary_only(results)
        (FIGURES_DIR / "load.json").write_text(
            json.dumps(light, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        plot(results, FIGURES_DIR / "load.png")
        print(f"published: {FIGURES_DIR / 'load.json'}, {FIGURES_DIR / 'load.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
