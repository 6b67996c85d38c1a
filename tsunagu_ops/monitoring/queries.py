"""The shape of every Tsunagu dashboard and the PromQL its panels share.

Every replica of a service reports the same gauges read from Kafka or the store, so those are
combined with `max`; counters and histograms are counted by the replica that did the work, so
those are summed.
"""

from __future__ import annotations

from grafana_foundation_sdk.builders.dashboard import Dashboard

from .panels import datasource_variable

RATE = "[$__rate_interval]"
CHANGES = "tsunagu_referral_changes_total"
PUBLISHED = "faststream_published_messages_total"
BACKLOG = "tsunagu_outbox_backlog"
CHECKPOINT_AGE = "tsunagu_audit_checkpoint_age_seconds"


def dashboard(uid: str, title: str, description: str) -> Dashboard:
    """A dashboard of Tsunagu's, on the chosen Prometheus, refreshed every 30 s."""
    return (
        Dashboard(title)
        .uid(uid)
        .description(description)
        .tags(["tsunagu"])
        .refresh("30s")
        .time("now-6h", "now")
        .timezone("browser")
        .editable()
        .with_variable(datasource_variable())
    )


def same(by: str, metric: str) -> str:
    """A gauge every replica reports alike, once per `by` labels."""
    return f"max by ({by}) ({metric})"


def changes(by: str, selector: str, window: str = "1h") -> str:
    """How many referral changes of the selected types the window saw, summed over replicas."""
    return f"sum by ({by}) (increase({CHANGES}{{{selector}}}[{window}]))"


def rate(by: str, counter: str) -> str:
    """A counter's per-second rate, summed over replicas, per `by` labels."""
    return f"sum by ({by}) (rate({counter}{RATE}))"


def quantile(q: float, by: str, histogram: str) -> str:
    """The `q` quantile of a histogram over all replicas, per `by` labels."""
    return f"histogram_quantile({q}, sum by (le, {by}) (rate({histogram}_bucket{RATE})))"


def referrals(status: str) -> str:
    """How many referrals are open in `status` now."""
    selected = f'tsunagu_referrals_open{{status="{status}"}}'
    return f"sum({same('urgency', selected)})"
