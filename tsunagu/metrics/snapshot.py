"""Gauges refreshed in the background and served from memory, so a scrape costs no round trip.

Each probe reads what it measures (indexed counts, Kafka offsets) at most once per refresh
interval; a scrape returns the last values read. A probe that fails or times out is left out
until it succeeds again, and `tsunagu_metrics_probe_ok{probe}` says so.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence

import structlog
from prometheus_client import CollectorRegistry
from prometheus_client.core import GaugeMetricFamily, Metric

from tsunagu.background import BackgroundLoop

log = structlog.get_logger(__name__)
PROBE_OK = "tsunagu_metrics_probe_ok"


class Probe:
    """One source of gauges; `read` returns fresh metric families, every sample set."""

    name = "probe"

    async def prepare(self) -> None:
        """Create what reading needs (an index); run once when the service starts."""

    async def read(self) -> list[Metric]:
        """The current values, as metric families."""
        raise NotImplementedError

    async def close(self) -> None:
        """Release what reading held (connections)."""


class ServiceMetrics:
    """A service's background gauges: a registry of their own, refreshed every `interval`."""

    def __init__(self, *, service: str, probes: Sequence[Probe], interval: float) -> None:
        self.registry = CollectorRegistry(auto_describe=False)
        self._probes = tuple(probes)
        self._timeout = max(interval, 5.0)
        self._read: dict[str, list[Metric]] = {}
        self._ok: dict[str, bool | None] = {probe.name: None for probe in self._probes}
        self._loop = BackgroundLoop(
            name=f"metrics-{service}", step=self._refreshed, interval=interval
        )
        self.registry.register(self)

    async def start(self) -> None:
        """Prepare every probe (a failure is logged, not fatal), then refresh in the background."""
        for probe in self._probes:
            try:
                await asyncio.wait_for(probe.prepare(), timeout=self._timeout)
            except Exception as exc:
                log.warning("metrics probe not prepared", probe=probe.name, error=repr(exc))
        await self._loop.start()

    async def stop(self) -> None:
        """Stop refreshing and close the probes."""
        await self._loop.stop()
        for probe in self._probes:
            try:
                await probe.close()
            except Exception as exc:
                log.warning("metrics probe not closed", probe=probe.name, error=repr(exc))

    async def refresh(self) -> None:
        """Read every probe now, all at once."""
        await asyncio.gather(*(self._read_one(probe) for probe in self._probes))

    def collect(self) -> Iterable[Metric]:
        """What the last refresh read (called by the registry on every scrape)."""
        for families in self._read.values():
            yield from families
        ok = GaugeMetricFamily(
            PROBE_OK, "Whether the probe's last read succeeded", labels=["probe"]
        )
        for name, succeeded in self._ok.items():
            ok.add_metric([name], 1.0 if succeeded else 0.0)
        yield ok

    async def _read_one(self, probe: Probe) -> None:
        try:
            self._read[probe.name] = await asyncio.wait_for(probe.read(), timeout=self._timeout)
            self._ok[probe.name] = True
        except Exception as exc:
            self._read.pop(probe.name, None)
            if self._ok.get(probe.name) is not False:  # said once, until it recovers
                log.warning("metrics probe failed", probe=probe.name, error=repr(exc))
            self._ok[probe.name] = False

    async def _refreshed(self) -> bool:
        await self.refresh()
        return False
