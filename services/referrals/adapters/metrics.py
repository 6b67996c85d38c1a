"""The referrals service's metrics: referrals by status and urgency, open SLA breaches per agency
(ids only), and how long legs take to be accepted and referrals to be closed.

Counts come from indexes in the background (`ServiceMetrics`); the two histograms are observed
by the replica that makes the change, so their sum over replicas counts each change once.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from faststream.kafka import KafkaBroker
from prometheus_client import Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from pymongo.asynchronous.database import AsyncDatabase

from tsunagu.clock import Clock
from tsunagu.messaging.login import kafka_login
from tsunagu.metrics import KafkaPositions, OutboxBacklog, Probe, ServiceMetrics
from tsunagu_schemas import ReferralStatus, Urgency
from tsunagu_schemas import referral as types

from ..domain import Referral, ReferralEvent
from ..settings import ReferralsSettings
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
REFERRALS_NOW = "tsunagu_referrals"
OPEN_BREACHES = "tsunagu_referrals_sla_breaches_open"
OLDEST_BREACH = "tsunagu_referrals_sla_breach_oldest_age_seconds"


def observe_change(referral: Referral, event: ReferralEvent) -> None:
    """Time an acceptance or a close into its histogram (other changes are not timed)."""
    urgency = referral.urgency.value
    if event.type == types.REFERRAL_ACCEPTED and referral.leg.responded_at is not None:
        waited = referral.leg.responded_at - referral.leg.requested_at
        ACCEPT_SECONDS.labels(urgency).observe(max(0.0, waited.total_seconds()))
    elif event.type == types.REFERRAL_CLOSED:
        took = referral.updated_at - referral.created_at
        CLOSE_SECONDS.labels(urgency).observe(max(0.0, took.total_seconds()))


class ReferralCounts(Probe):
    """Referrals by status and urgency: one indexed count per pair."""

    name = "referral-counts"

    def __init__(self, database: AsyncDatabase[dict[str, Any]]) -> None:
        self._referrals = database[REFERRALS]

    async def prepare(self) -> None:
        """Index status then urgency, which the counts read."""
        await self._referrals.create_index([("status", 1), ("urgency", 1)])

    async def read(self) -> list[Metric]:
        """The number of referrals in each status, by urgency."""
        pairs = [(status, urgency) for status in ReferralStatus for urgency in Urgency]
        counts = await asyncio.gather(
            *(
                self._referrals.count_documents({"status": s.value, "urgency": u.value})
                for s, u in pairs
            )
        )
        family = GaugeMetricFamily(
            REFERRALS_NOW, "Referrals by status and urgency", labels=["status", "urgency"]
        )
        for (status, urgency), count in zip(pairs, counts, strict=True):
            family.add_metric([status.value, urgency.value], float(count))
        return [family]


class OpenBreaches(Probe):
    """Legs past their deadline and still unanswered, per asked agency (its id only)."""

    name = "sla-breaches"

    def __init__(self, database: AsyncDatabase[dict[str, Any]], clock: Clock) -> None:
        self._referrals = database[REFERRALS]
        self._clock = clock

    async def read(self) -> list[Metric]:
        """Open breaches per agency and how long the oldest of each has been open."""
        # Only referrals waiting for an answer are read (status index), never the history.
        cursor = self._referrals.find(
            {"status": ReferralStatus.REQUESTED.value, "legs.sla_breached_at": {"$ne": None}},
            {"_id": False, "current_leg": True, "legs.to_agency_id": True,
             "legs.sla_breached_at": True},
        )  # fmt: skip
        now, breached = self._clock.now(), dict[str, list[float]]()
        async for document in cursor:
            leg = document["legs"][document["current_leg"] - 1]
            if leg.get("sla_breached_at"):
                since = _moment(leg["sla_breached_at"])
                breached.setdefault(leg["to_agency_id"], []).append((now - since).total_seconds())
        count = GaugeMetricFamily(OPEN_BREACHES, "Unanswered legs past deadline", labels=["agency"])
        oldest = GaugeMetricFamily(
            OLDEST_BREACH, "Age of the agency's oldest open SLA breach", labels=["agency"]
        )
        for agency, ages in sorted(breached.items()):
            count.add_metric([agency], float(len(ages)))
            oldest.add_metric([agency], max(0.0, max(ages)))
        return [count, oldest]


def _moment(value: datetime | str) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


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
        ReferralCounts(database),
        OpenBreaches(database, clock),
    ]
    return ServiceMetrics(
        service="referrals", probes=probes, interval=settings.metrics_refresh_seconds
    )
