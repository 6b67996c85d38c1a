"""docker-compose.yml agrees with what the services read and serve (Docker cannot run here)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.unit.deploy.service_settings import env_names, settings_class

COMPOSE = Path(__file__).resolve().parents[3] / "docker-compose.yml"
SERVICES = ("directory", "referrals", "notifications", "audit")
DEFAULT_PORTS = {"directory": 8001, "referrals": 8002, "notifications": 8003, "audit": 8004}


def _compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())


def _resolved(value: object) -> str:
    """Replace `${VAR:-default}` by its default, and a required `${VAR:?…}` by a stand-in."""
    value = re.sub(r"\$\{[A-Z_]+:\?[^}]*\}", "stand-in", str(value))
    return re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", value)


def test_compose_runs_kafka_mongodb_and_the_four_services() -> None:
    services = _compose()["services"]
    assert set(services) == {"kafka", "kafka-acl", "mongo", *SERVICES}
    assert services["kafka"]["image"].startswith("apache/kafka:")
    assert services["kafka-acl"]["command"] == ["tsunagu", "kafka", "provision"]
    assert "--replSet" in services["mongo"]["command"]
    for name in ("kafka", "mongo", *SERVICES):  # kafka-acl runs once and exits
        assert "test" in services[name]["healthcheck"], name


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_runs_its_module_on_its_documented_port(name: str) -> None:
    service = _compose()["services"][name]
    env = service["environment"]
    port = DEFAULT_PORTS[name]
    assert service["command"] == ["python", "-m", f"services.{name}"]
    assert service["ports"] == [f"{port}:{port}"]
    assert int(env[f"TSUNAGU_{name.upper()}_PORT"]) == port
    assert settings_class(name)().port == port  # type: ignore[attr-defined]
    assert f"{port}/readyz" in " ".join(service["healthcheck"]["test"])
    assert set(service["depends_on"]) == {"kafka", "kafka-acl", "mongo"}


@pytest.mark.parametrize("name", SERVICES)
def test_each_compose_variable_is_one_the_service_reads_and_it_accepts_them(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = _compose()["services"][name]["environment"]
    cls = settings_class(name)
    assert set(env) <= env_names(cls), set(env) - env_names(cls)
    for key, value in env.items():
        monkeypatch.setenv(key, _resolved(value))
    settings: Any = cls()
    assert settings.kafka_bootstrap_servers == "kafka:9092"
    assert (settings.kafka_security_protocol, settings.kafka_sasl_username) == (
        "SASL_SSL",
        f"tsunagu-{name}",
    )
    assert settings.mongo_url.startswith("mongodb://mongo:27017")
    assert settings.host == "0.0.0.0"
    assert settings.database == f"tsunagu_{name}"
