"""The pipeline health dashboard: services up, Kafka lag, dead letters, outboxes, audit log."""

from __future__ import annotations

from grafana_foundation_sdk.builders.dashboard import Dashboard, Row

from .panels import number, series
from .queries import dashboard, quantile, rate, same


def pipeline_health() -> Dashboard:
    """Whether events flow: services up, consumer lag, dead letters, outboxes, the audit log."""
    lag = same("group, topic, partition", "tsunagu_consumer_lag_records")
    parked = same("topic", "tsunagu_dead_letters")
    outbox = "service, collection"
    handled = "faststream_received_processed_messages"
    return (
        dashboard("tsunagu-pipeline", "Tsunagu / Pipeline health", "Kafka, outboxes, audit")
        .with_row(Row("Services"))
        .with_panel(number("Services up", 'sum(up{job="tsunagu"})'))
        .with_panel(number("Dead letters waiting", f"sum({parked}) or vector(0)"))
        .with_panel(number("Outbox backlog", f"sum({same(outbox, 'tsunagu_outbox_backlog')})"))
        .with_panel(number("Failing probes", "count(tsunagu_metrics_probe_ok == 0) or vector(0)"))
        .with_row(Row("Kafka"))
        .with_panel(
            series("Consumer lag (records)", "short", (f"sum by (group, topic) ({lag})", ""))
        )
        .with_panel(
            series(
                "Consumer lag (age of the first unhandled record)",
                "s",
                (same("group, topic", "tsunagu_consumer_lag_seconds"), ""),
            )
        )
        .with_panel(series("Dead letters by topic", "short", (parked, "{{topic}}")))
        .with_panel(
            series(
                "Oldest dead letter",
                "s",
                (same("topic", "tsunagu_dead_letters_oldest_age_seconds"), "{{topic}}"),
            )
        )
        .with_panel(
            series(
                "Messages handled and published",
                "ops",
                (rate("app_name", f"{handled}_total"), "handled {{app_name}}"),
                (
                    rate("app_name", "faststream_published_messages_total"),
                    "published {{app_name}}",
                ),
            )
        )
        .with_panel(
            series(
                "Handling time, 99th percentile",
                "s",
                (quantile(0.99, "app_name", f"{handled}_duration_seconds"), "{{app_name}}"),
            )
        )
        .with_row(Row("Outboxes and audit"))
        .with_panel(series("Outbox backlog", "short", (same(outbox, "tsunagu_outbox_backlog"), "")))
        .with_panel(
            series(
                "Oldest unpublished event",
                "s",
                (same(outbox, "tsunagu_outbox_oldest_age_seconds"), ""),
            )
        )
        .with_panel(
            series(
                "Audit log: head and signed checkpoint",
                "short",
                ("max(tsunagu_audit_head_size)", "head"),
                ("max(tsunagu_audit_checkpoint_size)", "checkpoint"),
            )
        )
        .with_panel(
            series(
                "Age of the latest checkpoint",
                "s",
                ("min(tsunagu_audit_checkpoint_age_seconds)", "age"),
            )
        )
    )
