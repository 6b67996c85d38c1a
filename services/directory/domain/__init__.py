"""The directory's domain: agencies, their services, the taxonomy and the events they produce."""

from .agency import (
    AGENCY_ID,
    Agency,
    AgencyChange,
    AgencyProfile,
    check_version,
    deactivate,
    new_agency_id,
    register,
    remove_location,
    revise,
)
from .details import Address, Contact, Location, Schedule, Service, Weekday
from .errors import (
    AgencyExists,
    AgencyInactive,
    AgencyNotFound,
    ConcurrentUpdate,
    DirectoryError,
    InvalidDocument,
    LocationNotFound,
    UnknownCode,
    UnknownCodes,
    VersionMismatch,
    WebhookRefused,
)
from .search import AgencySearch
from .taxonomy import Taxonomy, TaxonomyCode

__all__ = [
    "AGENCY_ID",
    "Address",
    "Agency",
    "AgencyChange",
    "AgencyExists",
    "AgencyInactive",
    "AgencyNotFound",
    "AgencyProfile",
    "AgencySearch",
    "ConcurrentUpdate",
    "Contact",
    "DirectoryError",
    "InvalidDocument",
    "Location",
    "LocationNotFound",
    "Schedule",
    "Service",
    "Taxonomy",
    "TaxonomyCode",
    "UnknownCode",
    "UnknownCodes",
    "VersionMismatch",
    "WebhookRefused",
    "Weekday",
    "check_version",
    "deactivate",
    "new_agency_id",
    "register",
    "remove_location",
    "revise",
]
