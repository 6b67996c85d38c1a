"""The whole local stack: Kafka, the document store, the four services and the console."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from rich.console import Console

from services.directory import ensure_signing_key
from tsunagu_ops.localstack.console import CONSOLE, console_part, ensure_console_credentials
from tsunagu_ops.localstack.coordinator import ensure_coordinator
from tsunagu_ops.localstack.layout import StackLayout
from tsunagu_ops.localstack.parts import (
    STORE,
    Part,
    check_ports,
    is_kafka_node,
    kafka_parts,
    launch,
    stop_part,
    store_part,
    wait_ports_released,
)
from tsunagu_ops.localstack.pidfiles import live_record, recorded_names
from tsunagu_ops.localstack.processes import ProcessHandle
from tsunagu_ops.localstack.service_parts import service_parts
from tsunagu_ops.localstack.store_server import recorded_server


@dataclass(frozen=True)
class PartStatus:
    """What ``tsunagu status`` shows for one part."""

    name: str
    running: bool
    pid: int | None
    address: str
    ready: bool
    detail: str = ""
    """What else to know (the store: which server runs, and why)."""


def infrastructure_parts(layout: StackLayout, console: Console) -> list[Part]:
    """Return the store and the Kafka nodes' parts."""
    return [store_part(layout, console), *kafka_parts(layout, console)]


def all_parts(layout: StackLayout, console: Console) -> list[Part]:
    """Return every part, in start order."""
    return infrastructure_parts(layout, console) + service_parts(layout) + [console_part(layout)]


def up(layout: StackLayout, console: Console, *, services: bool = True) -> list[ProcessHandle]:
    """Start (or reuse) the store and Kafka, then the services and the console; wait until all
    are ready.

    The first time, a coordinator credential is written into the directory's store and saved
    under the data folder (see `ensure_coordinator`). The issuer's first signing key is made
    before the services start, so that replicas of the directory all load the same one. The
    console's operator and auditor clients are registered with the coordinator's credential
    and saved beside it."""
    infrastructure = infrastructure_parts(layout, console)
    apps = service_parts(layout) if services else []
    tools = [console_part(layout)] if services else []
    check_ports(layout, infrastructure + apps + tools)
    handles = launch(layout, infrastructure, console)
    ensure_coordinator(layout, console)
    ensure_signing_key(layout.issuer_keys)
    handles += launch(layout, apps, console)
    if services:
        ensure_console_credentials(layout, console)
        handles += launch(layout, tools, console)
    return handles


def shutdown_order(layout: StackLayout) -> list[str]:
    """Return the names to stop: the console, fronts, services, Kafka, the store, then anything
    else recorded."""
    services = [part.name for part in reversed(service_parts(layout))]
    known = [CONSOLE, *services, *(node.name for node in layout.kafka_nodes), STORE]
    return known + [name for name in recorded_names(layout.run) if name not in known]


def down(layout: StackLayout, console: Console) -> list[str]:
    """Stop every recorded process, services first; return the names that were running.

    The Kafka nodes of a cluster stop together: one left alone would wait for a controller
    quorum that is gone. Returns once each stopped process is gone (and reaped, when this
    process started it) and the ports it listened on can be bound again, so that ``up`` may
    follow at once.
    """
    ports = {part.name: part.ports for part in all_parts(layout, console)}
    order = shutdown_order(layout)
    nodes = [name for name in order if is_kafka_node(name)]
    stopped = []
    for name in order:
        if is_kafka_node(name) and name != nodes[0]:
            continue
        with console.status(f"Stopping {', '.join(nodes) if is_kafka_node(name) else name}…"):
            together = nodes if is_kafka_node(name) else [name]
            with ThreadPoolExecutor(max_workers=len(together)) as pool:
                ran = list(pool.map(lambda n: stop_part(layout, n), together))
            stopped += [n for n, was in zip(together, ran, strict=True) if was]
    wait_ports_released(port for name in stopped for port in ports.get(name, ()))
    return stopped


def wipe(layout: StackLayout) -> None:
    """Delete stored data and logs (keeps downloaded jars and built binaries)."""
    for path in layout.data_paths():
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def status(layout: StackLayout, console: Console) -> list[PartStatus]:
    """Return whether each part runs and answers its readiness probe."""
    result = []
    for part in all_parts(layout, console):
        record = live_record(layout.run, part.name)
        ready = record is not None and part.probe()
        pid = record.pid if record else None
        server = recorded_server(layout) if part.name == STORE else None
        detail = server.describe() if server else ""
        result.append(PartStatus(part.name, record is not None, pid, part.address, ready, detail))
    return result
