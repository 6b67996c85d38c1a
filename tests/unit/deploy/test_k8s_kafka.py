"""The Kafka manifests say what the code says: every topic, three brokers, each service's ACLs."""

from __future__ import annotations

import pytest

from tests.unit.deploy.k8s import Manifest, named, of_kind, production
from tsunagu_ops.kafka_access import (
    SERVICE_ACCESS,
    Operation,
    PatternType,
    ResourceType,
    service_bindings,
    stack_topics,
)

PATTERNS = {"literal": PatternType.LITERAL, "prefix": PatternType.PREFIXED}
RESOURCES = {"topic": ResourceType.TOPIC, "group": ResourceType.GROUP}


def test_every_topic_the_services_use_is_declared_with_three_replicas_and_two_in_sync() -> None:
    topics = {t["metadata"]["name"]: t["spec"] for t in of_kind(production(), "KafkaTopic")}
    assert set(topics) == set(stack_topics())
    for spec in topics.values():
        assert spec["replicas"] == 3
        assert spec["config"]["min.insync.replicas"] == 2
        # Each says how long it keeps records, or keeps the latest per key (compacted).
        assert "retention.ms" in spec["config"] or spec["config"]["cleanup.policy"] == "compact"
        assert spec["partitions"] >= 3


def test_the_kafka_cluster_has_three_kraft_nodes_and_refuses_writes_with_fewer_than_two() -> None:
    (pool,) = of_kind(production(), "KafkaNodePool")
    assert pool["spec"]["replicas"] == 3
    assert set(pool["spec"]["roles"]) == {"controller", "broker"}
    config = named("Kafka", "tsunagu")["spec"]["kafka"]["config"]
    assert config["default.replication.factor"] == 3
    assert config["min.insync.replicas"] == 2
    (listener,) = named("Kafka", "tsunagu")["spec"]["kafka"]["listeners"]
    assert listener["tls"] is True
    assert listener["authentication"]["type"] == "scram-sha-512"


def _acls(user: Manifest) -> set[tuple[str, ResourceType, str, PatternType, Operation]]:
    principal = user["metadata"]["name"]
    return {
        (
            principal,
            RESOURCES[acl["resource"]["type"]],
            acl["resource"]["name"],
            PATTERNS[acl["resource"]["patternType"]],
            Operation[operation.upper()],
        )
        for acl in user["spec"]["authorization"]["acls"]
        for operation in acl["operations"]
    }


@pytest.mark.parametrize("service", tuple(SERVICE_ACCESS))
def test_each_service_user_has_exactly_the_acls_of_the_access_policy(service: str) -> None:
    user = named("KafkaUser", f"tsunagu-{service}")
    assert user["spec"]["authentication"]["type"] == "scram-sha-512"
    expected = {
        (b.principal, b.resource_type, b.resource_name, b.pattern_type, b.operation)
        for b in service_bindings(service)
    }
    assert _acls(user) == expected


def test_notifications_scales_no_further_than_the_partitions_it_consumes() -> None:
    topic = named("KafkaTopic", "tsunagu.referral.events")["spec"]
    autoscaler = named("HorizontalPodAutoscaler", "notifications")["spec"]
    assert autoscaler["maxReplicas"] <= topic["partitions"]
