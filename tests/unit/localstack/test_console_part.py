"""The console as a part of the local stack: its port, what it reads, when it stops."""

from __future__ import annotations

from pathlib import Path

from tsunagu_ops.localstack.console import CONSOLE, console_part, console_url
from tsunagu_ops.localstack.layout import StackLayout
from tsunagu_ops.localstack.stack import shutdown_order


def test_the_console_listens_on_8000_of_this_machine_beside_the_services(tmp_path: Path) -> None:
    layout = StackLayout(home=tmp_path, root=tmp_path)
    part = console_part(layout)
    assert (part.name, part.port, part.address) == (CONSOLE, 8000, "http://127.0.0.1:8000")
    moved = StackLayout(home=tmp_path, root=tmp_path, service_port_offset=100)
    assert console_part(moved).port == 8100
    assert console_url(moved) == "http://127.0.0.1:8100"


def test_the_console_stops_before_the_services_it_reads(tmp_path: Path) -> None:
    order = shutdown_order(StackLayout(home=tmp_path, root=tmp_path))
    assert order[0] == CONSOLE
    assert order.index(CONSOLE) < order.index("referrals") < order.index("kafka")
