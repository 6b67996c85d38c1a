"""Configuration files of the single-node Kafka broker (KRaft, broker and controller)."""

from __future__ import annotations

from pathlib import Path

from tsunagu_ops.localstack.kafka_credentials import (
    ADMIN,
    BROKER,
    CONTROLLER,
    SCRAM_MECHANISM,
    passwords,
    write_private,
)
from tsunagu_ops.localstack.layout import HOST, StackLayout

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


def server_properties(layout: StackLayout) -> str:
    """Return ``server.properties`` for a single node acting as broker and controller.

    Clients authenticate with SASL/SCRAM-SHA-512 on the broker listener; the controller
    listener, on loopback, takes SASL/PLAIN from the broker itself only. The standard
    authorizer denies whatever no ACL allows; the admin, broker and controller are super users.
    """
    secret = passwords(layout)
    settings = {
        "process.roles": "broker,controller",
        "node.id": "1",
        "controller.quorum.voters": f"1@{HOST}:{layout.controller_port}",
        "listeners": f"BROKER://{HOST}:{layout.kafka_port},"
        f"CONTROLLER://{HOST}:{layout.controller_port}",
        "advertised.listeners": f"BROKER://{HOST}:{layout.kafka_port}",
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
        "log.dirs": str(layout.kafka_data),
        "num.partitions": "3",
        "auto.create.topics.enable": "true",
        "offsets.topic.replication.factor": "1",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "share.coordinator.state.topic.replication.factor": "1",
        "share.coordinator.state.topic.min.isr": "1",
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


def server_properties_path(layout: StackLayout) -> Path:
    """Return where this instance's ``server.properties`` lives."""
    return layout.kafka_dir / "server.properties"


def log4j2_path(layout: StackLayout) -> Path:
    """Return where this instance's log4j2 configuration lives."""
    return layout.kafka_dir / "log4j2.xml"


def write_kafka_config(layout: StackLayout) -> Path:
    """Write the broker and logging configuration; return the ``server.properties`` path."""
    layout.kafka_dir.mkdir(parents=True, exist_ok=True)
    log4j2_path(layout).write_text(log4j2_xml())
    properties = server_properties_path(layout)
    write_private(properties, server_properties(layout))
    return properties
