"""The audit service's metrics: the size of the log's head, and the size and age of its latest
signed checkpoint, each read by one indexed lookup."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from faststream.kafka import KafkaBroker
from prometheus_client.core import GaugeMetricFamily, Metric
from pymongo import DESCENDING
from pymongo.asynchronous.database import AsyncDatabase

from services.audit.adapters.checkpoint_store import CHECKPOINTS, ISSUED_AT
from services.audit.adapters.mongo import COLLECTION
from services.audit.settings import AuditSettings
from tsunagu.clock import Clock, SystemClock
from tsunagu.messaging.login import kafka_login
from tsunagu.metrics import KafkaPositions, Probe, ServiceMetrics

HEAD_SIZE = "tsunagu_audit_head_size"
CHECKPOINT_SIZE = "tsunagu_audit_checkpoint_size"
CHECKPOINT_AGE = "tsunagu_audit_checkpoint_age_seconds"


class LogHead(Probe):
    """The number of records in the log and what the latest checkpoint covers."""

    name = "audit-head"

    def __init__(self, database: AsyncDatabase[dict[str, Any]], clock: Clock) -> None:
        self._records = database[COLLECTION]
        self._checkpoints = database[CHECKPOINTS]
        self._clock = clock

    async def read(self) -> list[Metric]:
        """Head size, checkpoint size and, when known, the checkpoint's age."""
        last = await self._records.find_one(
            {}, {"_id": False, "seq": True}, sort=[("seq", DESCENDING)]
        )
        checkpoint = await self._checkpoints.find_one(
            {}, {"_id": True, ISSUED_AT: True}, sort=[("_id", DESCENDING)]
        )
        head = GaugeMetricFamily(HEAD_SIZE, "Records in the audit log (the last seq)")
        head.add_metric([], float(last["seq"]) if last else 0.0)
        size = GaugeMetricFamily(CHECKPOINT_SIZE, "Records the latest signed checkpoint covers")
        size.add_metric([], float(checkpoint["_id"]) if checkpoint else 0.0)
        age = GaugeMetricFamily(CHECKPOINT_AGE, "Seconds since the latest checkpoint was signed")
        issued = checkpoint.get(ISSUED_AT) if checkpoint else None
        if isinstance(issued, datetime):
            since = issued if issued.tzinfo else issued.replace(tzinfo=UTC)
            age.add_metric([], max(0.0, (self._clock.now() - since).total_seconds()))
        return [head, size, age]


def service_metrics(
    settings: AuditSettings, *, broker: KafkaBroker, database: AsyncDatabase[dict[str, Any]]
) -> ServiceMetrics:
    """Every background gauge of the audit service."""
    probes = [KafkaPositions(kafka_login(settings), broker), LogHead(database, SystemClock())]
    return ServiceMetrics(service="audit", probes=probes, interval=settings.metrics_refresh_seconds)
