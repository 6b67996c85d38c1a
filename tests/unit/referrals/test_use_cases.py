"""The referrals use cases against in-memory ports: load, let the domain decide, save."""

from __future__ import annotations

from datetime import timedelta
from typing import cast

import pytest

from services.referrals import use_cases
from services.referrals.domain import Agency, AgencyInactive, ReferralRefused
from services.referrals.ports import Ports, ReferralQuery
from tsunagu_schemas import AgencyEventData, DeclineReason, ReferralStatus

from .fakes import InMemoryReferrals, MovableClock, in_memory_ports
from .journeys import NOW, OUTSIDER, RECEIVER, SENDER, agency, new_referral

COORDINATOR = "ag_city"


@pytest.fixture
def ports() -> Ports:
    return in_memory_ports(agency(RECEIVER), coordinator=COORDINATOR)


def stored(ports: Ports) -> InMemoryReferrals:
    return cast(InMemoryReferrals, ports.referrals)


async def test_a_referral_is_created_accepted_and_saved_with_each_event(ports: Ports) -> None:
    created = await use_cases.create_referral(ports, request=new_referral(), actor=SENDER)
    request = use_cases.Request(created.id, RECEIVER, if_match=1)
    accepted = await use_cases.accept_referral(ports, request)
    assert accepted.status is ReferralStatus.ACCEPTED
    assert accepted.version == 2
    assert stored(ports).events == ["tsunagu.referral.created", "tsunagu.referral.accepted"]


async def test_a_stale_if_match_fails_the_precondition_and_saves_nothing(ports: Ports) -> None:
    created = await use_cases.create_referral(ports, request=new_referral(), actor=SENDER)
    with pytest.raises(use_cases.PreconditionFailed):
        await use_cases.accept_referral(ports, use_cases.Request(created.id, RECEIVER, if_match=7))
    assert stored(ports).events == ["tsunagu.referral.created"]


async def test_a_change_saved_meanwhile_is_a_conflict_never_a_lost_update(ports: Ports) -> None:
    created = await use_cases.create_referral(ports, request=new_referral(), actor=SENDER)
    stored(ports).interfere = True
    with pytest.raises(use_cases.ConcurrentUpdate):
        await use_cases.decline_referral(
            ports,
            use_cases.Request(created.id, RECEIVER),
            reason=DeclineReason.NO_CAPACITY,
            comment=None,
        )
    with pytest.raises(use_cases.PreconditionFailed):
        await use_cases.accept_referral(ports, use_cases.Request(created.id, RECEIVER, if_match=1))


async def test_an_agency_not_party_to_a_referral_cannot_find_it(ports: Ports) -> None:
    created = await use_cases.create_referral(ports, request=new_referral(), actor=SENDER)
    with pytest.raises(use_cases.ReferralNotFound):
        await use_cases.view_referral(ports, referral_id=created.id, viewer=OUTSIDER)
    with pytest.raises(use_cases.ReferralNotFound):
        await use_cases.accept_referral(ports, use_cases.Request(created.id, OUTSIDER))


async def test_a_referral_to_an_agency_unknown_to_the_directory_is_refused(ports: Ports) -> None:
    with pytest.raises(ReferralRefused):
        await use_cases.create_referral(
            ports, request=new_referral(to_agency_id="ag_nowhere"), actor=SENDER
        )
    assert stored(ports).events == []


async def test_a_retried_creation_returns_the_first_referral(ports: Ports) -> None:
    first = await use_cases.create_referral_once(
        ports, request=new_referral(), actor=SENDER, key="k1"
    )
    again = await use_cases.create_referral_once(
        ports, request=new_referral(), actor=SENDER, key="k1"
    )
    assert again.id == first.id
    assert stored(ports).events == ["tsunagu.referral.created"]
    with pytest.raises(ReferralRefused):
        await use_cases.create_referral_once(
            ports, request=new_referral(note="another"), actor=SENDER, key="k1"
        )


async def test_lists_page_newest_first_with_a_cursor(ports: Ports) -> None:
    for _ in range(3):
        await use_cases.create_referral(ports, request=new_referral(), actor=SENDER)
    first, cursor = await use_cases.list_referrals(ports, query=ReferralQuery(SENDER, limit=2))
    rest, end = await use_cases.list_referrals(
        ports, query=ReferralQuery(SENDER, limit=2, before_id=cursor)
    )
    assert len(first) == 2
    assert len(rest) == 1
    assert end is None
    assert len({r.id for r in first + rest}) == 3


async def test_an_overdue_leg_is_flagged_once_and_escalated(ports: Ports) -> None:
    created = await use_cases.create_referral(ports, request=new_referral(), actor=SENDER)
    cast(MovableClock, ports.clock).moment = NOW + timedelta(days=30)
    assert await use_cases.flag_overdue(ports) == 1
    assert await use_cases.flag_overdue(ports) == 0
    flagged = await ports.referrals.get(created.id)
    assert flagged is not None
    assert flagged.overdue
    assert stored(ports).events[-1] == "tsunagu.referral.sla_breached"


async def test_household_links_show_related_ids_and_status_only(ports: Ports) -> None:
    one = await use_cases.create_referral(ports, request=new_referral(), actor=SENDER)
    two = await use_cases.create_referral(ports, request=new_referral(), actor=SENDER)
    assert await use_cases.link_household(ports, referral_id=one.id, other_id=two.id, actor=SENDER)
    assert not await use_cases.link_household(
        ports, referral_id=two.id, other_id=one.id, actor=SENDER
    )
    related = await use_cases.related_referrals(ports, referral_id=one.id, viewer=RECEIVER)
    assert [(r.id, r.status, r.party) for r in related] == [
        (two.id, ReferralStatus.REQUESTED, True)
    ]
    with pytest.raises(ReferralRefused):
        await use_cases.link_household(ports, referral_id=one.id, other_id=one.id, actor=SENDER)


async def test_the_provision_record_lists_each_disclosure_of_the_period(ports: Ports) -> None:
    created = await use_cases.create_referral(ports, request=new_referral(), actor=SENDER)
    records = await use_cases.provision_record(
        ports, agency_id=SENDER, since=NOW - timedelta(hours=1), until=NOW + timedelta(hours=1)
    )
    assert [(r.referral_id, r.direction) for r in records.disclosures] == [(created.id, "made")]
    assert records.views == []


async def test_an_older_agency_event_does_not_undo_a_newer_one(ports: Ports) -> None:
    newer = agency(RECEIVER, version=3, name="Renamed")
    assert await use_cases.apply_agency_event(ports, data=_event_of(newer))
    assert not await use_cases.apply_agency_event(ports, data=_event_of(agency(RECEIVER)))
    found = await ports.agencies.get(RECEIVER)
    assert found is not None
    assert found.name == "Renamed"


def _event_of(known: Agency) -> AgencyEventData:
    return AgencyEventData.model_validate(
        {
            "agency_id": known.agency_id,
            "version": known.version,
            "name": known.name,
            "kind": "npo",
            "active": known.active,
            "services": [s.model_dump() for s in known.services],
            "occurred_at": NOW,
        }
    )


async def test_an_agency_deactivated_in_the_directory_may_no_longer_act(ports: Ports) -> None:
    created = await use_cases.create_referral(ports, request=new_referral(), actor=SENDER)
    await ports.agencies.apply(agency(RECEIVER, version=2, active=False))
    with pytest.raises(AgencyInactive):
        await use_cases.accept_referral(ports, use_cases.Request(created.id, RECEIVER))
    assert stored(ports).events == ["tsunagu.referral.created"]
    await ports.agencies.apply(agency(SENDER, version=2, active=False))
    with pytest.raises(AgencyInactive):
        await use_cases.create_referral(ports, request=new_referral(), actor=SENDER)
