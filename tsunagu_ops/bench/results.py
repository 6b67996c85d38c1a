"""Benchmark figures kept as JSON in `bench/results/`, one file per run, so runs can be compared."""

from __future__ import annotations

import dataclasses
import json
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tsunagu_ops.localstack.layout import repo_root

from .machine import Machine
from .report import percentile

RESULTS = repo_root() / "bench" / "results"
LATENCIES = ("to_audit_ms", "to_inbox_ms")


def summary(figures: dict[str, Any]) -> dict[str, Any]:
    """The figures as JSON values: dataclasses as objects, latency lists as percentiles."""

    def plain(value: Any) -> Any:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
            shown = {k: plain(v) for k, v in fields.items() if k not in LATENCIES}
            for name in LATENCIES:
                if name in fields:
                    shown[name] = _percentiles(fields[name])
            return shown
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        return value

    return {key: plain(value) for key, value in figures.items()}


def save_results(
    directory: Path,
    machine: Machine,
    figures: dict[str, Any],
    *,
    now: datetime | None = None,
    prefix: str = "",
) -> Path:
    """Write one run's figures with the machine's description; return the file."""
    taken = now or datetime.now(UTC)
    document = {
        "taken_at": taken.isoformat(),
        "machine": dataclasses.asdict(machine) | {"python": platform.python_version()},
        **summary(figures),
    }
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{prefix}{taken:%Y%m%dT%H%M%SZ}.json"
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return path


def _percentiles(values: list[float]) -> dict[str, float | int]:
    return {
        "count": len(values),
        **{f"p{round(q * 100)}": percentile(values, q) for q in (0.5, 0.95, 0.99)},
    }
