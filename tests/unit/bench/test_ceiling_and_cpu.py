"""Finding the ceiling: which step held and why one did not; CPU per event from two readings."""

from __future__ import annotations

import os

from tsunagu_ops.bench.ceiling import Step, ceiling_of, referrals_for
from tsunagu_ops.bench.cpu import BENCH, cpu_ms_per_event, cpu_readings, with_bench
from tsunagu_ops.bench.steady import SteadyState


def _steady(
    *, p99_ms: float = 100.0, through: float = 300.0, failed: int = 0, missing: int = 0
) -> SteadyState:
    events = 3000
    return SteadyState(
        events=events,
        failures={"accept: 503": failed} if failed else {},
        failure_examples=[],
        busy_retries=0,
        seconds=events / through,
        to_audit_ms=[p99_ms] * events,
        to_inbox_ms=[p99_ms] * events,
        store_commands_per_event={"total": 2.5},
        missing={"tsunagu-audit": 0, "tsunagu-notifications": missing},
        cpu_ms_per_event={"total (stack)": 6.0},
    )


def test_a_step_holds_only_under_250_ms_with_nothing_failed_missing_or_held_back() -> None:
    assert Step(300, _steady()).shortfall == ""
    assert "p99 API → audit 250 ms" in Step(300, _steady(p99_ms=250)).shortfall
    assert "journeys failed" in Step(300, _steady(failed=1)).shortfall
    assert "missing" in Step(300, _steady(missing=2)).shortfall
    assert "280 of 300" in Step(300, _steady(through=280)).shortfall


def test_the_ceiling_is_the_last_step_before_the_first_that_did_not_hold() -> None:
    steps = [
        Step(100, _steady()),
        Step(150, _steady()),
        Step(200, _steady(p99_ms=900)),
        Step(250, _steady()),
    ]
    ceiling = ceiling_of(steps)
    assert ceiling is not None
    assert ceiling.offered == 150
    assert ceiling_of([Step(100, _steady(p99_ms=300))]) is None


def test_each_step_keeps_its_rate_up_for_the_seconds_asked_with_a_floor() -> None:
    assert referrals_for(300, 20) == 1200
    assert referrals_for(5, 2) == 10


def test_cpu_per_event_is_the_growth_of_each_process_and_the_stack_leaves_out_the_bench() -> None:
    before = {"store": 10.0, "referrals": 4.0, BENCH: 1.0}
    after = {"store": 12.0, "referrals": 5.0, BENCH: 3.0, "kafka": 9.0}
    shares = cpu_ms_per_event(before, after, 1000)
    assert shares == {"store": 2.0, "referrals": 1.0, BENCH: 2.0, "total (stack)": 3.0}
    assert cpu_ms_per_event(before, after, 0) == {}


def test_readings_come_from_proc_and_a_gone_process_is_left_out() -> None:
    readings = cpu_readings(with_bench({"gone": 2**22 + 12345}))
    assert set(readings) == {BENCH}
    assert readings[BENCH] > 0
    assert with_bench({})[BENCH] == os.getpid()
