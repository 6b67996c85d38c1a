"""The audit service's metrics: the size of the log's head, and the size and age of its latest
signed checkpoint.

The head is the log's last seq, whoever appended it (one index entry); the checkpoint is
followed from the last one seen. Neither read costs what is stored; only the first read of the
checkpoints, when the process starts, goes through them all.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from faststream.kafka import KafkaBroker
from prometheus_client.core import GaugeMetricFamily, Metric
from pymongo.asynchronous.database import AsyncDatabase

from services.audit.adapters.checkpoint_store import CHECKPOINTS, ISSUED_AT
from services.audit.settings import AuditSettings
from services.audit.use_cases import RecordEvent
from tsunagu.clock import Clock, SystemClock
from tsunagu.messaging.login import kafka_login
from tsunagu.metrics import KafkaPositions, Probe, ServiceMetrics

HEAD_SIZE = "tsunagu_audit_head_size"
CHECKPOINT_SIZE = "tsunagu_audit_checkpoint_size"
CHECKPOINT_AGE = "tsunagu_audit_checkpoint_age_seconds"


class LogHead(Probe):
    """The number of records in the log and what the latest checkpoint covers."""

    name = "audit-head"

    def __init__(
        self, database: AsyncDatabase[dict[str, Any]], recorder: RecordEvent, clock: Clock
    ) -> None:
        self._checkpoints = database[CHECKPOINTS]
        self._recorder = recorder
        self._clock = clock
        self._size = 0
        self._checkpoint: dict[str, Any] | None = None

    async def read(self) -> list[Metric]:
        """Head size, checkpoint size and, when known, the checkpoint's age."""
        self._size = max(self._size, await self._recorder.audit_log.tree_size())
        after = self._checkpoint["_id"] if self._checkpoint else -1
        kept = self._checkpoints.find({"_id": {"$gte": after}}, {"_id": True, ISSUED_AT: True})
        self._checkpoint = max([d async for d in kept], key=lambda d: int(d["_id"]), default=None)
        head = GaugeMetricFamily(HEAD_SIZE, "Records in the audit log (the last seq)")
        head.add_metric([], float(self._size))
        size = GaugeMetricFamily(CHECKPOINT_SIZE, "Records the latest signed checkpoint covers")
        size.add_metric([], float(self._checkpoint["_id"]) if self._checkpoint else 0.0)
        age = GaugeMetricFamily(CHECKPOINT_AGE, "Seconds since the latest checkpoint was signed")
        issued = self._checkpoint.get(ISSUED_AT) if self._checkpoint else None
        if isinstance(issued, datetime):
            since = issued if issued.tzinfo else issued.replace(tzinfo=UTC)
            age.add_metric([], max(0.0, (self._clock.now() - since).total_seconds()))
        return [head, size, age]


def service_metrics(
    settings: AuditSettings,
    *,
    broker: KafkaBroker,
    database: AsyncDatabase[dict[str, Any]],
    recorder: RecordEvent,
) -> ServiceMetrics:
    """Every background gauge of the audit service."""
    head = LogHead(database, recorder, SystemClock())
    probes = [KafkaPositions(kafka_login(settings), broker), head]
    return ServiceMetrics(service="audit", probes=probes, interval=settings.metrics_refresh_seconds)
