"""The arithmetic of the load benchmark (bench/load_stats.py); the benchmark's timings are never asserted."""

import math

import pytest

from bench.load_stats import latency_summary, percentile, rss_summary, top_functions


def test_percentile_interpolates_between_ranks_as_numpy_does():
    values = [float(v) for v in range(1, 101)]  # 1..100
    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 95) == pytest.approx(95.05)
    assert percentile(values, 99) == pytest.approx(99.01)
    assert percentile(values, 0) == 1 and percentile(values, 100) == 100


def test_percentile_of_one_value_and_of_none():
    assert percentile([42.0], 99) == 42.0
    assert math.isnan(percentile([], 50))
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_percentile_does_not_depend_on_order():
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 50) == 3.0


def test_latency_summary_counts_throughput_over_the_window():
    summary = latency_summary([100.0, 200.0, 300.0, 400.0], errors=1, seconds=2.0)
    assert summary["p50_ms"] == 250.0
    assert summary["messages"] == 4 and summary["errors"] == 1
    assert summary["throughput_per_s"] == 2.0
    assert summary["mean_ms"] == 250.0 and summary["max_ms"] == 400.0


def test_latency_summary_without_answers_has_no_percentiles():
    summary = latency_summary([], errors=3, seconds=1.0)
    assert math.isnan(summary["p99_ms"]) and summary["throughput_per_s"] == 0.0
    with pytest.raises(ValueError):
        latency_summary([1.0], errors=0, seconds=0)


def test_rss_summary_per_process_and_per_role_total():
    samples = [
        (0.0, "rasa worker", 1, 1024 * 100),
        (0.0, "rasa worker", 2, 1024 * 300),
        (0.5, "rasa worker", 1, 1024 * 200),
        (0.5, "rasa worker", 2, 1024 * 300),
        (0.0, "haproxy", 3, 1024 * 10),
    ]
    summary = rss_summary(samples)
    worker = summary["rasa worker"]
    assert worker["processes"] == 2
    assert worker["per_process_mean_mib"] == 300.0  # the larger process's mean
    assert worker["per_process_peak_mib"] == 300.0
    assert worker["total_mean_mib"] == 450.0  # (400 + 500) / 2
    assert worker["total_peak_mib"] == 500.0
    assert summary["haproxy"]["total_peak_mib"] == 10.0


def test_top_functions_ranks_by_cumulative_time_with_shares():
    ranked = top_functions({"a": 0.5, "b": 2.0, "c": 1.0}, total=2.0, limit=2)
    assert [r["function"] for r in ranked] == ["b", "c"]
    assert ranked[0]["share"] == 1.0 and ranked[1]["share"] == 0.5
