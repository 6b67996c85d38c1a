"""Where the local stack keeps its files, and which ports it listens on."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

HOST = "127.0.0.1"
HOME_ENV = "TSUNAGU_HOME"
REPLICA_PORT_STEP = 100
"""With several replicas, replica k of a service listens on its port + k × this step."""


def repo_root() -> Path:
    """Return the root folder of the Tsunagu repository."""
    return Path(__file__).resolve().parents[2]


def default_home() -> Path:
    """Return the stack home: ``$TSUNAGU_HOME`` or ``<repo>/.tsunagu``."""
    configured = os.environ.get(HOME_ENV)
    if configured:
        return Path(configured).expanduser().resolve()
    return repo_root() / ".tsunagu"


@dataclass(frozen=True)
class KafkaNode:
    """One Kafka node (broker and controller) of a stack: its name, id, ports and folder."""

    name: str
    node_id: int
    port: int
    controller_port: int
    folder: Path

    @property
    def address(self) -> str:
        """The node's client listener."""
        return f"{HOST}:{self.port}"

    @property
    def data(self) -> Path:
        """The node's log segments and metadata."""
        return self.folder / "data"


@dataclass(frozen=True)
class StackLayout:
    """Folders and ports of one stack instance.

    ``home`` holds what is downloaded or built once (Kafka jars, the store's environment);
    ``root`` holds what belongs to this instance (data, logs, pid files).
    """

    home: Path
    root: Path
    kafka_port: int = 9092
    controller_port: int = 9093
    store_port: int = 27017
    service_settings: Mapping[str, str] = field(default_factory=dict)
    """Environment variables every service of this instance starts with (ours win on clash)."""
    service_port_offset: int = 0  # added to each service's default port (8001-8004)
    brokers: int = 1
    """Kafka nodes; node n listens on ``kafka_port + 2(n-1)`` and ``controller_port + 2(n-1)``."""
    replicas: int = 1
    """Processes per service; with more than one, a front on the service's port shares them."""

    @property
    def kafka_nodes(self) -> tuple[KafkaNode, ...]:
        """The Kafka nodes: one named ``kafka``, or ``kafka-1``… in ``kafka/nodes/<n>``."""
        if self.brokers == 1:
            return (KafkaNode("kafka", 1, self.kafka_port, self.controller_port, self.kafka_dir),)
        return tuple(
            KafkaNode(
                f"kafka-{n}",
                n,
                self.kafka_port + 2 * (n - 1),
                self.controller_port + 2 * (n - 1),
                self.kafka_dir / "nodes" / str(n),
            )
            for n in range(1, self.brokers + 1)
        )

    @property
    def shape_file(self) -> Path:
        """Where `tsunagu up` records how many brokers and replicas this data folder runs."""
        return self.root / "shape.json"

    @property
    def kafka_libs(self) -> Path:
        """Folder with the Kafka broker jars."""
        return self.home / "kafka" / "libs"

    @property
    def store_env(self) -> Path:
        """The document store's own Python environment (installed once, shared by instances)."""
        return self.home / "store-env"

    @property
    def kafka_dir(self) -> Path:
        """Folder with this instance's Kafka configuration."""
        return self.root / "kafka"

    @property
    def kafka_data(self) -> Path:
        """Folder with this instance's Kafka log segments and metadata."""
        return self.kafka_dir / "data"

    @property
    def store_data(self) -> Path:
        """Folder with this instance's document store files (WiredTiger)."""
        return self.root / "store"

    @property
    def logs(self) -> Path:
        """Folder with one log file per process."""
        return self.root / "logs"

    @property
    def issuer_keys(self) -> Path:
        """Folder with the built-in issuer's private signing keys (0700, files 0600)."""
        return self.root / "issuer-keys"

    @property
    def coordinator_credential(self) -> Path:
        """The coordinator's client credential that `tsunagu up` created (0600)."""
        return self.root / "credentials" / "coordinator.json"

    @property
    def run(self) -> Path:
        """Folder with one pid file per running process."""
        return self.root / "run"

    @property
    def kafka_bootstrap_servers(self) -> str:
        """Kafka bootstrap addresses for clients: every node's."""
        return ",".join(node.address for node in self.kafka_nodes)

    @property
    def mongo_url(self) -> str:
        """Connection URL of the document store."""
        return f"mongodb://{HOST}:{self.store_port}"

    def log_file(self, part: str) -> Path:
        """Return the log file of one part."""
        return self.logs / f"{part}.log"

    def data_paths(self) -> tuple[Path, ...]:
        """Return what a fresh start deletes: stored data and logs, never jars or binaries."""
        return (
            self.kafka_data,
            self.kafka_dir / "nodes",
            self.kafka_dir / "cluster.id",
            self.store_data,
            self.root / "store-server.json",
            self.logs,
            self.issuer_keys,
            self.coordinator_credential.parent,
        )


def default_layout(home: Path | None = None) -> StackLayout:
    """Return the layout used by ``tsunagu up``."""
    base = home or default_home()
    return StackLayout(home=base, root=base)


def layout_for_tests(home: Path | None = None) -> StackLayout:
    """Return the layout of the throw-away stack used by the test suite."""
    base = home or default_home()
    layout = StackLayout(home=base, root=base / "test")
    return replace(layout, kafka_port=19092, controller_port=19093, store_port=27018)
