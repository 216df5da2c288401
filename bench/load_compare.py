"""The load benchmark's ratios against stock Rasa and its targets (issue 15), from the summary bench/load.py writes.

Ratios are ours over stock's at the same number of residents: a latency ratio below 1 and a throughput ratio above
1 are in our favour. `stock` keeps trackers in memory (Rasa's default), `stock_sqlite` in SQLite as the embedded
profile does: the two bracket a fair comparison."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

P95_AT = 10  # the embedded profile's p95 at this many residents is no worse than stock's
CLUSTER_THROUGHPUT_TARGET = 1.6  # the cluster answers at least this many times stock's messages per second
RSS_TARGET_MIB = 1536  # per Rasa instance


def _point(results: Dict[str, Any], profile: str, residents: int) -> Optional[Dict[str, Any]]:
    points = results["profiles"].get(profile, {}).get("points", [])
    return next((p for p in points if p["residents"] == residents), None)


def _ratio(ours: Optional[Dict[str, Any]], theirs: Optional[Dict[str, Any]], key: str) -> Optional[float]:
    if not ours or not theirs or not theirs.get(key) or ours.get(key) is None:
        return None
    return ours[key] / theirs[key]


def _text(value: Optional[float]) -> str:
    return "—" if value is None else f"{value:.2f}×"


def rasa_instance_peak_mib(profile: Dict[str, Any]) -> Optional[float]:
    """Peak RSS of one Rasa instance (its main process and Sanic workers) under the heaviest load measured."""
    if not profile.get("points"):
        return None
    rss = profile["points"][-1]["rss"]
    total = sum(v["total_peak_mib"] for role, v in rss.items() if role.startswith("rasa server"))
    instances = int(profile.get("info", {}).get("rasa_servers", 1) or 1)
    return total / instances if total else None


def ratio_table(results: Dict[str, Any]) -> List[str]:
    """One row per number of residents: p95 and messages per second of each of our profiles over each stock's."""
    ours = [name for name in ("embedded", "cluster") if name in results["profiles"]]
    stocks = [name for name in ("stock", "stock_sqlite") if name in results["profiles"]]
    if not ours or not stocks:
        return []
    pairs = [(a, b) for a in ours for b in stocks]
    header = ["residents"]
    header += [f"{a} p95 ÷ {b}" for a, b in pairs] + [f"{a} msg/s ÷ {b}" for a, b in pairs]
    lines = ["| " + " | ".join(header) + " |", "|---:" + "|---:" * (len(header) - 1) + "|"]
    for residents in results["settings"]["residents"]:
        cells = [str(residents)]
        cells += [
            _text(_ratio(_point(results, a, residents), _point(results, b, residents), "p95_ms"))
            for a, b in pairs
        ]
        cells += [
            _text(_ratio(_point(results, a, residents), _point(results, b, residents), "throughput_per_s"))
            for a, b in pairs
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def targets(results: Dict[str, Any]) -> List[str]:
    """The issue's three targets, each met or missed with its figure; a target the run cannot judge says so."""
    lines = ["| target | figure | met |", "|---|---:|---|"]
    for stock in ("stock", "stock_sqlite"):
        ratio = _ratio(_point(results, "embedded", P95_AT), _point(results, stock, P95_AT), "p95_ms")
        lines.append(
            _target_row(
                f"embedded p95 at {P95_AT} residents ≤ {stock}'s", ratio, ratio is not None and ratio <= 1
            )
        )
    best = max(
        (
            (
                residents,
                _ratio(
                    _point(results, "cluster", residents),
                    _point(results, "stock", residents),
                    "throughput_per_s",
                ),
            )
            for residents in results["settings"]["residents"]
        ),
        key=lambda pair: pair[1] or 0.0,
        default=(None, None),
    )
    ratio = best[1]
    lines.append(
        _target_row(
            f"cluster msg/s ≥ {CLUSTER_THROUGHPUT_TARGET}× stock's (best, at {best[0]} residents)",
            ratio,
            ratio is not None and ratio >= CLUSTER_THROUGHPUT_TARGET,
        )
    )
    for name in ("embedded", "cluster"):
        profile = results["profiles"].get(name)
        peak = rasa_instance_peak_mib(profile) if profile else None
        met = peak is not None and peak <= RSS_TARGET_MIB
        figure = "—" if peak is None else f"{peak:,.0f} MiB"
        lines.append(
            f"| RSS per Rasa instance ({name}) ≤ {RSS_TARGET_MIB:,} MiB | {figure} | {_met(peak, met)} |"
        )
    return lines


def _target_row(label: str, ratio: Optional[float], met: bool) -> str:
    return f"| {label} | {_text(ratio)} | {_met(ratio, met)} |"


def _met(value: Optional[float], met: bool) -> str:
    if value is None:
        return "not measured in this run"
    return "yes" if met else "**no**"
