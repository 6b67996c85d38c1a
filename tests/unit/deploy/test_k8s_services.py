"""The services' Deployments say what their settings read, and name every Secret they need."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic_settings import BaseSettings

from tests.unit.deploy.k8s import K8S, named, of_kind, production
from tests.unit.deploy.service_settings import env_names, settings_class

SERVICES = ("directory", "referrals", "notifications", "audit")
URL_PIECES = {"MONGO_PASSWORD", "MONGO_HOSTS", "MONGO_OPTIONS"}
"""Variables the Deployments use only to put TSUNAGU_MONGO_URL together."""


def _settings(service: str) -> BaseSettings:
    return settings_class(service).model_construct()


def _env_names(service: str) -> set[str]:
    return env_names(settings_class(service))


def _container(service: str) -> dict[str, Any]:
    deployment = named("Deployment", service)
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    return container  # type: ignore[no-any-return]


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
    labels = named("Deployment", service)["spec"]["selector"]["matchLabels"]
    assert named("PodDisruptionBudget", service)["spec"]["selector"]["matchLabels"] == labels
    autoscaler = named("HorizontalPodAutoscaler", service)["spec"]
    assert autoscaler["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": service,
    }
    assert 2 <= autoscaler["minReplicas"] < autoscaler["maxReplicas"]


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_sets_only_variables_its_settings_read(service: str) -> None:
    common = named("ConfigMap", "tsunagu-common")["data"]
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
    users = named("MongoDBCommunity", "tsunagu-mongo")["spec"]["users"]
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
    assert of_kind(production(), "Secret") == []
    referenced = set().union(*(_secret_names(m) for m in production()))
    documented = (K8S / "README.md").read_text()
    assert {"tsunagu-referrals-keys", "tsunagu-cluster-ca-cert"} <= referenced
    assert sorted(name for name in referenced if f"`{name}`" not in documented) == []
