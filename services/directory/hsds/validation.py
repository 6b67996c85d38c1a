"""Validating HSDS objects against the vendored HSDS 3.0 JSON Schemas, one object at a time."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema.validators import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).parent / "schema"
MESSAGE_LIMIT = 200


@dataclass(frozen=True)
class SchemaProblem:
    """Where an object breaks its schema, and how."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@cache
def schema_registry() -> Registry[Any]:
    """Every vendored schema, under its file name, as the `$ref`s name them."""
    resources = [
        (
            path.name,
            Resource.from_contents(
                json.loads(path.read_text(encoding="utf-8")), default_specification=DRAFT202012
            ),
        )
        for path in sorted(SCHEMA_DIR.glob("*.json"))
        if path.name != "openapi.json"
    ]
    return Registry().with_resources(resources)


@cache
def validator(kind: str) -> Draft202012Validator:
    """The validator of one HSDS object kind (`organization`, `service`, …), formats included."""
    schema = schema_registry().contents(f"{kind}.json")
    return Draft202012Validator(
        schema,
        registry=schema_registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def problems(kind: str, value: Any, *, at: str) -> list[SchemaProblem]:
    """How `value` breaks the schema of `kind`; empty when it is valid.

    Paths start at `at`; from the object itself (`at=""`), its own problems are named `kind`.
    """
    found = sorted(validator(kind).iter_errors(value), key=lambda e: [str(p) for p in e.path])
    return [SchemaProblem(_path(at, e.absolute_path) or kind, _short(e.message)) for e in found]


def organization_problems(organization: Any, *, at: str) -> list[SchemaProblem]:
    """An organization's problems, and those of each service it embeds."""
    found = problems("organization", organization, at=at)
    services = organization.get("services", []) if isinstance(organization, Mapping) else []
    if not isinstance(services, list):
        return [*found, SchemaProblem(_path(at, ["services"]), "must be a list of services")]
    for index, service in enumerate(services):
        found += problems("service", service, at=_path(at, ["services", index]))
    return found


def collection_problems(kind: str, values: Iterable[Any], *, at: str) -> list[SchemaProblem]:
    """The problems of every object of one kind in a list."""
    return [p for i, value in enumerate(values) for p in problems(kind, value, at=f"{at}[{i}]")]


def document_problems(document: Mapping[str, Any]) -> list[SchemaProblem]:
    """Every problem of a whole export: organizations, services, taxonomies and terms."""
    found = [
        p
        for i, organization in enumerate(document.get("organizations", []))
        for p in organization_problems(organization, at=f"organizations[{i}]")
    ]
    found += collection_problems("taxonomy", document.get("taxonomies", []), at="taxonomies")
    terms = document.get("taxonomy_terms", [])
    return found + collection_problems("taxonomy_term", terms, at="taxonomy_terms")


def _path(at: str, parts: Iterable[str | int]) -> str:
    path = at
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else part
    return path


def _short(message: str) -> str:
    return message if len(message) <= MESSAGE_LIMIT else message[: MESSAGE_LIMIT - 1] + "…"
