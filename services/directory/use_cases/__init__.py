"""The directory's use cases: each an async function of the service's ports."""

from .agencies import (
    AgencyPage,
    deactivate_agency,
    find_agency,
    get_agency,
    register_agency,
    remove_agency_location,
    revise_agency,
    search_agencies,
)
from .exchange import ImportOutcome, ImportReport, Result, export_directory, import_directory

__all__ = [
    "AgencyPage",
    "ImportOutcome",
    "ImportReport",
    "Result",
    "deactivate_agency",
    "export_directory",
    "find_agency",
    "get_agency",
    "import_directory",
    "register_agency",
    "remove_agency_location",
    "revise_agency",
    "search_agencies",
]
