"""Parts of the local stack: how each is started, recognised and probed."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rich.console import Console

from tsunagu_ops.localstack.errors import LocalStackError, StartupError
from tsunagu_ops.localstack.kafka import kafka_command, prepare_kafka
from tsunagu_ops.localstack.kafka_config import server_properties_path
from tsunagu_ops.localstack.kafka_credentials import login, service_login_env
from tsunagu_ops.localstack.layout import HOST, StackLayout
from tsunagu_ops.localstack.pidfiles import PidRecord, live_record, remove_record, write_record
from tsunagu_ops.localstack.ports import port_bindable
from tsunagu_ops.localstack.probes import Probe, http_probe, kafka_probe, store_probe, wait_ready
from tsunagu_ops.localstack.processes import ProcessHandle, spawn, stop
from tsunagu_ops.localstack.secantus import ensure_store, store_command
from tsunagu_ops.localstack.services import service_env, service_spec, start_service

KAFKA = "kafka"
STORE = "store"
STOP_TIMEOUTS = {KAFKA: 30.0}
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


def kafka_part(layout: StackLayout, console: Console) -> Part:
    """Return the Kafka broker part (downloads jars and formats storage when started)."""

    def start() -> ProcessHandle:
        prepare_kafka(layout, console)
        marker = str(server_properties_path(layout))
        log = layout.log_file(KAFKA)
        return spawn(KAFKA, kafka_command(layout), log_path=log, marker=marker)

    def provision() -> None:
        # Imported here: the Kafka access package itself reads the stack's credential names.
        from tsunagu_ops.kafka_access.provisioning import provision_services

        asyncio.run(provision_services(login(layout)))

    address = layout.kafka_bootstrap_servers
    probe = kafka_probe(lambda: login(layout))
    return Part(
        KAFKA, layout.kafka_port, address, probe, start, 120.0, (layout.controller_port,), provision
    )


def store_part(layout: StackLayout, console: Console) -> Part:
    """Return the document store part (installs the store when started)."""

    def start() -> ProcessHandle:
        ensure_store(layout, console)
        layout.store_data.mkdir(parents=True, exist_ok=True)
        marker = str(layout.store_data)
        log = layout.log_file(STORE)
        return spawn(STORE, store_command(layout), log_path=log, marker=marker)

    url = layout.mongo_url
    return Part(STORE, layout.store_port, url, store_probe(url), start, timeout=30.0)


def service_part(layout: StackLayout, name: str) -> Part:
    """Return the part running service ``name`` on its default port."""
    spec = service_spec(name)
    port = spec.port + layout.service_port_offset
    env = {
        **layout.service_settings,
        **service_env(
            name,
            kafka_bootstrap_servers=layout.kafka_bootstrap_servers,
            mongo_url=layout.mongo_url,
            port=port,
            issuer=directory_url(layout),
            issuer_keys=layout.issuer_keys,
        ),
    }
    # The keys sealing webhook secrets and people's data live with this instance's data.
    if name == "notifications":
        env[f"{spec.env_prefix}WEBHOOK_SECRETS_KEY_FILE"] = str(layout.root / "keys" / "webhooks")
    if name == "referrals":
        env[f"{spec.env_prefix}SUBJECT_KEY_FILE"] = str(layout.root / "keys" / "referral-subjects")

    def start() -> ProcessHandle:
        return start_service(name, env | service_login_env(layout, name), layout.log_file(name))

    base_url = spec.base_url(port)
    probe = http_probe(f"{base_url}/readyz")
    return Part(name, port, base_url, probe, start, timeout=90.0)


def directory_url(layout: StackLayout) -> str:
    """The directory's URL: the issuer every service of this stack trusts."""
    spec = service_spec("directory")
    return spec.base_url(spec.port + layout.service_port_offset)


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
        stop(handle, STOP_TIMEOUTS.get(part.name, DEFAULT_STOP_TIMEOUT))
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
        stop(record.handle(), STOP_TIMEOUTS.get(name, DEFAULT_STOP_TIMEOUT))
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
