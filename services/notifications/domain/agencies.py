"""What notifications knows of an agency: how it wants to be reached."""

from __future__ import annotations

from dataclasses import dataclass

from tsunagu_schemas import AgencyDeliveryData, Channel, ReferralEventData


@dataclass(frozen=True)
class AgencyContact:
    """An agency's delivery preferences as of one directory version."""

    agency_id: str
    version: int
    webhook_url: str | None = None
    email: str | None = None
    kafka: bool = False
    active: bool = True

    @classmethod
    def from_event(cls, data: AgencyDeliveryData) -> AgencyContact:
        """Read the preferences out of a directory delivery-settings event."""
        return cls(
            agency_id=data.agency_id,
            version=data.version,
            webhook_url=data.delivery.webhook_url,
            email=data.delivery.email,
            kafka=data.delivery.kafka,
            active=data.active,
        )

    def channels(self) -> list[Channel]:
        """Channels beyond the inbox through which the agency asked to be told."""
        chosen: list[Channel] = []
        if self.kafka:
            chosen.append(Channel.KAFKA)
        if self.webhook_url:
            chosen.append(Channel.WEBHOOK)
        if self.email:
            chosen.append(Channel.EMAIL)
        return chosen


def recipients(data: ReferralEventData) -> list[str]:
    """The agencies the referral names as its audience (every party, for an event written
    before it named one), and the coordinator it was escalated to, each once."""
    told = data.parties if data.audience is None else data.audience
    named = [*told, data.from_agency_id, data.to_agency_id]
    if data.escalated_to:
        named.append(data.escalated_to)
    return list(dict.fromkeys(named))
