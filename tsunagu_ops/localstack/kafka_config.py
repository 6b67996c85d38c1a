"""Configuration files of the local Kafka nodes (KRaft, each a broker and a controller)."""

from __future__ import annotations

from pathlib import Path

from tsunagu_ops.kafka_access.admin import replication_for
from tsunagu_ops.localstack.kafka_credentials import (
    ADMIN,
    BROKER,
    CONTROLLER,
    SCRAM_MECHANISM,
    passwords,
    write_private,
)
from tsunagu_ops.localstack.layout import HOST, KafkaNode, StackLayout

AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer"
SCRAM_LOGIN = "org.apache.kafka.common.security.scram.ScramLoginModule"
PLAIN_LOGIN = "org.apache.kafka.common.security.plain.PlainLoginModule"

QUIET_LOGGERS = (
    "kafka.request.logger",
    "kafka.controller",
    "kafka.coordinator",
    "kafka.log",
    "kafka.server.metadata",
    "kafka.server.KafkaConfig",
    "state.change.logger",
    "org.apache.kafka.clients",
    "org.apache.kafka.common.config",
    "org.apache.kafka.controller",
    "org.apache.kafka.coordinator",
    "org.apache.kafka.image",
    "org.apache.kafka.metadata",
    "org.apache.kafka.raft",
    "org.apache.kafka.storage",
)


def _node(layout: StackLayout, node: KafkaNode | None) -> KafkaNode:
    return node or layout.kafka_nodes[0]


def server_properties(layout: StackLayout, node: KafkaNode | None = None) -> str:
    """Return ``server.properties`` for one node acting as broker and controller.

    Clients authenticate with SASL/SCRAM-SHA-512 on the broker listener; the controller
    listener, on loopback, takes SASL/PLAIN from the nodes themselves only. The standard
    authorizer denies whatever no ACL allows; the admin, broker and controller are super users.
    Every node votes in the controller quorum; topics, the consumer offsets included, are
    replicated as `replication_for` says.
    """
    node = _node(layout, node)
    secret = passwords(layout)
    factor, min_insync = replication_for(layout.brokers)
    voters = ",".join(f"{n.node_id}@{HOST}:{n.controller_port}" for n in layout.kafka_nodes)
    settings = {
        "process.roles": "broker,controller",
        "node.id": str(node.node_id),
        "controller.quorum.voters": voters,
        "listeners": f"BROKER://{HOST}:{node.port},CONTROLLER://{HOST}:{node.controller_port}",
        "advertised.listeners": f"BROKER://{HOST}:{node.port}",
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "BROKER",
        "listener.security.protocol.map": "BROKER:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT",
        "listener.name.broker.sasl.enabled.mechanisms": SCRAM_MECHANISM,
        "sasl.mechanism.inter.broker.protocol": SCRAM_MECHANISM,
        "listener.name.broker.scram-sha-512.sasl.jaas.config": f"{SCRAM_LOGIN} required "
        f'username="{BROKER}" password="{secret[BROKER]}";',
        "listener.name.controller.sasl.enabled.mechanisms": "PLAIN",
        "sasl.mechanism.controller.protocol": "PLAIN",
        "listener.name.controller.plain.sasl.jaas.config": f"{PLAIN_LOGIN} required "
        f'username="{CONTROLLER}" password="{secret[CONTROLLER]}" '
        f'user_{CONTROLLER}="{secret[CONTROLLER]}";',
        "authorizer.class.name": AUTHORIZER,
        "super.users": ";".join(f"User:{user}" for user in (ADMIN, BROKER, CONTROLLER)),
        "allow.everyone.if.no.acl.found": "false",
        "log.dirs": str(node.data),
        "num.partitions": "3",
        "auto.create.topics.enable": "true",
        "default.replication.factor": str(factor),
        "min.insync.replicas": str(min_insync),
        "offsets.topic.replication.factor": str(factor),
        "transaction.state.log.replication.factor": str(factor),
        "transaction.state.log.min.isr": str(min_insync),
        "share.coordinator.state.topic.replication.factor": str(factor),
        "share.coordinator.state.topic.min.isr": str(min_insync),
        "group.initial.rebalance.delay.ms": "0",
    }
    return "".join(f"{key}={value}\n" for key, value in settings.items())


def log4j2_xml() -> str:
    """Return a log4j2 configuration: INFO to stdout, chatty internals at WARN."""
    quiet = "\n".join(f'    <Logger name="{name}" level="WARN"/>' for name in QUIET_LOGGERS)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="WARN">
  <Appenders>
    <Console name="stdout" target="SYSTEM_OUT">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
    </Console>
  </Appenders>
  <Loggers>
    <Root level="INFO">
      <AppenderRef ref="stdout"/>
    </Root>
{quiet}
  </Loggers>
</Configuration>
"""


def server_properties_path(layout: StackLayout, node: KafkaNode | None = None) -> Path:
    """Return where a node's ``server.properties`` lives."""
    return _node(layout, node).folder / "server.properties"


def log4j2_path(layout: StackLayout, node: KafkaNode | None = None) -> Path:
    """Return where a node's log4j2 configuration lives."""
    return _node(layout, node).folder / "log4j2.xml"


def write_kafka_config(layout: StackLayout, node: KafkaNode | None = None) -> Path:
    """Write a node's broker and logging configuration; return its ``server.properties`` path."""
    node = _node(layout, node)
    node.folder.mkdir(parents=True, exist_ok=True)
    log4j2_path(layout, node).write_text(log4j2_xml())
    properties = server_properties_path(layout, node)
    write_private(properties, server_properties(layout, node))
    return properties
