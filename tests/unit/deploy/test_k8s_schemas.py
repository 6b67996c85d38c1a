"""The Kubernetes manifests build with kustomize and every object matches its schema."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.unit.deploy.k8s import K8S, build, crd_schemas, problems

FOLDERS = ("base", "production")


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_object_built_matches_its_kubernetes_or_crd_schema(folder: str) -> None:
    manifests = build(K8S / folder)
    assert len(manifests) > 30
    found = [problem for manifest in manifests for problem in problems(manifest)]
    assert found == []


def test_the_vendored_crds_give_the_schemas_of_every_operator_kind_used() -> None:
    kinds = {kind for _, kind in crd_schemas()}
    used = {"Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser", "MongoDBCommunity"}
    assert used | {"ServiceMonitor", "PrometheusRule"} <= kinds


@pytest.fixture
def manifests_copy(tmp_path: Path) -> Path:
    """A copy of deploy/k8s to break."""
    copy = tmp_path / "k8s"
    shutil.copytree(K8S, copy, ignore=shutil.ignore_patterns("crds"))
    return copy


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def test_a_copy_with_a_misspelt_probe_and_a_wrong_partition_count_fails(
    manifests_copy: Path,
) -> None:
    base = manifests_copy / "base"
    _replace(base / "services" / "referrals.yaml", "readinessProbe:", "readinesProbe:")
    _replace(base / "kafka" / "topics.yaml", "partitions: 12", "partitions: twelve")
    _replace(base / "kafka" / "users.yaml", "patternType: prefix}", "patternType: prefixed}")
    _replace(base / "mongodb" / "mongodb.yaml", "members: 3", "members: three")

    found = [problem for m in build(manifests_copy / "production") for problem in problems(m)]

    assert any("Deployment/referrals" in p and "readinesProbe" in p for p in found)
    assert any("KafkaTopic/tsunagu.referral.events" in p and "twelve" in p for p in found)
    assert any("KafkaUser/tsunagu-referrals" in p and "prefixed" in p for p in found)
    assert any("MongoDBCommunity/tsunagu-mongo" in p and "three" in p for p in found)


def test_an_object_of_a_kind_no_schema_knows_fails(manifests_copy: Path) -> None:
    audit = manifests_copy / "base" / "services" / "audit.yaml"
    _replace(audit, "kind: Service\n", "kind: Servce\n")

    found = [problem for m in build(manifests_copy / "base") for problem in problems(m)]

    assert any("Servce/audit" in p and "no schema" in p for p in found)


def test_a_kustomization_naming_a_missing_file_does_not_build(manifests_copy: Path) -> None:
    (manifests_copy / "base" / "network-policies.yaml").unlink()

    with pytest.raises(subprocess.CalledProcessError):
        build(manifests_copy / "production")
