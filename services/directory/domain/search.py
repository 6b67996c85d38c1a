"""Which agencies a search asks for: the rule applied to each agency, whatever the store does."""

from __future__ import annotations

from dataclasses import dataclass

from tsunagu_schemas import ServiceEntry

from .agency import Agency
from .details import Service


@dataclass(frozen=True)
class AgencySearch:
    """Agencies with one service matching every given criterion, and matching the text."""

    category: str | None = None
    areas: tuple[str, ...] = ()
    accepting: bool | None = None
    language: str | None = None
    text: str | None = None
    include_inactive: bool = False

    def matches(self, agency: Agency) -> bool:
        """Whether `agency` belongs in the results."""
        if not (agency.active or self.include_inactive):
            return False
        if not any(self._service_matches(s) for s in agency.services):
            return False
        return self._text_matches(agency)

    def _service_matches(self, service: ServiceEntry) -> bool:
        if self.category is not None and self.category not in service.categories:
            return False
        if self.areas and not set(self.areas) & set(service.areas):
            return False
        if self.language is not None and not any(
            speaks(tag, self.language) for tag in service.languages
        ):
            return False
        return self.accepting is None or service.accepting_referrals == self.accepting

    def _text_matches(self, agency: Agency) -> bool:
        # Only what every caller may see: never locations (some are hidden) nor contacts.
        if not self.text:
            return True
        needle = self.text.casefold()
        haystack = [agency.name, agency.description or ""]
        for service in agency.services:
            haystack += [service.name, service.description or "", _eligibility(service)]
        return any(needle in field.casefold() for field in haystack)


def speaks(tag: str, language: str) -> bool:
    """Whether the BCP 47 `tag` is `language` or a variant of it (`en-GB` speaks `en`)."""
    tag, language = tag.casefold(), language.casefold()
    return tag == language or tag.startswith(language + "-")


def _eligibility(service: ServiceEntry) -> str:
    return (service.eligibility_description or "") if isinstance(service, Service) else ""
