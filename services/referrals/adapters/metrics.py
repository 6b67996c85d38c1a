"""The referrals service's metrics: open referrals by status and urgency, open SLA breaches per
agency (ids only), every change by type, and how long legs take to be accepted and referrals
to be closed.

The open referrals are read in the background (`ServiceMetrics`); changes are counted by the
replica that makes them, so their sum over replicas counts each change once.
"""

from __future__ import annotations

from typing import Any

from faststream.kafka import KafkaBroker
from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from pymongo.asynchronous.database import AsyncDatabase

from tsunagu.clock import Clock
from tsunagu.messaging.login import kafka_login
from tsunagu.metrics import KafkaPositions, OutboxBacklog, Probe, ServiceMetrics
from tsunagu_schemas import ReferralStatus, Urgency
from tsunagu_schemas import referral as types

from ..domain import Referral, ReferralEvent
from ..settings import ReferralsSettings
from .moments import stored_moment
from .referral_store import REFERRALS

HOUR, DAY = 3600.0, 86400.0
ACCEPT_SECONDS = Histogram(
    "tsunagu_referrals_accept_seconds",
    "From a leg's request to its acceptance",
    ["urgency"],
    buckets=(60, 300, 900, HOUR, 4 * HOUR, 12 * HOUR, DAY, 2 * DAY, 3 * DAY, 7 * DAY),
)
CLOSE_SECONDS = Histogram(
    "tsunagu_referrals_close_seconds",
    "From a referral's creation to its close",
    ["urgency"],
    buckets=(HOUR, DAY, 3 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 90 * DAY, 180 * DAY, 365 * DAY),
)
CHANGES = Counter(
    "tsunagu_referral_changes_total",
    "Changes of referrals recorded, by event type (created, accepted, closed…) and urgency",
    ["type", "urgency"],
)
OPEN = (ReferralStatus.REQUESTED, ReferralStatus.ACCEPTED, ReferralStatus.DECLINED)
OPEN_NOW = "tsunagu_referrals_open"
OPEN_BREACHES = "tsunagu_referrals_sla_breaches_open"
OLDEST_BREACH = "tsunagu_referrals_sla_breach_oldest_age_seconds"


def observe_change(referral: Referral, event: ReferralEvent) -> None:
    """Count the change, and time an acceptance or a close into its histogram."""
    urgency = referral.urgency.value
    CHANGES.labels(event.type.removeprefix("tsunagu.referral."), urgency).inc()
    if event.type == types.REFERRAL_ACCEPTED and referral.leg.responded_at is not None:
        waited = referral.leg.responded_at - referral.leg.requested_at
        ACCEPT_SECONDS.labels(urgency).observe(max(0.0, waited.total_seconds()))
    elif event.type == types.REFERRAL_CLOSED:
        took = referral.updated_at - referral.created_at
        CLOSE_SECONDS.labels(urgency).observe(max(0.0, took.total_seconds()))


class OpenReferrals(Probe):
    """Referrals still open, by status and urgency, and open SLA breaches per asked agency.

    One read of the open referrals only (status index): it costs the network's caseload, never
    its history. Closed and cancelled referrals are counted as they happen instead
    (`tsunagu_referral_changes_total`).
    """

    name = "open-referrals"

    def __init__(self, database: AsyncDatabase[dict[str, Any]], clock: Clock) -> None:
        self._referrals = database[REFERRALS]
        self._clock = clock

    async def prepare(self) -> None:
        """Index status then urgency, which the read selects on."""
        await self._referrals.create_index([("status", 1), ("urgency", 1)])

    async def read(self) -> list[Metric]:
        """Open referrals per status and urgency; breaches per agency and the oldest's age."""
        cursor = self._referrals.find(
            {"status": {"$in": [status.value for status in OPEN]}},
            {"_id": False, "status": True, "urgency": True, "current_leg": True,
             "legs.to_agency_id": True, "legs.sla_breached_at": True},
        )  # fmt: skip
        counts = {(status.value, urgency.value): 0 for status in OPEN for urgency in Urgency}
        now, breached = self._clock.now(), dict[str, list[float]]()
        async for document in cursor:
            counts[(document["status"], document["urgency"])] += 1
            leg = document["legs"][document["current_leg"] - 1]
            if document["status"] == ReferralStatus.REQUESTED and leg.get("sla_breached_at"):
                since = stored_moment(leg["sla_breached_at"])
                breached.setdefault(leg["to_agency_id"], []).append((now - since).total_seconds())
        return [_counted(counts), *_breaches(breached)]


def _counted(counts: dict[tuple[str, str], int]) -> Metric:
    family = GaugeMetricFamily(
        OPEN_NOW, "Open referrals by status and urgency", labels=["status", "urgency"]
    )
    for labels, count in counts.items():
        family.add_metric(list(labels), float(count))
    return family


def _breaches(breached: dict[str, list[float]]) -> list[Metric]:
    count = GaugeMetricFamily(OPEN_BREACHES, "Unanswered legs past deadline", labels=["agency"])
    oldest = GaugeMetricFamily(
        OLDEST_BREACH, "Age of the agency's oldest open SLA breach", labels=["agency"]
    )
    for agency, ages in sorted(breached.items()):
        count.add_metric([agency], float(len(ages)))
        oldest.add_metric([agency], max(0.0, max(ages)))
    return [count, oldest]


def service_metrics(
    settings: ReferralsSettings,
    *,
    broker: KafkaBroker,
    database: AsyncDatabase[dict[str, Any]],
    clock: Clock,
) -> ServiceMetrics:
    """Every background gauge of the referrals service."""
    probes = [
        KafkaPositions(kafka_login(settings), broker),
        OutboxBacklog(database[REFERRALS], clock=clock),
        OpenReferrals(database, clock),
    ]
    return ServiceMetrics(
        service="referrals", probes=probes, interval=settings.metrics_refresh_seconds
    )
