"""The Kubernetes manifests say what the code and the docs say: topics, ACLs, settings, secrets."""

from __future__ import annotations

import importlib
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import pytest
from pydantic_settings import BaseSettings

from tests.unit.deploy.k8s import K8S, Manifest, build, of_kind
from tsunagu_ops.kafka_access import (
    SERVICE_ACCESS,
    Operation,
    PatternType,
    ResourceType,
    service_bindings,
    stack_topics,
)

SERVICES = tuple(SERVICE_ACCESS)
PATTERNS = {"literal": PatternType.LITERAL, "prefix": PatternType.PREFIXED}
RESOURCES = {"topic": ResourceType.TOPIC, "group": ResourceType.GROUP}
URL_PIECES = {"MONGO_PASSWORD", "MONGO_HOSTS", "MONGO_OPTIONS"}
"""Variables the Deployments use only to put TSUNAGU_MONGO_URL together."""
SERVICE_PODS = {"app.kubernetes.io/part-of": "tsunagu", "app.kubernetes.io/component": "service"}


@cache
def production() -> tuple[Manifest, ...]:
    """The production overlay, built once."""
    return tuple(build(K8S / "production"))


def _named(kind: str, name: str) -> Manifest:
    (found,) = [m for m in of_kind(list(production()), kind) if m["metadata"]["name"] == name]
    return found


def _settings(service: str) -> BaseSettings:
    module = importlib.import_module(f"services.{service}.settings")
    cls: type[BaseSettings] = getattr(module, f"{service.capitalize()}Settings")
    return cls.model_construct()


def _env_names(service: str) -> set[str]:
    cls = type(_settings(service))
    prefix = str(cls.model_config.get("env_prefix", ""))
    names = set()
    for field_name, field in cls.model_fields.items():
        alias = field.validation_alias
        names.add(alias.upper() if isinstance(alias, str) else f"{prefix}{field_name}".upper())
    return names


def _container(service: str) -> dict[str, Any]:
    deployment = _named("Deployment", service)
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    return container  # type: ignore[no-any-return]


def test_every_topic_the_services_use_is_declared_with_three_replicas_and_two_in_sync() -> None:
    topics = {t["metadata"]["name"]: t["spec"] for t in of_kind(list(production()), "KafkaTopic")}
    assert set(topics) == set(stack_topics())
    for spec in topics.values():
        assert spec["replicas"] == 3
        assert spec["config"]["min.insync.replicas"] == 2
        assert "retention.ms" in spec["config"]
        assert spec["partitions"] >= 3


def test_the_kafka_cluster_has_three_kraft_nodes_and_refuses_writes_with_fewer_than_two() -> None:
    (pool,) = of_kind(list(production()), "KafkaNodePool")
    assert pool["spec"]["replicas"] == 3
    assert set(pool["spec"]["roles"]) == {"controller", "broker"}
    config = _named("Kafka", "tsunagu")["spec"]["kafka"]["config"]
    assert config["default.replication.factor"] == 3
    assert config["min.insync.replicas"] == 2
    (listener,) = _named("Kafka", "tsunagu")["spec"]["kafka"]["listeners"]
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


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_user_has_exactly_the_acls_of_the_access_policy(service: str) -> None:
    user = _named("KafkaUser", f"tsunagu-{service}")
    assert user["spec"]["authentication"]["type"] == "scram-sha-512"
    expected = {
        (b.principal, b.resource_type, b.resource_name, b.pattern_type, b.operation)
        for b in service_bindings(service)
    }
    assert _acls(user) == expected


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_runs_its_entry_point_with_probes_and_bounded_resources(
    service: str,
) -> None:
    container = _container(service)
    assert container["command"] == ["python", "-m", f"services.{service}"]
    assert container["image"].startswith("registry.example.org/tsunagu:")
    (port,) = container["ports"]
    assert port["containerPort"] == _settings(service).port  # type: ignore[attr-defined]
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    for bound in ("requests", "limits"):
        assert set(container["resources"][bound]) == {"cpu", "memory"}


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_has_a_disruption_budget_and_an_autoscaler_of_at_least_two(
    service: str,
) -> None:
    labels = _named("Deployment", service)["spec"]["selector"]["matchLabels"]
    assert _named("PodDisruptionBudget", service)["spec"]["selector"]["matchLabels"] == labels
    autoscaler = _named("HorizontalPodAutoscaler", service)["spec"]
    assert autoscaler["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": service,
    }
    assert 2 <= autoscaler["minReplicas"] < autoscaler["maxReplicas"]


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_sets_only_variables_its_settings_read(service: str) -> None:
    common = _named("ConfigMap", "tsunagu-common")["data"]
    names = {variable["name"] for variable in _container(service)["env"]} | set(common)
    assert names - URL_PIECES <= _env_names(service)
    assert common["TSUNAGU_ENVIRONMENT"] == "production"


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_logs_in_as_its_own_kafka_and_mongodb_user(service: str) -> None:
    env = {variable["name"]: variable for variable in _container(service)["env"]}
    assert env["TSUNAGU_KAFKA_SASL_USERNAME"]["value"] == f"tsunagu-{service}"
    password = env["TSUNAGU_KAFKA_SASL_PASSWORD"]["valueFrom"]["secretKeyRef"]
    assert password == {"name": f"tsunagu-{service}", "key": "password"}
    assert env["TSUNAGU_MONGO_URL"]["value"].startswith(f"mongodb://tsunagu-{service}:")
    users = _named("MongoDBCommunity", "tsunagu-mongo")["spec"]["users"]
    (user,) = [u for u in users if u["name"] == f"tsunagu-{service}"]
    database = _settings(service).database  # type: ignore[attr-defined]
    assert user["roles"] == [{"name": "readWrite", "db": database}]
    mongo_password = env["MONGO_PASSWORD"]["valueFrom"]["secretKeyRef"]
    assert mongo_password == {"name": user["passwordSecretRef"]["name"], "key": "password"}


REFERENCES = ("secretKeyRef", "passwordSecretRef", "certificateKeySecretRef", "secret")
NAMES = ("secretName", "scramCredentialsSecretName")


def _secret_names(value: Any, key: str = "") -> set[str]:
    """Every Secret name an object refers to, wherever it does."""
    if isinstance(value, list):
        return set().union(set(), *(_secret_names(child, key) for child in value))
    if isinstance(value, str):
        return {value} if key in NAMES else set()
    if not isinstance(value, dict):
        return set()
    found = {value.get("name") or value.get("secretName")} if key in REFERENCES else set()
    return {str(name) for name in found if name}.union(
        *(_secret_names(child, child_key) for child_key, child in value.items())
    )


def test_no_secret_is_in_the_manifests_and_every_one_referenced_is_documented() -> None:
    assert of_kind(list(production()), "Secret") == []
    referenced = set().union(*(_secret_names(m) for m in production()))
    documented = (K8S / "README.md").read_text()
    assert {"tsunagu-referrals-keys", "tsunagu-cluster-ca-cert"} <= referenced
    assert sorted(name for name in referenced if f"`{name}`" not in documented) == []


def test_only_the_services_and_mongodb_members_reach_mongodb() -> None:
    policy = _named("NetworkPolicy", "mongodb")["spec"]
    assert policy["podSelector"]["matchLabels"] == {"app": "tsunagu-mongo-svc"}
    (rule,) = policy["ingress"]
    selectors = [peer["podSelector"]["matchLabels"] for peer in rule["from"]]
    assert selectors == [SERVICE_PODS, {"app": "tsunagu-mongo-svc"}]
    deny = _named("NetworkPolicy", "default-deny-ingress")["spec"]
    assert deny == {"podSelector": {}, "policyTypes": ["Ingress"]}


def test_only_the_services_and_the_tooling_reach_the_kafka_listener() -> None:
    (listener,) = _named("Kafka", "tsunagu")["spec"]["kafka"]["listeners"]
    peers = [peer["podSelector"]["matchLabels"] for peer in listener["networkPolicyPeers"]]
    tooling = {**SERVICE_PODS, "app.kubernetes.io/component": "tooling"}
    assert peers == [SERVICE_PODS, tooling]


def test_notifications_scales_no_further_than_the_partitions_it_consumes() -> None:
    topic = _named("KafkaTopic", "tsunagu.referral.events")["spec"]
    autoscaler = _named("HorizontalPodAutoscaler", "notifications")["spec"]
    assert autoscaler["maxReplicas"] <= topic["partitions"]


def test_the_ingress_sends_each_host_to_an_existing_service_port() -> None:
    (ingress,) = of_kind(list(production()), "Ingress")
    hosts = set(ingress["spec"]["tls"][0]["hosts"])
    for rule in ingress["spec"]["rules"]:
        assert rule["host"] in hosts
        (path,) = rule["http"]["paths"]
        backend = path["backend"]["service"]
        ports = [p["name"] for p in _named("Service", backend["name"])["spec"]["ports"]]
        assert backend["port"]["name"] in ports


def test_the_issuer_every_service_trusts_is_the_directory_behind_the_ingress() -> None:
    issuer = _named("ConfigMap", "tsunagu-common")["data"]["TSUNAGU_AUTH_ISSUER"]
    assert urlsplit(issuer).scheme == "https"
    (ingress,) = of_kind(list(production()), "Ingress")
    (rule,) = [r for r in ingress["spec"]["rules"] if r["host"] == urlsplit(issuer).hostname]
    assert rule["http"]["paths"][0]["backend"]["service"]["name"] == "directory"
    (monitor,) = of_kind(list(production()), "ServiceMonitor")
    (endpoint,) = monitor["spec"]["endpoints"]
    assert endpoint["oauth2"]["tokenUrl"] == f"{issuer}/oauth/token"


def test_prometheus_scrapes_every_service_and_alerts_when_one_is_down() -> None:
    (monitor,) = of_kind(list(production()), "ServiceMonitor")
    selected = monitor["spec"]["selector"]["matchLabels"]
    for service in SERVICES:
        labels = _named("Service", service)["metadata"]["labels"]
        assert selected.items() <= labels.items()
    (rule,) = of_kind(list(production()), "PrometheusRule")
    expressions = [r["expr"] for group in rule["spec"]["groups"] for r in group["rules"]]
    assert any(expression.startswith("up{") for expression in expressions)
