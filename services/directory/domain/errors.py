"""What can go wrong in the directory, in the domain's words; the edges map these to HTTP."""

from __future__ import annotations

from dataclasses import dataclass


class DirectoryError(Exception):
    """Base of every directory rule violation."""


@dataclass(frozen=True)
class UnknownCode:
    """A category or area code the taxonomy does not define, and where it was given."""

    field: str
    code: str
    kind: str


class UnknownCodes(DirectoryError):
    """Codes that are not in the taxonomy."""

    def __init__(self, unknown: list[UnknownCode]) -> None:
        names = ", ".join(f"{u.kind} {u.code!r}" for u in unknown)
        super().__init__(f"unknown codes: {names}")
        self.unknown = unknown


class AgencyNotFound(DirectoryError):
    """No agency has this id."""

    def __init__(self, agency_id: str) -> None:
        super().__init__(f"no agency with id {agency_id!r}")
        self.agency_id = agency_id


class VersionMismatch(DirectoryError):
    """The caller's expected version is not the current one (a stale If-Match)."""

    def __init__(self, *, expected: int, current: int) -> None:
        super().__init__(f"expected version {expected}, the agency is at version {current}")
        self.expected = expected
        self.current = current


class ConcurrentUpdate(DirectoryError):
    """Someone else changed the agency between our read and our write."""

    def __init__(self, agency_id: str) -> None:
        super().__init__(f"agency {agency_id!r} was changed concurrently; read it and retry")
        self.agency_id = agency_id


class AgencyInactive(DirectoryError):
    """The agency is deactivated and can no longer be revised."""

    def __init__(self, agency_id: str) -> None:
        super().__init__(f"agency {agency_id!r} is deactivated")
        self.agency_id = agency_id


class AgencyExists(DirectoryError):
    """An agency with this id is already registered."""

    def __init__(self, agency_id: str) -> None:
        super().__init__(f"an agency with id {agency_id!r} already exists")
        self.agency_id = agency_id


class LocationNotFound(DirectoryError):
    """The agency has no location with this id."""

    def __init__(self, agency_id: str, location_id: str) -> None:
        super().__init__(f"agency {agency_id!r} has no location {location_id!r}")
        self.agency_id = agency_id
        self.location_id = location_id


class InvalidDocument(DirectoryError):
    """An import document whose taxonomies or terms break the standard's schemas."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(f"the document is not valid HSDS 3.0 ({len(problems)} problems)")
        self.problems = problems


class WebhookRefused(DirectoryError):
    """A webhook URL the network may not call (not https, or not a public address)."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"webhook URL refused: {reason}")
        self.url = url
