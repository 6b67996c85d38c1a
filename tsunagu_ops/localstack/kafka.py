"""Kafka broker: jars from Maven Central, storage formatting, command line."""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import uuid
from collections.abc import Sequence

from rich.console import Console

from tsunagu_ops.localstack.errors import LocalStackError, ToolMissingError
from tsunagu_ops.localstack.kafka_config import (
    log4j2_path,
    server_properties_path,
    write_kafka_config,
)
from tsunagu_ops.localstack.kafka_credentials import (
    ADMIN,
    SCRAM_MECHANISM,
    passwords,
    scram_users,
)
from tsunagu_ops.localstack.layout import KafkaNode, StackLayout, repo_root

POM = repo_root() / "deploy" / "kafka" / "pom.xml"
STAMP = ".pom.sha256"
JVM_OPTIONS = ("-Xms256m", "-Xmx1g", "-XX:+UseG1GC", "-Djava.awt.headless=true")


def require_tool(name: str, purpose: str) -> str:
    """Return the path of program ``name`` or explain that it must be installed."""
    path = shutil.which(name)
    if path is None:
        raise ToolMissingError(f"`{name}` is needed to {purpose}; please install it")
    return path


def _pom_digest() -> str:
    """Return a digest of the pom, so that changed versions trigger a new download."""
    return hashlib.sha256(POM.read_bytes()).hexdigest()


def kafka_libs_ready(layout: StackLayout) -> bool:
    """Tell whether the jars for the current pom are already downloaded."""
    stamp = layout.kafka_libs / STAMP
    return stamp.is_file() and stamp.read_text().strip() == _pom_digest()


def ensure_kafka_libs(layout: StackLayout, console: Console) -> None:
    """Download the Kafka jars with Maven unless they are present and current."""
    if kafka_libs_ready(layout):
        return
    mvn = require_tool("mvn", "download Apache Kafka from Maven Central")
    partial = layout.kafka_libs.with_name("libs.partial")
    shutil.rmtree(partial, ignore_errors=True)
    command = [mvn, "-B", "-q", "-f", str(POM), "dependency:copy-dependencies"]
    command += ["-DincludeScope=runtime", f"-DoutputDirectory={partial}"]
    with console.status("Downloading Apache Kafka jars from Maven Central…"):
        _check(subprocess.run(command, capture_output=True, text=True), "Maven")
    (partial / STAMP).write_text(_pom_digest() + "\n")
    shutil.rmtree(layout.kafka_libs, ignore_errors=True)
    partial.rename(layout.kafka_libs)
    console.print(f"Kafka jars ready in {layout.kafka_libs}")


def _check(result: subprocess.CompletedProcess[str], what: str) -> None:
    """Raise with the end of the output if a provisioning command failed."""
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip().splitlines()[-30:]
        raise LocalStackError(f"{what} failed (exit {result.returncode}):\n" + "\n".join(output))


def java_command(
    layout: StackLayout, main_class: str, *args: str, node: KafkaNode | None = None
) -> list[str]:
    """Return a ``java`` command running ``main_class`` from the Kafka jars (a node's logging)."""
    java = require_tool("java", "run Apache Kafka (Java 17 or newer)")
    logging_config = str(log4j2_path(layout, node))
    return [
        java,
        *JVM_OPTIONS,
        f"-Dlog4j2.configurationFile={logging_config}",
        f"-Dlog4j.configurationFile={logging_config}",
        "-cp",
        f"{layout.kafka_libs}/*",
        main_class,
        *args,
    ]


def kafka_command(layout: StackLayout, node: KafkaNode | None = None) -> list[str]:
    """Return the command line that runs a node (the first by default)."""
    properties = str(server_properties_path(layout, node))
    return java_command(layout, "kafka.Kafka", properties, node=node)


def random_cluster_id() -> str:
    """Return a new Kafka cluster id (16 random bytes, URL-safe base64 without padding).

    An id starting with "-" would be read as an option by the storage tool, so none does.
    """
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


def scram_arguments(layout: StackLayout) -> tuple[str, ...]:
    """The storage tool's options creating every SCRAM user the stack starts with."""
    secret = passwords(layout)
    return tuple(
        argument
        for user in scram_users()
        for argument in ("--add-scram", f"{SCRAM_MECHANISM}=[name={user},password={secret[user]}]")
    )


def cluster_id(layout: StackLayout) -> str:
    """The id every node of a cluster is formatted with: made once, kept beside the nodes."""
    if layout.brokers == 1:
        return random_cluster_id()
    path = layout.kafka_dir / "cluster.id"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(random_cluster_id() + "\n")
    return path.read_text().strip()


def formatted_with_credentials(layout: StackLayout, node: KafkaNode | None = None) -> bool:
    """Whether a node's storage was formatted with the stack's SCRAM users: the storage tool
    writes them into the bootstrap checkpoint, which names each user."""
    checkpoint = (node or layout.kafka_nodes[0]).data / "bootstrap.checkpoint"
    return checkpoint.is_file() and ADMIN.encode() in checkpoint.read_bytes()


def _refuse_without_logins(layout: StackLayout, node: KafkaNode) -> None:
    """Storage formatted without SCRAM users (by a version before Kafka required logins) cannot
    authenticate anyone; that is refused with what to do rather than left to time out."""
    formatted = (node.data / "meta.properties").is_file()
    if formatted and not formatted_with_credentials(layout, node):
        raise LocalStackError(
            f"Kafka's storage in {node.data} was formatted without the logins the "
            "services now use, so no client could sign in. Start afresh with "
            "`tsunagu up --fresh` (this wipes the local stack's data)."
        )


def _format_command(layout: StackLayout, node: KafkaNode) -> list[str] | None:
    """Write a node's configuration; the command formatting its storage, unless it is."""
    properties = write_kafka_config(layout, node)
    if (node.data / "meta.properties").is_file():
        return None
    format_args: tuple[str, ...] = ("format", "-t", cluster_id(layout), "-c", str(properties))
    format_args += scram_arguments(layout)
    return java_command(layout, "kafka.tools.StorageTool", *format_args, node=node)


def prepare_kafka(
    layout: StackLayout, console: Console, nodes: Sequence[KafkaNode] | None = None
) -> None:
    """Download jars if needed, write the nodes' configuration (the first node's by default)
    and format the storage of those never formatted, all at once, a cluster's with one id."""
    chosen = list(nodes or layout.kafka_nodes[:1])
    for node in chosen:
        _refuse_without_logins(layout, node)
    ensure_kafka_libs(layout, console)
    commands = [c for node in chosen if (c := _format_command(layout, node)) is not None]
    if not commands:
        return
    with console.status("Formatting Kafka storage…"):
        running = [
            subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for c in commands
        ]
        for process, command in zip(running, commands, strict=True):
            stdout, stderr = process.communicate()
            result = subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
            _check(result, "Kafka storage format")
