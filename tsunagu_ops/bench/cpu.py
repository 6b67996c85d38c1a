"""What each process of the stack spent: CPU milliseconds per referral event, from `/proc`.

The bench reads every process's user plus system time before and after the steady load, so the
cost of an event in the services, in Kafka, in the store and in the bench's own driver shows
beside the latencies, independent of which store runs."""

from __future__ import annotations

import os
from collections.abc import Mapping

from .store_use import cpu_seconds

BENCH = "bench (load driver)"


def cpu_readings(pids: Mapping[str, int]) -> dict[str, float]:
    """Each named process's CPU seconds so far (processes that are gone are left out)."""
    readings = {}
    for name, pid in pids.items():
        seconds = cpu_seconds(pid)
        if seconds is not None:
            readings[name] = seconds
    return readings


def with_bench(pids: Mapping[str, int]) -> dict[str, int]:
    """The processes to read, and this one: the load driver costs CPU on the same machine."""
    return {**pids, BENCH: os.getpid()}


def cpu_ms_per_event(
    before: Mapping[str, float], after: Mapping[str, float], events: int
) -> dict[str, float]:
    """CPU milliseconds per event of each process read both times, and their `total`."""
    if not events:
        return {}
    shares = {
        name: (after[name] - before[name]) * 1000 / events for name in after if name in before
    }
    stack = sum(value for name, value in shares.items() if name != BENCH)
    return shares | {"total (stack)": stack}
