"""Exporting the directory as Open Referral HSDS 3.0 and importing such a document back."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import structlog
from pydantic import ValidationError

from ..domain import Agency, AgencyProfile, DirectoryError, InvalidDocument, UnknownCodes
from ..hsds.reading import OrganizationReader, TermIndex, Unreadable
from ..hsds.validation import collection_problems, organization_problems
from ..hsds.vocabulary import Vocabulary
from ..hsds.writing import export_document
from ..ports import Ports
from .agencies import find_agency, register_agency, revise_agency, search_agencies

log = structlog.get_logger(__name__)
PAGE = 200

Result = Literal["created", "updated", "unchanged", "refused"]


@dataclass(frozen=True)
class ImportOutcome:
    """What became of one organization of an import."""

    result: Result
    organization_id: str | None
    name: str | None
    agency_id: str | None = None
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ImportReport:
    """What an import created, updated, left unchanged or refused, organization by organization."""

    outcomes: list[ImportOutcome]

    def count(self, result: Result) -> int:
        """How many organizations had this result."""
        return sum(1 for outcome in self.outcomes if outcome.result == result)


async def export_directory(ports: Ports, *, with_contacts: bool = True) -> dict[str, Any]:
    """Every active agency as an HSDS document; hidden locations are left out, and the staff
    contacts unless `with_contacts`."""
    agencies = [agency async for agency in _active_agencies(ports)]
    vocabulary = Vocabulary(ports.taxonomy)
    return export_document(
        agencies, vocabulary=vocabulary, utc_offset=ports.utc_offset, with_contacts=with_contacts
    )


async def import_directory(
    ports: Ports, document: Mapping[str, Any], *, traceparent: str | None = None
) -> ImportReport:
    """Create or update the agency of each organization; refuse, with reasons, what fails."""
    taxonomies = document.get("taxonomies") or []
    terms = document.get("taxonomy_terms") or []
    problems = collection_problems("taxonomy", taxonomies, at="taxonomies")
    problems += collection_problems("taxonomy_term", terms, at="taxonomy_terms")
    if problems:
        raise InvalidDocument([(p.path, p.message) for p in problems])
    index = TermIndex.of(Vocabulary(ports.taxonomy), terms)
    outcomes = [
        await _import_one(ports, raw, terms=index, trace=traceparent)
        for raw in document.get("organizations") or []
    ]
    report = ImportReport(outcomes)
    log.info(
        "directory imported",
        **{result: report.count(result) for result in ("created", "updated", "refused")},
    )
    return report


async def _import_one(
    ports: Ports, raw: Any, *, terms: TermIndex, trace: str | None
) -> ImportOutcome:
    problems = organization_problems(raw, at="")
    if problems:
        return _refused(raw, None, [str(p) for p in problems])
    agency_id: str | None = None
    try:
        read = OrganizationReader(terms=terms, utc_offset=ports.utc_offset).read(raw)
        agency_id = read.agency_id
        profile = AgencyProfile.model_validate(read.profile)
        result = await _store(ports, agency_id, profile, traceparent=trace)
    except Unreadable as exc:
        return _refused(raw, agency_id, exc.reasons)
    except ValidationError as exc:
        return _refused(raw, agency_id, _validation_reasons(exc))
    except DirectoryError as exc:
        return _refused(raw, agency_id, _domain_reasons(exc))
    return ImportOutcome(result, raw["id"], raw["name"], agency_id)


async def _store(
    ports: Ports, agency_id: str, profile: AgencyProfile, *, traceparent: str | None
) -> Result:
    existing = await find_agency(ports, agency_id)
    if existing is None:
        await register_agency(ports, profile, agency_id=agency_id, traceparent=traceparent)
        return "created"
    # Delivery preferences are not part of HSDS: an import keeps those the agency chose.
    changes = {name: value for name, value in profile if name != "delivery"}
    revised = await revise_agency(
        ports, agency_id, changes, if_match=existing.version, traceparent=traceparent
    )
    return "unchanged" if revised.version == existing.version else "updated"


async def _active_agencies(ports: Ports) -> AsyncIterator[Agency]:
    cursor: str | None = None
    while True:
        page = await search_agencies(ports, limit=PAGE, cursor=cursor)
        for agency in page.items:
            yield agency
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def _refused(raw: Any, agency_id: str | None, reasons: list[str]) -> ImportOutcome:
    named = raw if isinstance(raw, Mapping) else {}
    organization_id, name = named.get("id"), named.get("name")
    return ImportOutcome(
        "refused",
        organization_id if isinstance(organization_id, str) else None,
        name if isinstance(name, str) else None,
        agency_id,
        reasons,
    )


def _validation_reasons(exc: ValidationError) -> list[str]:
    return [
        f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}" for error in exc.errors()
    ]


def _domain_reasons(exc: DirectoryError) -> list[str]:
    if isinstance(exc, UnknownCodes):
        return [f"{u.field}: unknown {u.kind} code {u.code!r}" for u in exc.unknown]
    return [str(exc)]
