"""The ratios against stock Rasa and the targets of the load benchmark (bench/load_compare.py)."""

from bench.load_compare import rasa_instance_peak_mib, ratio_table, targets


def point(residents, p95, throughput, rss=None):
    return {"residents": residents, "p95_ms": p95, "throughput_per_s": throughput, "rss": rss or {}}


def results(**profiles):
    return {"settings": {"residents": [1, 10]}, "profiles": profiles}


RUN = results(
    embedded={
        "info": {},
        "points": [
            point(1, 120.0, 8.0),
            point(
                10,
                900.0,
                11.0,
                {"rasa server": {"total_peak_mib": 1000.0}, "action server": {"total_peak_mib": 600}},
            ),
        ],
    },
    cluster={
        "info": {"rasa_servers": 2},
        "points": [
            point(1, 150.0, 7.0),
            point(
                10,
                700.0,
                32.0,
                {
                    "rasa server (main)": {"total_peak_mib": 800.0},
                    "rasa server worker": {"total_peak_mib": 2400.0},
                },
            ),
        ],
    },
    stock={"info": {}, "points": [point(1, 100.0, 10.0), point(10, 1000.0, 20.0)]},
    stock_sqlite={"info": {}, "points": [point(1, 110.0, 9.0), point(10, 800.0, 18.0)]},
)


def test_each_of_our_profiles_over_each_stock_per_number_of_residents():
    table = ratio_table(RUN)
    assert table[0].startswith("| residents | embedded p95 ÷ stock | embedded p95 ÷ stock_sqlite |")
    row_10 = table[3].rstrip(" |").split(" | ")
    assert row_10[0] == "| 10"
    assert row_10[1:5] == [
        "0.90×",
        "1.12×",
        "0.70×",
        "0.88×",
    ]  # p95: embedded, then cluster, over both stocks
    assert row_10[5:9] == ["0.55×", "0.61×", "1.60×", "1.78×"]  # messages per second


def test_targets_name_each_miss_with_its_figure():
    rows = targets(RUN)
    assert "| embedded p95 at 10 residents ≤ stock's | 0.90× | yes |" in rows
    assert "| embedded p95 at 10 residents ≤ stock_sqlite's | 1.12× | **no** |" in rows
    assert "| cluster msg/s ≥ 1.6× stock's (best, at 10 residents) | 1.60× | yes |" in rows
    assert "| RSS per Rasa instance (embedded) ≤ 1,536 MiB | 1,000 MiB | yes |" in rows
    assert "| RSS per Rasa instance (cluster) ≤ 1,536 MiB | 1,600 MiB | **no** |" in rows


def test_a_run_without_stock_has_no_ratios_and_says_what_it_cannot_judge():
    run = results(embedded=RUN["profiles"]["embedded"])
    assert ratio_table(run) == []
    assert "| embedded p95 at 10 residents ≤ stock's | — | not measured in this run |" in targets(run)


def test_an_instance_is_its_main_process_and_its_workers():
    assert rasa_instance_peak_mib(RUN["profiles"]["cluster"]) == 1600.0
    assert rasa_instance_peak_mib({"points": []}) is None
