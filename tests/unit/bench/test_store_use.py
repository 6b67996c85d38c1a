"""Reading store commands from /metrics pages, per event, and a process's CPU time."""

from __future__ import annotations

import os
import time

from tsunagu_ops.bench.store_use import commands_in, cpu_seconds, per_event

PAGE = """# HELP tsunagu_store_commands_total Commands sent to the store
# TYPE tsunagu_store_commands_total counter
tsunagu_store_commands_total{command="find"} 12.0
tsunagu_store_commands_total{command="insert"} 3.0
tsunagu_store_commands_created{command="find"} 1.7e9
tsunagu_http_requests_total{method="GET",route="/x",status="200"} 99.0
"""


def test_the_commands_of_every_kind_are_added_up_and_nothing_else() -> None:
    assert commands_in(PAGE) == 15.0


def test_commands_per_event_are_the_growth_of_each_service_over_the_events() -> None:
    shares = per_event({"audit": 10, "referrals": 100}, {"audit": 30, "referrals": 160}, 20)
    assert shares == {"audit": 1.0, "referrals": 3.0, "total": 4.0}
    assert per_event({}, {"audit": 5}, 0) == {}


def test_cpu_time_of_this_process_grows_while_it_works() -> None:
    first = cpu_seconds(os.getpid())
    end = time.process_time() + 0.2
    while time.process_time() < end:
        pass
    later = cpu_seconds(os.getpid())
    assert first is not None
    assert later is not None
    assert later - first >= 0.1
    assert cpu_seconds(2**22 + 12345) is None
