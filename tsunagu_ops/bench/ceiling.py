"""`--find-ceiling`: the highest offered rate the stack holds, raised step by step.

A step holds when p99 API → audit stays under 250 ms, no journey fails, every event reaches the
audit log and the inboxes, and at least 95 % of the offered rate gets through. The first step
that does not hold ends the search; the one before it is the ceiling."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from rich.console import Console
from rich.table import Table

from .machine import Machine
from .report import percentile
from .results import RESULTS, save_results
from .settings import BenchSettings
from .steady import SteadyState, run_steady_state

LIMIT_MS = 250.0
THROUGHPUT_SHARE = 0.95
MAX_STEPS = 30
MIN_REFERRALS = 10


@dataclass(frozen=True)
class Step:
    """One offered rate and what it measured."""

    offered: float
    steady: SteadyState

    @property
    def p99_to_audit_ms(self) -> float:
        """The step's p99 from API call to audit record."""
        return percentile(self.steady.to_audit_ms, 0.99)

    @property
    def shortfall(self) -> str:
        """Why the step did not hold ("" when it did)."""
        steady = self.steady
        if self.p99_to_audit_ms >= LIMIT_MS:
            return f"p99 API → audit {self.p99_to_audit_ms:,.0f} ms"
        if steady.failures:
            return f"{sum(steady.failures.values())} journeys failed"
        if any(steady.missing.values()):
            return f"events missing: {steady.missing}"
        if steady.events_per_second < THROUGHPUT_SHARE * self.offered:
            return f"{steady.events_per_second:,.0f} of {self.offered:,.0f} events/s got through"
        return ""


def referrals_for(rate: float, seconds: float) -> int:
    """Journeys (five events each) that keep `rate` events/s up for `seconds`."""
    return max(MIN_REFERRALS, round(rate * seconds / 5))


def ceiling_of(steps: Sequence[Step]) -> Step | None:
    """The last step that held before the first one that did not."""
    held = None
    for step in steps:
        if step.shortfall:
            break
        held = step
    return held


async def find_ceiling(
    settings: BenchSettings,
    *,
    urls: dict[str, str],
    processes: Mapping[str, Sequence[str]],
    cpu_pids: Mapping[str, int],
    machine: Machine,
    console: Console,
    show: Callable[[str], None],
) -> Step | None:
    """Raise the offered rate from `settings.rate` by `settings.step` until a step fails; print
    every step and the ceiling, keep them in `bench/results/ceiling-*.json`."""
    steps: list[Step] = []
    rate = settings.rate
    for number in range(1, MAX_STEPS + 1):
        referrals = referrals_for(rate, settings.step_seconds)
        console.print(
            f"Ceiling step {number}: {rate:,.0f} events/s offered ({referrals} referrals)"
        )
        steady = await run_steady_state(
            urls=urls,
            processes=processes,
            bootstrap=settings.kafka_bootstrap_servers,
            referrals=referrals,
            events_per_second=rate,
            concurrency=settings.concurrency,
            show=show,
            cpu_pids=cpu_pids,
            warmup=settings.warmup if number == 1 else 0,
        )
        step = Step(rate, steady)
        steps.append(step)
        console.print(f"  {step.shortfall or 'held'}")
        if step.shortfall:
            break
        rate += settings.step
    ceiling = ceiling_of(steps)
    console.print(_table(steps, machine))
    if ceiling is None:
        console.print(f"Even {settings.rate:,.0f} events/s did not hold: {steps[0].shortfall}")
    else:
        cpu = ceiling.steady.cpu_ms_per_event
        console.print(
            f"Ceiling: {ceiling.offered:,.0f} referral events/s offered held "
            f"({ceiling.steady.events_per_second:,.0f}/s got through, p99 API → audit "
            f"{ceiling.p99_to_audit_ms:,.0f} ms); CPU ms per event: "
            + ", ".join(f"{name} {value:.2f}" for name, value in cpu.items())
        )
    figures = {
        "ceiling_events_per_second": ceiling.offered if ceiling else None,
        "steps": [
            {"offered": s.offered, "shortfall": s.shortfall, "steady": s.steady} for s in steps
        ],
    }
    saved = save_results(RESULTS, machine, figures, prefix="ceiling-")
    console.print(f"Figures kept in {saved}")
    return ceiling


def _table(steps: Sequence[Step], machine: Machine) -> Table:
    table = Table(title=f"Finding the ceiling — {machine.describe()}")
    for column in (
        "offered /s",
        "got through /s",
        "API → audit p50 / p99 ms",
        "API → inbox p99 ms",
        "stack CPU ms / event",
        "round trips / event",
        "held",
    ):
        table.add_column(column)
    for step in steps:
        steady = step.steady
        table.add_row(
            f"{step.offered:,.0f}",
            f"{steady.events_per_second:,.0f}",
            f"{percentile(steady.to_audit_ms, 0.5):,.0f} / {step.p99_to_audit_ms:,.0f}",
            f"{percentile(steady.to_inbox_ms, 0.99):,.0f}",
            f"{steady.cpu_ms_per_event.get('total (stack)', 0.0):,.2f}",
            f"{steady.store_commands_per_event.get('total', 0.0):,.1f}",
            step.shortfall or "yes",
        )
    return table
