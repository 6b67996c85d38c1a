"""The directory's domain: agencies, their services, the taxonomy and the events they produce."""

from .agency import (
    Agency,
    AgencyChange,
    AgencyProfile,
    Contact,
    check_version,
    deactivate,
    new_agency_id,
    register,
    revise,
)
from .errors import (
    AgencyInactive,
    AgencyNotFound,
    ConcurrentUpdate,
    DirectoryError,
    UnknownCode,
    UnknownCodes,
    VersionMismatch,
)
from .search import AgencySearch
from .taxonomy import Taxonomy, TaxonomyCode

__all__ = [
    "Agency",
    "AgencyChange",
    "AgencyInactive",
    "AgencyNotFound",
    "AgencyProfile",
    "AgencySearch",
    "ConcurrentUpdate",
    "Contact",
    "DirectoryError",
    "Taxonomy",
    "TaxonomyCode",
    "UnknownCode",
    "UnknownCodes",
    "VersionMismatch",
    "check_version",
    "deactivate",
    "new_agency_id",
    "register",
    "revise",
]
