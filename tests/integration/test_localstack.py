"""The test infrastructure and the local stack supervisor."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import uuid
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from pymongo import AsyncMongoClient
from rich.console import Console

from tests.infra import Endpoints, kafka_options, provide_endpoints
from tsunagu.messaging.login import KafkaLogin
from tsunagu_ops.localstack import LocalStackError, StackLayout, StartupError, launch, stop
from tsunagu_ops.localstack.parts import Part, stop_part
from tsunagu_ops.localstack.pidfiles import PidRecord, live_record, pid_path, write_record
from tsunagu_ops.localstack.ports import free_port, port_bindable
from tsunagu_ops.localstack.probes import wait_ready
from tsunagu_ops.localstack.processes import (
    ProcessHandle,
    StopOutcome,
    group_members,
    handle_alive,
    log_tail,
    spawn,
)

SLEEPER = "import time; time.sleep(60)"
TERM_IGNORER = (
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
    "print('ignoring SIGTERM', flush=True); time.sleep(60)"
)


async def test_kafka_accepts_a_round_trip(endpoints: Endpoints) -> None:
    """A record produced to a new topic is consumed back."""
    topic = f"test.roundtrip.{uuid.uuid4().hex}"
    producer = AIOKafkaProducer(**kafka_options(endpoints.kafka_bootstrap_servers))
    await producer.start()
    try:
        await producer.send_and_wait(topic, b"hello", key=b"k")
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(
        topic, **kafka_options(endpoints.kafka_bootstrap_servers), auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        record = await asyncio.wait_for(consumer.getone(), timeout=30)
    finally:
        await consumer.stop()
    assert (record.key, record.value) == (b"k", b"hello")


async def test_store_accepts_insert_and_find(endpoints: Endpoints) -> None:
    """A document inserted into the store is found again."""
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(endpoints.mongo_url)
    database = f"test_{uuid.uuid4().hex[:12]}"
    try:
        await client[database].things.insert_one({"name": "kettle", "count": 2})
        found = await client[database].things.find_one({"name": "kettle"})
        assert found is not None
        assert found["count"] == 2
    finally:
        await client.drop_database(database)
        await client.close()


def test_environment_endpoints_win_over_everything() -> None:
    """When both variables are set, nothing is started."""
    environ = {
        "TSUNAGU_TEST_KAFKA_BOOTSTRAP_SERVERS": "kafka.example:9092",
        "TSUNAGU_TEST_MONGO_URL": "mongodb://store.example:27017",
    }
    with provide_endpoints(environ) as found:
        assert found == Endpoints(
            "kafka.example:9092",
            "mongodb://store.example:27017",
            "env",
            KafkaLogin("kafka.example:9092"),
        )


def test_environment_may_give_kafka_credentials() -> None:
    """The `TSUNAGU_TEST_KAFKA_SASL_*` variables make the suite log in with SASL/SCRAM."""
    environ = {
        "TSUNAGU_TEST_KAFKA_BOOTSTRAP_SERVERS": "kafka.example:9092",
        "TSUNAGU_TEST_MONGO_URL": "mongodb://store.example:27017",
        "TSUNAGU_TEST_KAFKA_SASL_USERNAME": "suite",
        "TSUNAGU_TEST_KAFKA_SASL_PASSWORD": "not-a-real-one",
    }
    with provide_endpoints(environ) as found:
        options = kafka_options("kafka.example:9092")
    assert found.kafka_secured
    assert options["security_protocol"] == "SASL_PLAINTEXT"
    assert options["sasl_mechanism"] == "SCRAM-SHA-512"
    assert (options["sasl_plain_username"], options["sasl_plain_password"]) == (
        "suite",
        "not-a-real-one",
    )


def _python(tmp_path: Path, code: str, marker: str) -> tuple[list[str], Path]:
    """Return a command running ``code`` tagged with ``marker``, and a log path."""
    return [sys.executable, "-c", code, marker], tmp_path / f"{marker}.log"


def test_stop_ends_the_whole_process_group(tmp_path: Path) -> None:
    """Stopping a part also ends the processes it started."""
    marker = f"group-{uuid.uuid4().hex}"
    script = f"import subprocess, sys; subprocess.Popen([sys.executable, '-c', {SLEEPER!r}]); "
    command, log = _python(tmp_path, script + SLEEPER, marker)
    handle = spawn("group", command, log_path=log, marker=marker)
    wait_ready(handle, lambda: len(group_members(handle.pid)) == 2, timeout=30, what="group")
    assert stop(handle, timeout=10) is StopOutcome.TERMINATED
    assert group_members(handle.pid) == []


def test_stop_escalates_to_sigkill(tmp_path: Path) -> None:
    """A process that ignores SIGTERM is killed after the timeout."""
    marker = f"stubborn-{uuid.uuid4().hex}"
    command, log = _python(tmp_path, TERM_IGNORER, marker)
    handle = spawn("stubborn", command, log_path=log, marker=marker)
    wait_ready(handle, lambda: "ignoring SIGTERM" in log_tail(log), timeout=30, what="stubborn")
    assert stop(handle, timeout=0.5) is StopOutcome.KILLED
    assert not handle_alive(handle)
    assert group_members(handle.pid) == []


def test_stopping_a_child_through_its_pid_file_reaps_it(tmp_path: Path) -> None:
    """A part stopped by its pid file, as `down` does, leaves no zombie behind here."""
    marker = f"reaped-{uuid.uuid4().hex}"
    command, log = _python(tmp_path, SLEEPER, marker)
    handle = spawn("reaped", command, log_path=log, marker=marker)
    layout = StackLayout(home=tmp_path, root=tmp_path)
    write_record(layout.run, PidRecord("reaped", handle.pid, marker, "-", str(log)))
    assert stop_part(layout, "reaped") is True
    assert not (Path("/proc") / str(handle.pid)).exists(), "the stopped child is a zombie"


def test_free_ports_are_bindable_distinct_and_never_ephemeral() -> None:
    """Ports handed to servers cannot be taken meanwhile by an outgoing connection."""
    low, high = (int(n) for n in Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    ports = [free_port() for _ in range(20)]
    assert len(set(ports)) == len(ports)
    assert [p for p in ports if low <= p <= high] == []
    assert all(port_bindable("127.0.0.1", p) for p in ports)


def test_wait_ready_reports_an_early_exit_with_the_log(tmp_path: Path) -> None:
    """A process that exits while starting fails fast and shows its output."""
    marker = f"crash-{uuid.uuid4().hex}"
    command, log = _python(tmp_path, "print('boom: bad config'); raise SystemExit(3)", marker)
    handle = spawn("crash", command, log_path=log, marker=marker)
    with pytest.raises(StartupError, match="boom: bad config"):
        wait_ready(handle, lambda: False, timeout=30, what="crash")


def test_pid_file_of_a_finished_process_is_stale(tmp_path: Path) -> None:
    """A pid file whose process has exited is dropped."""
    marker = f"gone-{uuid.uuid4().hex}"
    command, log = _python(tmp_path, "pass", marker)
    handle = spawn("gone", command, log_path=log, marker=marker)
    assert handle.popen is not None
    handle.popen.wait()
    write_record(tmp_path, PidRecord("gone", handle.pid, marker, "-", str(log)))
    assert live_record(tmp_path, "gone") is None
    assert not pid_path(tmp_path, "gone").exists()


def test_reused_pid_is_not_taken_for_ours(tmp_path: Path) -> None:
    """A pid now used by another program is neither reported nor signalled."""
    record = PidRecord("kafka", os.getpid(), f"not-this-{uuid.uuid4().hex}", "-", "-")
    layout = StackLayout(home=tmp_path, root=tmp_path)
    write_record(layout.run, record)
    assert stop_part(layout, "kafka") is False
    assert not pid_path(layout.run, "kafka").exists()


def test_running_pid_file_is_kept_and_stopped(tmp_path: Path) -> None:
    """A live recorded process is recognised, then stopped by ``stop_part``."""
    marker = f"alive-{uuid.uuid4().hex}"
    command, log = _python(tmp_path, SLEEPER, marker)
    handle = spawn("alive", command, log_path=log, marker=marker)
    layout = StackLayout(home=tmp_path, root=tmp_path)
    write_record(layout.run, PidRecord("alive", handle.pid, marker, "-", str(log)))
    assert live_record(layout.run, "alive") is not None
    assert stop_part(layout, "alive") is True
    assert handle.popen is not None
    assert handle.popen.wait(timeout=5) is not None
    assert not pid_path(layout.run, "alive").exists()


def test_launch_refuses_a_port_taken_by_someone_else(tmp_path: Path) -> None:
    """A part is not started over a program that already listens on its port."""
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = int(busy.getsockname()[1])

        def never() -> ProcessHandle:
            raise AssertionError("must not start")

        part = Part("busy", port, f"127.0.0.1:{port}", lambda: True, never, timeout=1)
        layout = StackLayout(home=tmp_path, root=tmp_path)
        with pytest.raises(LocalStackError, match=f"port {port}"):
            launch(layout, [part], Console(quiet=True))
