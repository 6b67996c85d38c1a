"""The network flow and SLA dashboards: referrals, deliveries, deadlines and answer times."""

from __future__ import annotations

from grafana_foundation_sdk.builders.dashboard import Dashboard, Row

from .panels import bars, number, series
from .queries import changes, dashboard, quantile, rate, referrals, same

CLOSED = 'type="closed"'
GIVEN_UP = "tsunagu_notifications_deliveries_given_up_total"


def network_flow() -> Dashboard:
    """Referrals through the network: where they stand, how many move, how deliveries go."""
    counted = "status, urgency"
    return (
        dashboard("tsunagu-network", "Tsunagu / Network flow", "Referrals and deliveries")
        .with_row(Row("Now"))
        .with_panel(number("Waiting for an answer", referrals("requested")))
        .with_panel(number("Accepted, in support", referrals("accepted")))
        .with_panel(number("Declined, to reroute", referrals("declined")))
        .with_panel(number("Closed in 24 h", f"sum({changes('urgency', CLOSED, '24h')})"))
        .with_row(Row("Flow"))
        .with_panel(
            series(
                "Open referrals by status",
                "short",
                (f"sum by (status) ({same(counted, 'tsunagu_referrals_open')})", "{{status}}"),
            )
        )
        .with_panel(
            series(
                "Open referrals by urgency",
                "short",
                (f"sum by (urgency) ({same(counted, 'tsunagu_referrals_open')})", "{{urgency}}"),
            )
        )
        .with_panel(
            series(
                "Referral changes per hour, by type",
                "short",
                (changes("type", 'type!=""'), "{{type}}"),
            )
        )
        .with_panel(
            series(
                "Delivery attempts by channel and outcome",
                "ops",
                (rate("channel, outcome", "tsunagu_notifications_delivery_attempts_total"), ""),
            )
        )
        .with_panel(
            series(
                "Deliveries waiting, and given up per hour",
                "short",
                ("max(tsunagu_notifications_deliveries_pending)", "waiting"),
                (
                    f"sum by (channel) (increase({GIVEN_UP}[1h]))",
                    "given up {{channel}}",
                ),
            )
        )
        .with_panel(
            series(
                "API requests by service and status",
                "reqps",
                (rate("service, status", "tsunagu_http_requests_total"), ""),
            )
        )
    )


def sla() -> Dashboard:
    """Deadlines: breaches still open per agency (ids only), and how long answers take."""
    breaches = same("agency", "tsunagu_referrals_sla_breaches_open")
    oldest = same("agency", "tsunagu_referrals_sla_breach_oldest_age_seconds")
    accept, close = "tsunagu_referrals_accept_seconds", "tsunagu_referrals_close_seconds"
    return (
        dashboard("tsunagu-sla", "Tsunagu / SLA", "Acceptance deadlines and answer times")
        .with_row(Row("Open breaches"))
        .with_panel(number("Open SLA breaches", f"sum({breaches}) or vector(0)"))
        .with_panel(number("Oldest open breach", f"max({oldest}) or vector(0)", "s"))
        .with_panel(
            bars(
                "Open breaches per agency",
                breaches,
                "{{agency}}",
                description="Agencies (by id) asked to accept legs now past their deadline",
            )
        )
        .with_panel(series("Oldest open breach per agency", "s", (oldest, "{{agency}}")))
        .with_row(Row("Answer times"))
        .with_panel(
            series(
                "Time to accept: median and 90th percentile",
                "s",
                (quantile(0.5, "urgency", accept), "p50 {{urgency}}"),
                (quantile(0.9, "urgency", accept), "p90 {{urgency}}"),
            )
        )
        .with_panel(
            series(
                "Time to close: median and 90th percentile",
                "s",
                (quantile(0.5, "urgency", close), "p50 {{urgency}}"),
                (quantile(0.9, "urgency", close), "p90 {{urgency}}"),
            )
        )
    )
