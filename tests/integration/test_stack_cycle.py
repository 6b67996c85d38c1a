"""`tsunagu down` then `tsunagu up` at once, twice: nothing left behind, everything back."""

from __future__ import annotations

import os
from pathlib import Path

from rich.console import Console

from tsunagu_ops.console.settings import DEFAULT_PORT as CONSOLE_PORT
from tsunagu_ops.localstack import SERVICES, StackLayout, default_home, down, status, up
from tsunagu_ops.localstack.pidfiles import recorded_names
from tsunagu_ops.localstack.ports import HOST, free_port, port_bindable

PROC = Path("/proc")


def _zombie_children() -> list[int]:
    """Pids of this process's children that exited and were never waited for."""
    zombies = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] == "Z" and int(fields[1]) == os.getpid():
            zombies.append(int(entry.name))
    return zombies


def _service_port_offset() -> int:
    """An offset putting the four services on four consecutive free ports, and the console on
    the free port before them."""
    first = SERVICES[0].port
    while True:
        base = free_port()
        ports = [base + spec.port - first for spec in SERVICES] + [base + CONSOLE_PORT - first]
        if all(port_bindable(HOST, port) for port in ports):
            return base - first


def _layout(root: Path) -> StackLayout:
    """A stack of its own: its data folder and ports, the shared jars and store binary."""
    return StackLayout(
        home=default_home(),
        root=root,
        kafka_port=free_port(),
        controller_port=free_port(),
        store_port=free_port(),
        service_port_offset=_service_port_offset(),
    )


def _assert_all_gone(layout: StackLayout, stopped: list[str]) -> None:
    """Every part was stopped, reaped, forgotten, and its ports can be bound again."""
    everything = {"kafka", "store", "console", *(spec.name for spec in SERVICES)}
    assert set(stopped) == everything
    assert recorded_names(layout.run) == []
    assert _zombie_children() == []
    ports = [layout.kafka_port, layout.controller_port, layout.store_port]
    ports += [spec.port + layout.service_port_offset for spec in SERVICES]
    ports.append(CONSOLE_PORT + layout.service_port_offset)
    assert [port for port in ports if not port_bindable(HOST, port)] == []


def test_down_then_up_at_once_always_brings_the_whole_stack_back(tmp_path: Path) -> None:
    layout = _layout(tmp_path / "stack")
    console = Console(quiet=True)
    try:
        for _ in range(2):
            handles = up(layout, console)
            names = {"kafka", "store", "console", *(s.name for s in SERVICES)}
            assert {h.name for h in handles} == names
            parts = status(layout, console)
            assert [p.name for p in parts if not (p.running and p.ready)] == []
            _assert_all_gone(layout, down(layout, console))
    finally:
        down(layout, console)
