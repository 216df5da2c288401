"""Pure arithmetic of the load benchmark (bench/load.py): latency percentiles, throughput and RSS summaries.

No imports from the rest of bench/, so that tests/unit/bench can import it as `bench.load_stats`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Dict, Iterable, List, Mapping, Sequence, Tuple

PERCENTILES = (50, 95, 99)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) with linear interpolation between the closest ranks (NumPy's default
    method); NaN for no values."""
    if not values:
        return math.nan
    if not 0 <= q <= 100:
        raise ValueError(f"percentile out of range: {q}")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def latency_summary(latencies_ms: Sequence[float], errors: int, seconds: float) -> Dict[str, float]:
    """p50/p95/p99, mean and max in milliseconds, answered messages, errors and throughput (answered messages
    per second of the measured window)."""
    if seconds <= 0:
        raise ValueError("the measured window must last")
    summary: Dict[str, float] = {f"p{q}_ms": _rounded(percentile(latencies_ms, q)) for q in PERCENTILES}
    summary["mean_ms"] = _rounded(sum(latencies_ms) / len(latencies_ms)) if latencies_ms else math.nan
    summary["max_ms"] = _rounded(max(latencies_ms)) if latencies_ms else math.nan
    summary["messages"] = len(latencies_ms)
    summary["errors"] = errors
    summary["throughput_per_s"] = round(len(latencies_ms) / seconds, 2)
    return summary


def _rounded(value: float) -> float:
    return value if math.isnan(value) else round(value, 1)


Sample = Tuple[float, str, int, int]  # (seconds since start, role, pid, RSS in KiB)


def rss_summary(samples: Iterable[Sample]) -> Dict[str, Dict[str, float]]:
    """Per role: how many processes had it, each process's RSS (mean over the samples and peak, in MiB, the
    largest process's), and the role's total (the sum over its processes at each sampling moment: mean and
    peak)."""
    by_role_pid: Dict[str, Dict[int, List[int]]] = defaultdict(lambda: defaultdict(list))
    totals: Dict[str, Dict[float, int]] = defaultdict(lambda: defaultdict(int))
    for moment, role, pid, kib in samples:
        by_role_pid[role][pid].append(kib)
        totals[role][moment] += kib
    summary: Dict[str, Dict[str, float]] = {}
    for role, processes in sorted(by_role_pid.items()):
        means = [sum(values) / len(values) for values in processes.values()]
        role_totals = list(totals[role].values())
        summary[role] = {
            "processes": len(processes),
            "per_process_mean_mib": _mib(max(means)),
            "per_process_peak_mib": _mib(max(max(values) for values in processes.values())),
            "total_mean_mib": _mib(sum(role_totals) / len(role_totals)),
            "total_peak_mib": _mib(max(role_totals)),
        }
    return summary


def _mib(kib: float) -> float:
    return round(kib / 1024, 1)


def top_functions(cumulative: Mapping[str, float], total: float, limit: int = 25) -> List[Dict[str, object]]:
    """The `limit` functions with the most cumulative seconds, each with its share of `total`."""
    ranked = sorted(cumulative.items(), key=lambda item: item[1], reverse=True)[:limit]
    return [
        {
            "function": name,
            "cumulative_s": round(seconds, 4),
            "share": round(seconds / total, 3) if total else 0.0,
        }
        for name, seconds in ranked
    ]
