"""The whole local stack: Kafka, the document store, the four services and the console."""

from __future__ import annotations

import shutil
from dataclasses import dataclass

from rich.console import Console

from tsunagu_ops.localstack.console import CONSOLE, console_part, ensure_console_credentials
from tsunagu_ops.localstack.coordinator import ensure_coordinator
from tsunagu_ops.localstack.layout import StackLayout
from tsunagu_ops.localstack.parts import (
    KAFKA,
    STORE,
    Part,
    check_ports,
    kafka_part,
    launch,
    service_part,
    stop_part,
    store_part,
    wait_ports_released,
)
from tsunagu_ops.localstack.pidfiles import live_record, recorded_names
from tsunagu_ops.localstack.processes import ProcessHandle
from tsunagu_ops.localstack.services import SERVICES


@dataclass(frozen=True)
class PartStatus:
    """What ``tsunagu status`` shows for one part."""

    name: str
    running: bool
    pid: int | None
    address: str
    ready: bool


def infrastructure_parts(layout: StackLayout, console: Console) -> list[Part]:
    """Return the store and Kafka parts."""
    return [store_part(layout, console), kafka_part(layout, console)]


def service_parts(layout: StackLayout) -> list[Part]:
    """Return one part per service, on the default ports."""
    return [service_part(layout, spec.name) for spec in SERVICES]


def all_parts(layout: StackLayout, console: Console) -> list[Part]:
    """Return every part, in start order."""
    return infrastructure_parts(layout, console) + service_parts(layout) + [console_part(layout)]


def up(layout: StackLayout, console: Console, *, services: bool = True) -> list[ProcessHandle]:
    """Start (or reuse) the store and Kafka, then the services and the console; wait until all
    are ready.

    The first time, a coordinator credential is written into the directory's store and saved
    under the data folder (see `ensure_coordinator`); then the console's operator and auditor
    clients are registered with it and saved beside it."""
    infrastructure = infrastructure_parts(layout, console)
    apps = service_parts(layout) if services else []
    tools = [console_part(layout)] if services else []
    check_ports(layout, infrastructure + apps + tools)
    handles = launch(layout, infrastructure, console)
    ensure_coordinator(layout, console)
    handles += launch(layout, apps, console)
    if services:
        ensure_console_credentials(layout, console)
        handles += launch(layout, tools, console)
    return handles


def shutdown_order(layout: StackLayout) -> list[str]:
    """Return the names to stop: the console, services, Kafka, the store, then anything else
    recorded."""
    known = [CONSOLE] + [spec.name for spec in SERVICES] + [KAFKA, STORE]
    return known + [name for name in recorded_names(layout.run) if name not in known]


def down(layout: StackLayout, console: Console) -> list[str]:
    """Stop every recorded process, services first; return the names that were running.

    Returns once each stopped process is gone (and reaped, when this process started it) and
    the ports it listened on can be bound again, so that ``up`` may follow at once.
    """
    ports = {part.name: part.ports for part in all_parts(layout, console)}
    stopped = []
    for name in shutdown_order(layout):
        with console.status(f"Stopping {name}…"):
            if stop_part(layout, name):
                stopped.append(name)
    wait_ports_released(port for name in stopped for port in ports.get(name, ()))
    return stopped


def wipe(layout: StackLayout) -> None:
    """Delete stored data and logs (keeps downloaded jars and built binaries)."""
    for path in layout.data_paths():
        shutil.rmtree(path, ignore_errors=True)


def status(layout: StackLayout, console: Console) -> list[PartStatus]:
    """Return whether each part runs and answers its readiness probe."""
    result = []
    for part in all_parts(layout, console):
        record = live_record(layout.run, part.name)
        ready = record is not None and part.probe()
        pid = record.pid if record else None
        result.append(PartStatus(part.name, record is not None, pid, part.address, ready))
    return result
