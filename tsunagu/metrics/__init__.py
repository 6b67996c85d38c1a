"""What a service tells Prometheus beyond its HTTP counters: gauges computed in the background
from indexed counts and Kafka offsets, served from memory on every scrape (`ServiceMetrics`),
and the probes every service shares (consumer lag, dead letters, outbox backlog)."""

from .kafka_positions import KafkaPositions
from .outbox import OutboxBacklog
from .snapshot import Probe, ServiceMetrics

__all__ = ["KafkaPositions", "OutboxBacklog", "Probe", "ServiceMetrics"]
