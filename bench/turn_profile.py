"""Where the time of one turn goes: the model loaded in process, messages handled as the REST channel hands them
to Rasa, under pyinstrument.

`python bench/turn_profile.py --model M --out var/bench/profile-embedded [--endpoints endpoints.yml]
[--channels connectors] MESSAGE...` imports the channels' package first when given (`rasa run` imports ours from
credentials.yml, and with it engine/action_validation.py), loads the model with the endpoints' tracker store, lock store and action server (as `rasa run` does; for the
embedded profile the running benchmark's SQLite store and action server), handles the conversation once to warm
up (the first prediction restores the weights), then handles it `--repeat` times under the profiler with new
senders. Writes <out>.html and <out>.txt (pyinstrument's reports) and <out>.json: per-turn latency in process
and the functions with the most cumulative time (a recursive function counted once per call stack).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import logging
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

from load_stats import percentile, top_functions

# Where a turn's time goes: each stage is the Rasa function (or method, of any class: `LockStore.lock` is also
# `InMemoryLockStore.lock`) that begins it; its cumulative time is the stage's.
STAGES = {
    "lock store (the conversation's lock)": "LockStore.lock",
    "tracker store: read and session start": "MessageProcessor.fetch_tracker_and_update_session",
    "NLU pipeline (parse_message)": "MessageProcessor.parse_message",
    "dialogue policies (_predict_next_with_tracker)": "MessageProcessor._predict_next_with_tracker",
    "custom actions (RemoteAction.run: the action server's round trip)": "RemoteAction.run",
    # Rasa's RemoteAction._validate_action_result, or ours in its place (engine/action_validation.py)
    "  of which Rasa's check of the action server's answer (jsonschema)": "validate_action_result",
    "tracker store: save": "MessageProcessor.save_tracker",
}


def frame_name(frame: Any) -> str:
    qualified = f"{frame.class_name}.{frame.function}" if frame.class_name else frame.function
    return f"{qualified} ({frame.file_path_short}:{frame.line_no})"


def cumulative_by_function(root: Any) -> Dict[str, float]:
    """Seconds under each function of pyinstrument's call tree, without counting recursion twice."""
    totals: Dict[str, float] = {}

    def visit(frame: Any, active: frozenset) -> None:
        name = frame_name(frame)
        inside = active
        if not frame.is_synthetic and name not in active:
            totals[name] = totals.get(name, 0.0) + frame.time
            inside = active | {name}
        for child in frame.children:
            visit(child, inside)

    visit(root, frozenset())
    return totals


def self_by_function(root: Any) -> Dict[str, float]:
    """Seconds spent in each function itself; time awaiting (an HTTP answer, a database) is named after the
    function that awaited."""
    totals: Dict[str, float] = {}

    def visit(frame: Any, parent: str) -> None:
        if frame.is_synthetic:
            name = parent if frame.function == "[self]" else f"{frame.function} in {parent}"
            totals[name] = totals.get(name, 0.0) + frame.time
            return
        name = frame_name(frame)
        own = frame.time - sum(child.time for child in frame.children)
        if own > 0:
            totals[name] = totals.get(name, 0.0) + own
        for child in frame.children:
            visit(child, name)

    visit(root, "")
    return totals


def stages(cumulative: Dict[str, float], total: float) -> Dict[str, Dict[str, float]]:
    """The turn split into what Rasa does (the largest matching function of each stage: an override calling its
    base class is not counted twice)."""
    found = {}
    for stage, function in STAGES.items():
        matching = [v for name, v in cumulative.items() if name.split(" (")[0].endswith(function)]
        seconds = max(matching, default=0.0)
        found[stage] = {"seconds": round(seconds, 4), "share": round(seconds / total, 3) if total else 0.0}
    return found


async def profile(args: argparse.Namespace) -> Dict[str, Any]:
    import structlog
    from pyinstrument import Profiler
    from rasa.core.agent import load_agent
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.core.utils import read_endpoints_from_path

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    logging.getLogger().setLevel(logging.WARNING)
    if args.channels:
        importlib.import_module(args.channels)
    endpoints = read_endpoints_from_path(args.endpoints) if args.endpoints else None
    started = time.perf_counter()
    agent = await load_agent(model_path=str(args.model), endpoints=endpoints)
    load_seconds = time.perf_counter() - started

    async def converse(sender: str, timings: Optional[List[float]] = None) -> List[str]:
        said = []
        for text in args.messages:
            output = CollectingOutputChannel()
            turn = time.perf_counter()
            await agent.handle_message(UserMessage(text, output, sender, input_channel="rest"))
            if timings is not None:
                timings.append((time.perf_counter() - turn) * 1000)
            said.append(" | ".join(m.get("text") or "[image]" for m in output.messages)[:120])
        return said

    run = f"{time.time():.0f}"
    warm_answers = await converse(f"rest:profile-warm-{run}")
    timings: List[float] = []
    profiler = Profiler(interval=0.001, async_mode="enabled")
    profiler.start()
    for n in range(args.repeat):
        await converse(f"rest:profile-{run}-{n}", timings)
    profiler.stop()

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".html").write_text(profiler.output_html(), encoding="utf-8")
    ours = {"show_regex": r".*/(rasa|engine|nlu|connectors|skills|actions)/.*"}
    tree = profiler.output_text(unicode=True, show_all=False, processor_options=ours)
    flat = profiler.output_text(unicode=True, show_all=True, flat=True)
    text = f"{tree}\n\nSelf time by function (flat):\n{flat}"
    args.out.with_suffix(".txt").write_text(text, encoding="utf-8")
    session = profiler.last_session
    root = session.root_frame()
    total = root.time if root is not None else 0.0
    cumulative = cumulative_by_function(root) if root is not None else {}
    return {
        "model": Path(args.model).name,
        "model_load_seconds": round(load_seconds, 1),
        "messages": list(args.messages),
        "answers": dict(zip(args.messages, warm_answers, strict=True)),
        "turns_profiled": len(timings),
        "turn_ms_median": round(statistics.median(timings), 1),
        "turn_ms_p95": round(percentile(timings, 95), 1),
        "turn_ms_per_message": {
            text: round(statistics.median(timings[i :: len(args.messages)]), 1)
            for i, text in enumerate(args.messages)
        },
        "profiled_seconds": round(total, 3),
        "stages": stages(cumulative, total),
        "top_functions": top_functions(cumulative, total, args.top),
        "top_self": top_functions(self_by_function(root), total, args.top) if root else [],
        "reports": [str(args.out.with_suffix(".html")), str(args.out.with_suffix(".txt"))],
    }


def main(argv: Optional[List[str]] = None) -> int:
    root = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root.add_argument("--model", type=Path, required=True)
    root.add_argument("--endpoints", type=Path)
    root.add_argument("--channels", help="the package of the server's channels, imported as `rasa run` does")
    root.add_argument("--out", type=Path, required=True, help="reports as <out>.html, <out>.txt, <out>.json")
    root.add_argument("--repeat", type=int, default=5)
    root.add_argument("--top", type=int, default=30)
    root.add_argument("messages", nargs="+")
    args = root.parse_args(argv)
    result = asyncio.run(profile(args))
    args.out.with_suffix(".json").write_text(
        json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
