"""A run's headline figures beside the latest run on the other shape."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import Console

from tsunagu_ops.bench.compare import headline, latest_other, print_beside, shape_of


def _run(directory: Path, stamp: str, shape: dict[str, int] | None, events: int) -> Path:
    document: dict[str, Any] = {
        "settings": {"referrals": 60},
        "steady": {
            "events": events,
            "seconds": 10.0,
            "failures": {"accept: 409": 1},
            "to_audit_ms": {"p50": 12.0, "p95": 40.0, "p99": 80.0},
        },
        "catch_up": {"recorded": 1000, "seconds": 2.0},
        "raw_baselines_per_second": {"produce": 5000.0},
        "peak_rss_mb": {"referrals-1": 100.0, "referrals-2": 90.0, "audit": None},
    }
    if shape is not None:
        document["shape"] = shape
    path = directory / f"{stamp}.json"
    path.write_text(json.dumps(document))
    return path


def test_a_cluster_run_is_set_beside_the_latest_single_node_run(tmp_path: Path) -> None:
    old = _run(tmp_path, "20260101T000000Z", None, 100)  # before shapes were kept: one and one
    single = _run(tmp_path, "20260102T000000Z", {"brokers": 1, "replicas": 1}, 200)
    (tmp_path / "store-20260103T000000Z.json").write_text("{}")  # another kind of run
    cluster = _run(tmp_path, "20260104T000000Z", {"brokers": 3, "replicas": 2}, 300)
    assert shape_of(json.loads(old.read_text())) == (1, 1)
    found = latest_other(tmp_path, cluster)
    assert found is not None
    assert found[0] == single
    assert latest_other(tmp_path, single) == (cluster, json.loads(cluster.read_text()))
    figures = headline(json.loads(cluster.read_text()))
    assert figures["steady throughput (referral events/s, API → audit)"] == "30"
    assert figures["API → audit p50/p95/p99 ms"] == "12 / 40 / 80"
    assert figures["journeys failed"] == "1"
    assert figures["audit catch-up (events/s)"] == "500"
    assert figures["services' peak RSS, all processes (MB)"] == "190"
    console = Console(record=True, width=200)
    print_beside(console, tmp_path, cluster)
    shown = console.export_text()
    assert "3 Kafka nodes × 2 replicas" in shown
    assert "1 Kafka node × 1 replica (20260102T000000Z)" in shown


def test_without_a_run_on_the_other_shape_nothing_is_compared(tmp_path: Path) -> None:
    only = _run(tmp_path, "20260101T000000Z", {"brokers": 3, "replicas": 2}, 10)
    console = Console(record=True)
    print_beside(console, tmp_path, only)
    assert "No run on the other shape" in console.export_text()
