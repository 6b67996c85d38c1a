"""A run's figures are kept as JSON with the machine, latencies as percentiles."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from tsunagu_ops.bench.machine import Machine
from tsunagu_ops.bench.results import save_results
from tsunagu_ops.bench.steady import SteadyState


def test_a_run_is_kept_with_its_machine_and_latency_percentiles(tmp_path: Path) -> None:
    steady = SteadyState(
        events=10,
        failures={"accept: 404 agency-not-found": 1},
        failure_examples=["accept: 404 …"],
        busy_retries=0,
        seconds=2.0,
        to_audit_ms=[float(v) for v in range(100, 0, -1)],
        to_inbox_ms=[],
        store_commands_per_event={"audit": 1.5, "total": 1.5},
        missing={"tsunagu-audit": 0, "tsunagu-notifications": 3},
        cpu_ms_per_event={"store": 0.8, "total (stack)": 2.4},
    )
    machine = Machine(cores=2, memory_mb=24000, cpu_model="test CPU")
    taken = datetime(2026, 12, 2, 3, 4, 5, tzinfo=UTC)
    path = save_results(tmp_path / "results", machine, {"steady": steady}, now=taken)
    assert path.name == "20261202T030405Z.json"
    document = json.loads(path.read_text())
    assert document["machine"]["cpu_model"] == "test CPU"
    assert document["steady"]["to_audit_ms"] == {
        "count": 100,
        "p50": 50.0,
        "p95": 95.0,
        "p99": 99.0,
    }
    assert document["steady"]["to_inbox_ms"]["count"] == 0
    assert document["steady"]["failures"] == {"accept: 404 agency-not-found": 1}
    assert document["steady"]["store_commands_per_event"]["total"] == 1.5
    assert document["steady"]["missing"]["tsunagu-notifications"] == 3
    assert document["steady"]["cpu_ms_per_event"]["store"] == 0.8
