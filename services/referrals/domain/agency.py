"""What referrals knows of an agency: its directory entry, as last announced."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from tsunagu_schemas import AgencyEventData, ServiceEntry

from .errors import ReferralRefused


class Agency(BaseModel):
    """An agency of the local read model, built from directory events."""

    model_config = ConfigDict(frozen=True)

    agency_id: str
    version: int
    name: str
    active: bool = True
    services: list[ServiceEntry] = Field(default_factory=list)

    @classmethod
    def from_event(cls, data: AgencyEventData) -> Agency:
        """The agency as a directory event describes it."""
        return cls(
            agency_id=data.agency_id,
            version=data.version,
            name=data.name,
            active=data.active,
            services=list(data.services),
        )

    def accepted_needs(self, needs: list[str]) -> list[str]:
        """The needs among `needs` that a service of this agency accepts referrals for."""
        open_categories = {
            code for s in self.services if s.accepting_referrals for code in s.categories
        }
        return [need for need in needs if need in open_categories]


def check_target(agency: Agency | None, *, agency_id: str, needs: list[str], field: str) -> None:
    """Raise ReferralRefused unless the agency is known, active and accepts one of the needs."""
    if agency is None:
        raise ReferralRefused(f"agency {agency_id} is not in the directory", field=field)
    if not agency.active:
        raise ReferralRefused(f"agency {agency_id} is deactivated", field=field)
    if not agency.accepted_needs(needs):
        raise ReferralRefused(
            f"agency {agency_id} accepts no referrals for {', '.join(needs)}", field=field
        )
