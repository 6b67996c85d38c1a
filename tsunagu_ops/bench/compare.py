"""A run's headline figures beside those of the latest run on the other shape of the stack
(one Kafka node and one replica per service, or a cluster with replicas)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

SINGLE = (1, 1)


def shape_of(document: dict[str, Any]) -> tuple[int, int]:
    """Kafka nodes and replicas per service of a saved run (runs before shapes: one and one)."""
    shape = document.get("shape") or {}
    return int(shape.get("brokers", 1)), int(shape.get("replicas", 1))


def describe(shape: tuple[int, int]) -> str:
    """A shape in words."""
    brokers, replicas = shape
    plural = lambda n: "s" if n > 1 else ""  # noqa: E731
    return f"{brokers} Kafka node{plural(brokers)} × {replicas} replica{plural(replicas)}"


def latest_other(directory: Path, current: Path) -> tuple[Path, dict[str, Any]] | None:
    """The latest full run saved on the other shape than `current`'s: the single node's for a
    cluster run, the latest cluster run's for a single-node one."""
    mine = shape_of(json.loads(current.read_text()))
    for path in sorted(directory.glob("2*.json"), reverse=True):
        document = json.loads(path.read_text())
        other = shape_of(document)
        if path != current and other != mine and (mine == SINGLE or other == SINGLE):
            return path, document
    return None


def _rate(part: dict[str, Any] | None, count: str) -> str:
    if not part or not part.get("seconds"):
        return "—"
    return f"{part[count] / part['seconds']:,.0f}"


def _latency(steady: dict[str, Any] | None, name: str) -> str:
    figures = (steady or {}).get(name) or {}
    return " / ".join(f"{figures.get(q, 0):,.0f}" for q in ("p50", "p95", "p99")) or "—"


def headline(document: dict[str, Any]) -> dict[str, str]:
    """The figures worth comparing across shapes, as shown."""
    steady = document.get("steady")
    raw = document.get("raw_baselines_per_second") or {}
    rss = [v for v in (document.get("peak_rss_mb") or {}).values() if v is not None]
    return {
        "steady throughput (referral events/s, API → audit)": _rate(steady, "events"),
        "API → audit p50/p95/p99 ms": _latency(steady, "to_audit_ms"),
        "API → inbox p50/p95/p99 ms": _latency(steady, "to_inbox_ms"),
        "journeys failed": str(sum((steady or {}).get("failures", {}).values())),
        "audit catch-up (events/s)": _rate(document.get("catch_up"), "recorded"),
        "raw aiokafka produce (msgs/s, acks=all)": f"{raw['produce']:,.0f}"
        if "produce" in raw
        else "—",
        "services' peak RSS, all processes (MB)": f"{sum(rss):,.0f}" if rss else "—",
    }


def print_beside(console: Console, directory: Path, current: Path) -> None:
    """Print the run saved in `current` beside the latest run on the other shape, if any."""
    other = latest_other(directory, current)
    if other is None:
        console.print("No run on the other shape is saved yet to compare with.")
        return
    path, document = other
    mine = json.loads(current.read_text())
    table = Table(title="This run beside the other shape")
    table.add_column("measure")
    table.add_column(f"this run ({describe(shape_of(mine))})")
    table.add_column(f"{describe(shape_of(document))} ({path.stem})")
    theirs = headline(document)
    for measure, value in headline(mine).items():
        table.add_row(measure, value, theirs[measure])
    console.print(table)
    if mine.get("settings") != document.get("settings"):
        console.print(f"[yellow]The runs had different settings[/yellow]: {document['settings']}")
