"""The public facts of referrals, read for network statistics without opening a person's data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection

from tsunagu_schemas import ReferralStatus, Urgency

from ..domain.overdue import WaitingLeg
from ..domain.stats import LegFacts, ReferralFacts
from .moments import stored_moment
from .referral_store import CHANGED_AT

PUBLIC_FIELDS = {"status": 1, "urgency": 1, "created_at": 1, "ended_at": 1, "legs": 1}
WAITING_FIELDS = {"current_leg": 1, "legs": 1}
LEG_FIELDS = ("from_agency_id", "to_agency_id", "needs", "status", "requested_at")


class MongoReferralFacts:
    """Reads only the fields statistics count; the sealed value is never fetched."""

    def __init__(self, referrals: AsyncCollection[dict[str, Any]]) -> None:
        self._referrals = referrals

    async def ensure_indexes(self) -> None:
        """Index the time of the last change, which bounds what a period can count."""
        await self._referrals.create_index([(CHANGED_AT, ASCENDING)])

    async def changed_since(self, since: datetime) -> list[ReferralFacts]:
        """Every referral changed at or after `since`: any referral opened, asked or ended in
        a period starting then changed in it or later."""
        cursor = self._referrals.find({CHANGED_AT: {"$gte": since}}, PUBLIC_FIELDS)
        return [_facts(document) async for document in cursor]

    async def waiting(self) -> list[WaitingLeg]:
        """The current leg of every referral waiting for an answer (its ids and times)."""
        cursor = self._referrals.find({"status": ReferralStatus.REQUESTED.value}, WAITING_FIELDS)
        return [_waiting(document) async for document in cursor]


def _facts(document: dict[str, Any]) -> ReferralFacts:
    return ReferralFacts(
        status=ReferralStatus(document["status"]),
        urgency=Urgency(document["urgency"]),
        created_at=stored_moment(document["created_at"]),
        ended_at=stored_moment(document.get("ended_at")),
        legs=tuple(_leg(leg) for leg in document.get("legs", [])),
    )


def _leg(leg: dict[str, Any]) -> LegFacts:
    return LegFacts(
        from_agency_id=leg["from_agency_id"],
        to_agency_id=leg["to_agency_id"],
        needs=tuple(leg.get("needs", [])),
        status=ReferralStatus(leg["status"]),
        requested_at=stored_moment(leg["requested_at"]),
        responded_at=stored_moment(leg.get("responded_at")),
        reason=leg.get("reason"),
    )


def _waiting(document: dict[str, Any]) -> WaitingLeg:
    leg = document["legs"][int(document["current_leg"]) - 1]
    return WaitingLeg(
        referral_id=str(document["_id"]),
        number=int(leg["number"]),
        from_agency_id=leg["from_agency_id"],
        to_agency_id=leg["to_agency_id"],
        accept_by=stored_moment(leg.get("accept_by")),
        sla_breached_at=stored_moment(leg.get("sla_breached_at")),
        escalated_to=leg.get("escalated_to"),
    )
