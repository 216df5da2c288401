"""The load benchmark's figure and its Markdown table, from the summary bench/load.py writes."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Dict, List

from load_compare import ratio_table, targets

COLOURS = {"embedded": "tab:blue", "cluster": "tab:orange", "stock": "tab:green", "stock_sqlite": "tab:olive"}
STYLES = {50: ("-", "o"), 95: ("--", "s"), 99: (":", "^")}


def plot(results: Dict[str, Any], target: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    plain = FuncFormatter(lambda value, _: f"{value:,.0f}")
    profiles = results["profiles"]
    figure, (latency, throughput, memory) = plt.subplots(
        1, 3, figsize=(16, 5), gridspec_kw={"width_ratios": [5, 4, 4]}
    )
    for name, profile in profiles.items():
        points = profile["points"]
        residents = [p["residents"] for p in points]
        colour = COLOURS.get(name, "tab:gray")
        for q, (line, marker) in STYLES.items():
            latency.plot(
                residents,
                [p[f"p{q}_ms"] for p in points],
                linestyle=line,
                marker=marker,
                color=colour,
                label=f"{name} p{q}",
            )
        throughput.plot(
            residents, [p["throughput_per_s"] for p in points], marker="o", color=colour, label=name
        )
    latency.set(xscale="log", yscale="log", xlabel="concurrent residents", ylabel="latency per message, ms")
    latency.set_title("REST latency (closed loop)")
    latency.legend(fontsize=7, ncol=3)
    throughput.set(xscale="log", xlabel="concurrent residents", ylabel="answered messages per second")
    throughput.set_title("throughput")
    throughput.set_ylim(bottom=0)
    throughput.legend(fontsize=8)
    for axis in (latency, throughput):
        ticks = sorted({p["residents"] for profile in profiles.values() for p in profile["points"]})
        axis.set_xticks(ticks)
        axis.set_xticklabels([str(t) for t in ticks])
        axis.xaxis.set_minor_formatter(NullFormatter())
        axis.grid(True, which="both", alpha=0.3)
    latency.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
    latency.yaxis.set_major_formatter(plain)
    latency.yaxis.set_minor_formatter(NullFormatter())
    _memory_bars(memory, profiles)
    machine = results["machine"]
    figure.suptitle(
        f"Городской помощник vs stock `rasa init` — {machine['cpus']} cores, {machine['memory_gib']} GiB, "
        f"{results['settings']['seconds']:.0f} s per point after {results['settings']['warm_up']:.0f} s warm-up",
        fontsize=11,
    )
    figure.tight_layout()
    target.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(target, dpi=110)
    plt.close(figure)


def _memory_bars(axis: Any, profiles: Dict[str, Any]) -> None:
    """Peak RSS by role at the largest number of residents, stacked per profile (shared services left out)."""
    names = list(profiles)
    bottoms = [0.0] * len(names)
    roles = sorted({role for p in profiles.values() for role in _peak_roles(p)})
    colours = matplotlib_colours(len(roles))
    for role, colour in zip(roles, colours, strict=True):
        heights = [_peak_roles(profiles[name]).get(role, 0.0) for name in names]
        axis.bar(names, heights, bottom=bottoms, label=role, color=colour)
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    for x, total in enumerate(bottoms):
        axis.annotate(f"{total:,.0f}", (x, total), ha="center", va="bottom", fontsize=8)
    axis.set(ylabel="peak RSS, MiB (sum over processes)")
    axis.set_title("memory under the heaviest load")
    axis.legend(fontsize=7)


def _peak_roles(profile: Dict[str, Any]) -> Dict[str, float]:
    points = profile["points"]
    if not points:
        return {}
    rss = points[-1]["rss"]
    return {role: v["total_peak_mib"] for role, v in rss.items() if "shared" not in role}


def matplotlib_colours(count: int) -> List[Any]:
    import matplotlib.pyplot as plt

    cmap = plt.get_cmap("tab20")
    return [cmap(i % 20) for i in range(count)]


def _ms(value: float) -> str:
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:,.0f}"


def markdown(results: Dict[str, Any]) -> str:
    """The table for bench/README.md: one row per (profile, residents), then memory per role."""
    lines = [
        "| profile | residents | p50 ms | p95 ms | p99 ms | messages/s | answered | errors | CPU of servers |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, profile in results["profiles"].items():
        for p in profile["points"]:
            cpu = sum(
                v for role, v in p["cpu_percent"].items() if "client" not in role and "shared" not in role
            )
            lines.append(
                f"| {name} | {p['residents']} | {_ms(p['p50_ms'])} | {_ms(p['p95_ms'])} | {_ms(p['p99_ms'])} | "
                f"{p['throughput_per_s']:.1f} | {p['messages']} | {p['errors']} | {cpu:.0f} % |"
            )
    lines += [
        "",
        "| profile | role | processes | RSS per process, idle → peak under load (MiB) | role total, peak (MiB) |",
        "|---|---|---:|---:|---:|",
    ]
    for name, profile in results["profiles"].items():
        if not profile["points"]:
            continue
        idle = profile.get("idle_rss", {})
        for role, v in profile["points"][-1]["rss"].items():
            before = idle.get(role, {}).get("per_process_peak_mib")
            lines.append(
                f"| {name} | {role} | {v['processes']} | {_ms(before) if before else '—'} → "
                f"{v['per_process_peak_mib']:,.0f} | {v['total_peak_mib']:,.0f} |"
            )
    turns = {name: p.get("turn_profile") for name, p in results["profiles"].items() if p.get("turn_profile")}
    turns = {name: turn for name, turn in turns.items() if "stages" in turn}
    if turns:
        lines += [
            "",
            "| one turn in process | " + " | ".join(turns) + " |",
            "|---" + "|---:" * len(turns) + "|",
        ]
        lines.append(
            "| median turn, ms | " + " | ".join(f"{t['turn_ms_median']:,.0f}" for t in turns.values()) + " |"
        )
        for stage in next(iter(turns.values()))["stages"]:
            shares = [f"{t['stages'].get(stage, {}).get('share', 0) * 100:.0f} %" for t in turns.values()]
            lines.append(f"| {stage.strip()} | " + " | ".join(shares) + " |")
    for part in (ratio_table(results), targets(results)):
        if part:
            lines += ["", *part]
    return "\n".join(lines) + "\n"
