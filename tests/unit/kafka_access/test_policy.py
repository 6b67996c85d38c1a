"""The ACL policy: each principal writes only its own topics and reads only what it consumes."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tsunagu.messaging.dead_letter import decoded_headers
from tsunagu.messaging.login import KafkaLogin, KafkaLoginError, kafka_login, login_env
from tsunagu.settings import ServiceSettings
from tsunagu_ops.kafka_access import (
    SERVICE_ACCESS,
    Operation,
    PatternType,
    ResourceType,
    agency_bindings,
    service_bindings,
)
from tsunagu_ops.localstack import StackLayout
from tsunagu_ops.localstack.kafka import scram_arguments
from tsunagu_ops.localstack.kafka_config import server_properties, write_kafka_config
from tsunagu_ops.localstack.kafka_credentials import credentials_path, passwords
from tsunagu_schemas.topics import TOPIC_OWNERS, dead_letter_topic


def _topics(service: str, operation: Operation) -> set[str]:
    return {
        binding.resource_name
        for binding in service_bindings(service)
        if binding.resource_type is ResourceType.TOPIC
        and binding.pattern_type is PatternType.LITERAL
        and binding.operation is operation
    }


@pytest.mark.parametrize("service", sorted(SERVICE_ACCESS))
def test_a_service_writes_its_own_topics_and_the_dead_letters_of_what_it_reads(
    service: str,
) -> None:
    own = {topic for topic, owner in TOPIC_OWNERS.items() if owner == service}
    reads = set(SERVICE_ACCESS[service].consumes)
    expected = own | {dead_letter_topic(topic) for topic in reads}
    assert _topics(service, Operation.WRITE) == expected
    # the dead letters it parks it may read too: its metrics tell what awaits replay
    assert _topics(service, Operation.READ) == reads | {dead_letter_topic(t) for t in reads}
    assert not (_topics(service, Operation.WRITE) & set(TOPIC_OWNERS)) - own


def test_only_notifications_may_write_agency_topics_and_agencies_read_only_their_own() -> None:
    prefixed = [
        (service, b.resource_name)
        for service in SERVICE_ACCESS
        for b in service_bindings(service)
        if b.pattern_type is PatternType.PREFIXED and b.resource_type is ResourceType.TOPIC
    ]
    assert prefixed == [("notifications", "tsunagu.agency.")] * 2  # WRITE and CREATE
    rules = {(b.resource_type, b.resource_name, b.operation) for b in agency_bindings("a1")}
    assert rules == {
        (ResourceType.TOPIC, "tsunagu.agency.a1", Operation.READ),
        (ResourceType.GROUP, "agency-a1.", Operation.READ),
    }


def test_passwords_are_generated_once_and_kept_private(tmp_path: Path) -> None:
    layout = StackLayout(home=tmp_path, root=tmp_path)
    first = passwords(layout)
    assert passwords(layout) == first
    assert stat.S_IMODE(credentials_path(layout).stat().st_mode) == 0o600
    properties = write_kafka_config(layout)
    assert stat.S_IMODE(properties.stat().st_mode) == 0o600
    text = server_properties(layout)
    assert "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer" in text
    assert "BROKER:SASL_PLAINTEXT" in text
    assert "super.users=User:tsunagu-admin;" in text
    scram = scram_arguments(layout)
    assert f"SCRAM-SHA-512=[name=tsunagu-audit,password={first['tsunagu-audit']}]" in scram


def test_a_login_from_settings_gives_scram_options_and_back_to_environment() -> None:
    settings = ServiceSettings(
        kafka_bootstrap_servers="kafka:9092",
        kafka_sasl_username="tsunagu-audit",
        kafka_sasl_password="secret",
        kafka_security_protocol="SASL_SSL",
    )
    login = kafka_login(settings)
    options = login.client_options()
    assert options["security_protocol"] == "SASL_SSL"
    assert options["sasl_mechanism"] == "SCRAM-SHA-512"
    assert options["ssl_context"] is not None
    assert "secret" not in repr(login)
    assert kafka_login(ServiceSettings(**login_env(login))) == login  # type: ignore[arg-type]
    assert KafkaLogin("kafka:9092").broker_security() is None
    with pytest.raises(KafkaLoginError):
        KafkaLogin("kafka:9092", security_protocol="SASL_PLAINTEXT")


def test_headers_that_are_not_utf8_are_named_not_raised() -> None:
    headers, undecodable = decoded_headers(
        [("ce_id", b"abc"), ("ce_type", b"\xff\xfe"), ("x", None)]
    )
    assert undecodable == ("ce_type",)
    assert headers["ce_id"] == "abc"
    assert headers["x"] == ""
