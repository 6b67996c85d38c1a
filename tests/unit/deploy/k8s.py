"""The Kubernetes manifests as the cluster would get them: built by kustomize, checked by schema.

Objects of Kubernetes' own kinds are checked by `kubernetes-validate` (the API's JSON schemas,
strict: an unknown field is an error) for each version in `KUBERNETES_VERSIONS`; objects of the
operators' kinds against the `openAPIV3Schema` of their vendored CRDs (`deploy/k8s/crds/`),
made strict the same way. CEL rules (`x-kubernetes-validations`) are not evaluated.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import yaml

REPO = Path(__file__).resolve().parents[3]
K8S = REPO / "deploy" / "k8s"
CRDS = K8S / "crds"
TOOLS_BIN = REPO / ".tools" / "bin"
KUBERNETES_VERSIONS = ("1.32", "1.35")
"""The oldest and newest Kubernetes minor versions the manifests are meant for."""

Manifest = dict[str, Any]
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's loader when PyYAML has it: the Kafka CRD alone is 330 kB."""


class ToolMissing(RuntimeError):
    """A tool the manifest tests run is not installed."""


def tool(name: str) -> str:
    """The path of `name`: the project's own copy (`make tools`) first, else the PATH's."""
    own = TOOLS_BIN / name
    found = str(own) if own.is_file() else shutil.which(name)
    if found is None:
        raise ToolMissing(f"{name} is not installed: run `make tools` (deploy/tools/install.sh)")
    return found


def build(folder: Path) -> list[Manifest]:
    """The objects `kustomize build folder` prints; raises CalledProcessError if it fails."""
    done = subprocess.run(
        [tool("kustomize"), "build", str(folder)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return [document for document in yaml.load_all(done.stdout, Loader=LOADER) if document]


def _strict(schema: dict[str, Any], *, in_branch: bool = False) -> dict[str, Any]:
    """An OpenAPI v3 structural schema as JSON Schema that refuses fields it does not name."""
    strict: dict[str, Any] = {}
    for key, value in schema.items():
        if key in ("properties", "patternProperties"):
            strict[key] = {name: _strict(child) for name, child in value.items()}
        elif key in ("items", "additionalProperties", "not") and isinstance(value, dict):
            strict[key] = _strict(value)
        elif key in ("allOf", "anyOf", "oneOf"):
            strict[key] = [_strict(branch, in_branch=True) for branch in value]
        elif key != "nullable" and not key.startswith("x-kubernetes-"):
            strict[key] = value
    if schema.get("x-kubernetes-int-or-string"):
        strict["type"] = ["integer", "string"]
    elif schema.get("nullable") and "type" in strict:
        strict["type"] = [strict["type"], "null"]
    open_ended = schema.get("x-kubernetes-preserve-unknown-fields") or in_branch
    if "properties" in strict and "additionalProperties" not in strict and not open_ended:
        strict["additionalProperties"] = False
    return strict


@cache
def crd_schemas() -> dict[tuple[str, str], dict[str, Any]]:
    """The strict schema of every (apiVersion, kind) the vendored CRDs define."""
    schemas: dict[tuple[str, str], dict[str, Any]] = {}
    for path in sorted(CRDS.glob("*.yaml")):
        for crd in yaml.load_all(path.read_text(), Loader=LOADER):
            if not crd or crd.get("kind") != "CustomResourceDefinition":
                continue
            group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
            for version in crd["spec"]["versions"]:
                openapi = version["schema"]["openAPIV3Schema"]
                schemas[(f"{group}/{version['name']}", kind)] = _strict(openapi)
    return schemas


def _name(manifest: Manifest) -> str:
    return f"{manifest.get('kind')}/{manifest.get('metadata', {}).get('name')}"


def _crd_problems(manifest: Manifest, schema: dict[str, Any]) -> Iterator[str]:
    validator = jsonschema.Draft4Validator(schema)
    for error in validator.iter_errors(manifest):
        where = "/".join(str(part) for part in error.absolute_path) or "(top)"
        yield f"{_name(manifest)}: {where}: {error.message}"


@cache
def _kubernetes_problems(text: str) -> tuple[str, ...]:
    """The problems of one object given as JSON (the same object is checked once)."""
    return tuple(_kubernetes_version_problems(json.loads(text)))


def _kubernetes_version_problems(manifest: Manifest) -> Iterator[str]:
    for version in KUBERNETES_VERSIONS:
        try:
            kubernetes_validate.validate(manifest, version, strict=True)
        except kubernetes_validate.SchemaNotFoundError as exc:
            yield f"{_name(manifest)}: no schema in Kubernetes {version}: {exc.message}"
        except kubernetes_validate.ValidationError as exc:
            where = "/".join(str(part) for part in exc.absolute_path) or "(top)"
            yield f"{_name(manifest)}: Kubernetes {version}: {where}: {exc.message}"


def problems(manifest: Manifest) -> list[str]:
    """What is wrong with one object, by its schema (empty when it is valid)."""
    key = (str(manifest.get("apiVersion")), str(manifest.get("kind")))
    schema = crd_schemas().get(key)
    if schema is not None:
        return list(_crd_problems(manifest, schema))
    return list(_kubernetes_problems(json.dumps(manifest, sort_keys=True)))


def of_kind(manifests: Iterable[Manifest], kind: str) -> list[Manifest]:
    """The objects of one kind."""
    return [manifest for manifest in manifests if manifest["kind"] == kind]


@cache
def production() -> tuple[Manifest, ...]:
    """The production overlay, built once."""
    return tuple(build(K8S / "production"))


def named(kind: str, name: str) -> Manifest:
    """The one production object of this kind and name."""
    (found,) = [m for m in of_kind(production(), kind) if m["metadata"]["name"] == name]
    return found
