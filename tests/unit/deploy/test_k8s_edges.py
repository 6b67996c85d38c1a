"""Who reaches what: network policies, the ingress, the issuer, Prometheus."""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.unit.deploy.k8s import named, of_kind, production

SERVICES = ("directory", "referrals", "notifications", "audit")
SERVICE_PODS = {"app.kubernetes.io/part-of": "tsunagu", "app.kubernetes.io/component": "service"}


def test_only_the_services_and_mongodb_members_reach_mongodb() -> None:
    policy = named("NetworkPolicy", "mongodb")["spec"]
    assert policy["podSelector"]["matchLabels"] == {"app": "tsunagu-mongo-svc"}
    (rule,) = policy["ingress"]
    selectors = [peer["podSelector"]["matchLabels"] for peer in rule["from"]]
    assert selectors == [SERVICE_PODS, {"app": "tsunagu-mongo-svc"}]
    deny = named("NetworkPolicy", "default-deny-ingress")["spec"]
    assert deny == {"podSelector": {}, "policyTypes": ["Ingress"]}


def test_only_the_services_and_the_tooling_reach_the_kafka_listener() -> None:
    (listener,) = named("Kafka", "tsunagu")["spec"]["kafka"]["listeners"]
    peers = [peer["podSelector"]["matchLabels"] for peer in listener["networkPolicyPeers"]]
    tooling = {**SERVICE_PODS, "app.kubernetes.io/component": "tooling"}
    assert peers == [SERVICE_PODS, tooling]


def test_the_ingress_sends_each_host_to_an_existing_service_port() -> None:
    (ingress,) = of_kind(production(), "Ingress")
    hosts = set(ingress["spec"]["tls"][0]["hosts"])
    for rule in ingress["spec"]["rules"]:
        assert rule["host"] in hosts
        (path,) = rule["http"]["paths"]
        backend = path["backend"]["service"]
        ports = [p["name"] for p in named("Service", backend["name"])["spec"]["ports"]]
        assert backend["port"]["name"] in ports


def test_the_issuer_every_service_trusts_is_the_directory_behind_the_ingress() -> None:
    issuer = named("ConfigMap", "tsunagu-common")["data"]["TSUNAGU_AUTH_ISSUER"]
    assert urlsplit(issuer).scheme == "https"
    (ingress,) = of_kind(production(), "Ingress")
    (rule,) = [r for r in ingress["spec"]["rules"] if r["host"] == urlsplit(issuer).hostname]
    assert rule["http"]["paths"][0]["backend"]["service"]["name"] == "directory"
    (monitor,) = of_kind(production(), "ServiceMonitor")
    (endpoint,) = monitor["spec"]["endpoints"]
    assert endpoint["oauth2"]["tokenUrl"] == f"{issuer}/oauth/token"


def test_prometheus_scrapes_every_service_and_alerts_when_one_is_down() -> None:
    (monitor,) = of_kind(production(), "ServiceMonitor")
    selected = monitor["spec"]["selector"]["matchLabels"]
    for service in SERVICES:
        labels = named("Service", service)["metadata"]["labels"]
        assert selected.items() <= labels.items()
    (rule,) = of_kind(production(), "PrometheusRule")
    expressions = [r["expr"] for group in rule["spec"]["groups"] for r in group["rules"]]
    assert any(expression.startswith("up{") for expression in expressions)
