"""HSDS identifiers: UUIDs derived from the directory's own ids, so every export is the same."""

from __future__ import annotations

import uuid

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://tsunagu.org/hsds/3.0")


def organization_id(agency_id: str) -> str:
    """The HSDS id of an agency's organization."""
    return str(uuid.uuid5(NAMESPACE, f"agency/{agency_id}"))


def child_id(parent_id: str, *path: object) -> str:
    """The id of something an HSDS object holds, e.g. `child_id(org, "service", 0)`."""
    return str(uuid.uuid5(uuid.UUID(parent_id), "/".join(str(part) for part in path)))


def taxonomy_id(name: str) -> str:
    """The id of one of the directory's taxonomies."""
    return str(uuid.uuid5(NAMESPACE, f"taxonomy/{name}"))


def term_id(taxonomy: str, code: str) -> str:
    """The id of a term of one of the directory's taxonomies."""
    return child_id(taxonomy_id(taxonomy), "term", code)


def agency_id_for(organization: str) -> str:
    """A stable agency id for an organization imported without one."""
    return "agc_" + uuid.uuid5(NAMESPACE, f"organization/{organization}").hex[:12]
