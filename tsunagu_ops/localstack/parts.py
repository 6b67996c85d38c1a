"""Parts of the local stack: how each is started, recognised and probed."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from rich.console import Console

from tsunagu_ops.kafka_access.provisioning import provision_services
from tsunagu_ops.localstack import store_server
from tsunagu_ops.localstack.errors import LocalStackError, StartupError
from tsunagu_ops.localstack.kafka import kafka_command, prepare_kafka
from tsunagu_ops.localstack.kafka_config import server_properties_path
from tsunagu_ops.localstack.kafka_credentials import login
from tsunagu_ops.localstack.layout import HOST, KafkaNode, StackLayout
from tsunagu_ops.localstack.pidfiles import PidRecord, live_record, remove_record, write_record
from tsunagu_ops.localstack.ports import port_bindable
from tsunagu_ops.localstack.probes import Probe, kafka_probe, store_probe, wait_ready
from tsunagu_ops.localstack.processes import ProcessHandle, spawn, stop

KAFKA = "kafka"
STORE = "store"
KAFKA_STOP_TIMEOUT = 30.0
DEFAULT_STOP_TIMEOUT = 20.0  # a service's bounded shutdown steps fit in it
PORT_RELEASE_TIMEOUT = 10.0


@dataclass(frozen=True)
class Part:
    """One process of the stack: where it listens, how to start it, how to tell it is ready."""

    name: str
    port: int
    address: str
    probe: Probe
    start: Callable[[], ProcessHandle]
    timeout: float
    other_ports: tuple[int, ...] = ()
    on_ready: Callable[[], None] | None = None
    """What to do each time the part is found ready at start (e.g. provisioning ACLs)."""

    @property
    def ports(self) -> tuple[int, ...]:
        """Every port the part listens on."""
        return (self.port, *self.other_ports)


def stop_timeout(name: str) -> float:
    """How long a part may take to stop before it is killed (a Kafka node's longer)."""
    return KAFKA_STOP_TIMEOUT if is_kafka_node(name) else DEFAULT_STOP_TIMEOUT


def is_kafka_node(name: str) -> bool:
    """Whether a part's name is a Kafka node's (``kafka`` or ``kafka-<n>``)."""
    return name == KAFKA or name.startswith(f"{KAFKA}-")


def kafka_part(layout: StackLayout, console: Console, node: KafkaNode | None = None) -> Part:
    """Return a Kafka node's part (downloads jars and formats storage when started); the last
    node, once ready, provisions the topics, replicated over every node, and the ACLs."""
    node = node or layout.kafka_nodes[0]

    def start() -> ProcessHandle:
        # The first node's start formats every node of a cluster at once (a restart: none).
        first = node == layout.kafka_nodes[0]
        prepare_kafka(layout, console, layout.kafka_nodes if first else [node])
        marker = str(server_properties_path(layout, node))
        log = layout.log_file(node.name)
        return spawn(node.name, kafka_command(layout, node), log_path=log, marker=marker)

    def provision() -> None:
        asyncio.run(provision_services(login(layout), brokers=layout.brokers))

    probe = kafka_probe(lambda: replace(login(layout), bootstrap_servers=node.address))
    last = node == layout.kafka_nodes[-1]
    return Part(
        node.name,
        node.port,
        node.address,
        probe,
        start,
        120.0,
        (node.controller_port,),
        provision if last else None,
    )


def kafka_parts(layout: StackLayout, console: Console) -> list[Part]:
    """Return one part per Kafka node."""
    return [kafka_part(layout, console, node) for node in layout.kafka_nodes]


def store_part(layout: StackLayout, console: Console) -> Part:
    """Return the document store part (chooses, installs or builds its server when started)."""

    def start() -> ProcessHandle:
        server = store_server.prepare(layout, console)
        store_server.install(layout, server, console)
        console.print(f"{STORE}: {server.describe()}")
        layout.store_data.mkdir(parents=True, exist_ok=True)
        marker = str(layout.store_data)
        log = layout.log_file(STORE)
        command = store_server.command(layout, server)
        return spawn(STORE, command, log_path=log, marker=marker)

    url = layout.mongo_url
    return Part(STORE, layout.store_port, url, store_probe(url), start, timeout=30.0)


def check_ports(layout: StackLayout, parts: Sequence[Part]) -> None:
    """Fail, naming them all, if ports of parts not running yet are taken by other programs."""
    busy = [
        f"{port} ({part.name})"
        for part in parts
        if live_record(layout.run, part.name) is None
        for port in part.ports
        if not port_bindable(HOST, port)
    ]
    if busy:
        raise LocalStackError(f"ports used by programs not started here: {', '.join(busy)}")


def _begin(layout: StackLayout, part: Part) -> tuple[ProcessHandle, bool]:
    """Reuse the running process of ``part`` or start it; tell whether it is new."""
    record = live_record(layout.run, part.name)
    if record is not None:
        return record.handle(), False
    for port in part.ports:
        if not port_bindable(HOST, port):
            raise LocalStackError(
                f"port {port} for {part.name} is already used by a program not started here"
            )
    handle = part.start()
    record = PidRecord(part.name, handle.pid, handle.marker, part.address, str(handle.log_path))
    write_record(layout.run, record)
    return handle, True


def _finish(layout: StackLayout, part: Part, handle: ProcessHandle, console: Console) -> None:
    """Wait for ``part`` to be ready; stop it and forget it if it is not."""
    try:
        with console.status(f"Waiting for {part.name} at {part.address}…"):
            wait_ready(handle, part.probe, timeout=part.timeout, what=part.name)
            if part.on_ready is not None:
                part.on_ready()
    except BaseException:
        stop(handle, stop_timeout(part.name))
        remove_record(layout.run, part.name)
        raise


def launch(layout: StackLayout, parts: Sequence[Part], console: Console) -> list[ProcessHandle]:
    """Start ``parts`` together, then wait until each one is ready (reporting every failure)."""
    handles = []
    for part in parts:
        handle, new = _begin(layout, part)
        handles.append(handle)
        console.print(f"{part.name}: {'started' if new else 'already running'} (pid {handle.pid})")
    failures = []
    for part, handle in zip(parts, handles, strict=True):
        try:
            _finish(layout, part, handle, console)
        except StartupError as error:
            failures.append(str(error))
    if failures:
        raise StartupError("\n\n".join(failures))
    return handles


def stop_part(layout: StackLayout, name: str) -> bool:
    """Stop (and reap) the recorded process of part ``name``; tell whether one was running."""
    record = live_record(layout.run, name)
    if record is not None:
        stop(record.handle(), stop_timeout(name))
    remove_record(layout.run, name)
    return record is not None


def wait_ports_released(ports: Iterable[int], timeout: float = PORT_RELEASE_TIMEOUT) -> None:
    """Wait until a server could listen on each of ``ports`` again; fail naming those taken."""
    deadline = time.monotonic() + timeout
    taken = [port for port in ports if not port_bindable(HOST, port)]
    while taken and time.monotonic() < deadline:
        time.sleep(0.1)
        taken = [port for port in taken if not port_bindable(HOST, port)]
    if taken:
        listed = ", ".join(str(port) for port in taken)
        raise LocalStackError(
            f"ports still taken {timeout:.0f} s after their parts stopped: {listed}"
        )
