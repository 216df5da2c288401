"""Timing helpers shared by the benchmarks."""

import statistics
import time
from typing import Callable, Dict, List


def percentile_95(timings: List[float]) -> float:
    ordered = sorted(timings)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def report(cases: Dict[str, Callable[[], object]], runs: int, width: int = 45) -> None:
    """Runs each case once to warm up, then `runs` times, and prints the median and p95 in milliseconds."""
    for name, case in cases.items():
        case()
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            case()
            timings.append((time.perf_counter() - started) * 1000)
        print(
            f"{name:{width}s} median {statistics.median(timings):6.1f} ms   p95 {percentile_95(timings):6.1f} ms"
        )
