"""Printing the figures: ours beside the raw baselines, and the goals they are held against."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from .catchup import CatchUp
from .machine import Machine
from .sealing import SealingCost
from .steady import SteadyState


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of `values` (0 when empty)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def print_report(
    console: Console,
    *,
    machine: Machine,
    steady: SteadyState | None,
    rss: dict[str, float | None],
    catch_up: CatchUp | None,
    raw: dict[str, float],
    backlog: int,
    verification_us: list[float],
    idle_store_cpu: tuple[float | None, float | None],
    sealing: SealingCost | None = None,
) -> None:
    """Print one table of figures and the goals."""
    table = Table(title=f"Tsunagu benchmark — {machine.describe()}")
    for column in ("measure", "ours", "raw baseline", "ratio", "goal"):
        table.add_column(column)
    if steady is not None:
        produce_consume = raw.get("produce_consume", 0.0)
        table.add_row(
            "steady throughput (referral events/s, API → audit)",
            f"{steady.events_per_second:,.0f}",
            f"{produce_consume:,.0f} produce→consume",
            _ratio(steady.events_per_second, produce_consume),
            "≥ 290 at 300 offered",
        )
        for name, values, goal in (
            ("API → audit", steady.to_audit_ms, "p99 < 250 ms"),
            ("API → inbox", steady.to_inbox_ms, "p99 < 500 ms"),
        ):
            figures = " / ".join(f"{percentile(values, q):,.0f}" for q in (0.5, 0.95, 0.99))
            table.add_row(f"{name} p50/p95/p99 ms ({len(values)} events)", figures, "", "", goal)
        for group, label in (("tsunagu-audit", "audit log"), ("tsunagu-notifications", "inboxes")):
            missing = steady.missing.get(group, 0)
            table.add_row(
                f"events missing from the {label} when the bench stopped waiting",
                f"{missing:,} of {steady.events:,}",
                "",
                "",
                "0",
            )
        table.add_row("journeys failed", str(sum(steady.failures.values())), "", "", "0")
        for reason, count in sorted(steady.failures.items(), key=lambda item: -item[1]):
            table.add_row(f"  {reason}", str(count), "", "", "")
        table.add_row("calls retried after 503 (store busy)", str(steady.busy_retries), "", "", "")
        shares = steady.store_commands_per_event
        if shares:
            table.add_row(
                "store round trips per referral event",
                f"{shares['total']:,.1f}",
                "",
                "",
                "≤ 3",
            )
            for name, share in shares.items():
                if name != "total":
                    table.add_row(f"  {name}", f"{share:,.1f}", "", "", "")
    if steady is not None and steady.cpu_ms_per_event:
        cpu = steady.cpu_ms_per_event
        table.add_row(
            "CPU ms per referral event, whole stack",
            f"{cpu.get('total (stack)', 0):,.2f}",
            "",
            "",
            "",
        )
        for name, share in sorted(cpu.items(), key=lambda item: -item[1]):
            if name != "total (stack)":
                table.add_row(f"  {name}", f"{share:,.2f}", "", "", "")
    if catch_up is not None:
        rate = catch_up.recorded / catch_up.seconds if catch_up.seconds else 0.0
        for label, key in (("consume", "consume"), ("insert_many", "insert_many")):
            table.add_row(
                f"audit catch-up over {backlog:,} events (events/s)" if key == "consume" else "",
                f"{rate:,.0f}" if key == "consume" else "",
                f"{raw.get(key, 0.0):,.0f} raw {label}",
                _ratio(rate, raw.get(key, 0.0)),
                "≥ 10,000 and ≥ ½ raw" if key == "consume" else "",
            )
        table.add_row(
            "catch-up records stored / startup s",
            f"{catch_up.recorded:,} / {catch_up.startup_seconds:.1f}",
            "",
            "",
            f"{backlog:,}",
        )
        rss = {**rss, "audit (catch-up process)": catch_up.peak_rss_mb}
    for service, megabytes in rss.items():
        shown = "not running" if megabytes is None else f"{megabytes:,.0f}"
        table.add_row(f"peak RSS {service} (MB, VmHWM)", shown, "", "", "< 200")
    if verification_us:
        figures = " / ".join(f"{percentile(verification_us, q):,.0f}" for q in (0.5, 0.99))
        table.add_row("token verification per request p50/p99 (µs)", figures, "", "", "")
    if sealing is not None:
        baseline = percentile(sealing.plain_json, 0.5)
        for label, values in (
            ("sealing the person's data, new referral", sealing.seal_new_referral),
            ("sealing the person's data, a change", sealing.seal),
            ("opening the person's data, a read", sealing.open),
            ("recording a read of the person's data", sealing.record_read),
        ):
            p50, p99 = percentile(values, 0.5), percentile(values, 0.99)
            table.add_row(
                f"{label} p50/p99 (µs)",
                f"{p50:,.0f} / {p99:,.0f}",
                f"{baseline:,.0f} plain JSON round trip",
                _ratio(p50, baseline),
                "",
            )
    before, after = idle_store_cpu
    if before is not None and after is not None:
        table.add_row(
            "idle store CPU before / after the load (% of a core)",
            f"{before:,.1f} / {after:,.1f}",
            "",
            "",
            "after within 5 points of before",
        )
    if "produce" in raw:
        table.add_row(
            "raw aiokafka produce (msgs/s, idempotent, acks=all)",
            "",
            f"{raw['produce']:,.0f}",
            "",
            "",
        )
    console.print(table)
    if steady is not None and steady.failure_examples:
        console.print("First failed journeys:")
        for example in steady.failure_examples:
            console.print(f"  {example}", markup=False, highlight=False)


def _ratio(ours: float, baseline: float) -> str:
    """Ours as a share of the baseline."""
    return f"{ours / baseline:.2f}×" if baseline else "—"
