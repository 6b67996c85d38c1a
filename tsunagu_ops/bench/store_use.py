"""What the document store is asked and what it costs: each service's store commands (from its
`tsunagu_store_commands_total` on /metrics) and the store process's CPU while idle."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

SAMPLE = "tsunagu_store_commands_total"


def commands_in(metrics_text: str) -> float:
    """The total of `tsunagu_store_commands_total` over its labels in a /metrics page."""
    return sum(
        sample.value
        for family in text_string_to_metric_families(metrics_text)
        for sample in family.samples
        if sample.name == SAMPLE
    )


async def store_commands(
    http: httpx.AsyncClient, processes: Mapping[str, Sequence[str]], auth: httpx.Auth
) -> dict[str, float]:
    """Each service's store commands so far, summed over its processes' URLs, by service."""
    counts = {}
    for name, urls in processes.items():
        counts[name] = 0.0
        for url in urls:
            response = await http.get(f"{url}/metrics", auth=auth)
            response.raise_for_status()
            counts[name] += commands_in(response.text)
    return counts


def per_event(before: dict[str, float], after: dict[str, float], events: int) -> dict[str, float]:
    """Store commands per event of each service between two readings (and their total)."""
    if not events:
        return {}
    shares = {name: (after[name] - before.get(name, 0.0)) / events for name in after}
    return shares | {"total": sum(shares.values())}


def cpu_seconds(pid: int) -> float | None:
    """User plus system CPU time the process has used so far, None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def idle_cpu_percent(pid: int, seconds: float = 10.0) -> float | None:
    """The process's CPU use over `seconds`, in percent of one core."""
    first = cpu_seconds(pid)
    await asyncio.sleep(seconds)
    last = cpu_seconds(pid)
    if first is None or last is None:
        return None
    return (last - first) / seconds * 100
