"""Reading referrals: the views the policy allows, and one recorded read per answer with data."""

from __future__ import annotations

from datetime import timedelta
from typing import cast

import pytest

from services.referrals import use_cases
from services.referrals.adapters.views import ReferralView
from services.referrals.domain import (
    READ_ROUTE,
    ActorNotPermitted,
    BasisKind,
    Handoff,
    HiddenReason,
    LegalBasis,
    Standing,
    SubjectHidden,
)
from services.referrals.ports import Ports, ReferralQuery
from tsunagu_schemas import DeclineReason, HandoffReason, ViewPurpose

from .fakes import InMemoryViews, MovableClock, in_memory_ports
from .journeys import NOW, OUTSIDER, RECEIVER, SENDER, THIRD, agency, new_referral


@pytest.fixture
def ports() -> Ports:
    return in_memory_ports(agency(RECEIVER), agency(THIRD))


def views(ports: Ports) -> InMemoryViews:
    return cast(InMemoryViews, ports.views)


async def test_a_read_showing_the_data_is_recorded_once_without_the_data(ports: Ports) -> None:
    created = await use_cases.create_referral(ports, request=new_referral(), actor=SENDER)
    shown = await use_cases.read_referral(ports, referral_id=created.id, viewer=RECEIVER)
    assert (shown.seen.subject, shown.seen.standing) == (True, Standing.ASKED)
    [view] = views(ports).recorded
    assert (view.referral_id, view.agency_id, view.version) == (created.id, RECEIVER, 1)
    assert (view.purpose, view.route, view.viewed_at) == (ViewPurpose.READ, READ_ROUTE, NOW)
    data = view.event_data().model_dump_json()
    assert "090-0000-0000" not in data
    assert created.subject.display_name not in data


async def test_a_read_without_the_data_records_nothing_and_strangers_get_not_found(
    ports: Ports,
) -> None:
    created = await use_cases.create_referral(ports, request=new_referral(), actor=SENDER)
    request = use_cases.Request(created.id, RECEIVER)
    await use_cases.decline_referral(ports, request, reason=DeclineReason.OTHER, comment="no")
    shown = await use_cases.read_referral(ports, referral_id=created.id, viewer=RECEIVER)
    assert (shown.seen.subject, shown.seen.hidden_reason) == (False, HiddenReason.DECLINED)
    with pytest.raises(use_cases.ReferralNotFound):
        await use_cases.read_referral(ports, referral_id=created.id, viewer=OUTSIDER)
    assert views(ports).recorded == []


async def test_lists_never_show_the_data_and_record_no_read(ports: Ports) -> None:
    await use_cases.create_referral(ports, request=new_referral(), actor=SENDER)
    page, _ = await use_cases.list_shown(ports, query=ReferralQuery(SENDER))
    [item] = page
    assert (item.seen.subject, item.seen.hidden_reason) == (False, HiddenReason.NOT_IN_LISTS)
    view = ReferralView.of(item.referral, item.seen)
    assert (view.subject, view.note, view.subject_visible) == (None, None, False)
    assert views(ports).recorded == []


async def test_the_access_log_is_the_holders_and_lists_every_read(ports: Ports) -> None:
    created = await use_cases.create_referral(ports, request=new_referral(), actor=SENDER)
    await use_cases.read_referral(ports, referral_id=created.id, viewer=RECEIVER)
    await use_cases.read_referral(ports, referral_id=created.id, viewer=SENDER)
    log = await use_cases.access_log(ports, referral_id=created.id, viewer=SENDER)
    assert [(v.agency_id, v.standing) for v in log] == [
        (RECEIVER, Standing.ASKED),
        (SENDER, Standing.HOLDER),
    ]
    with pytest.raises(ActorNotPermitted):
        await use_cases.access_log(ports, referral_id=created.id, viewer=RECEIVER)
    with pytest.raises(use_cases.ReferralNotFound):
        await use_cases.access_log(ports, referral_id=created.id, viewer=OUTSIDER)
    record = await use_cases.provision_record(
        ports, agency_id=RECEIVER, since=NOW, until=NOW + timedelta(seconds=1)
    )
    assert [v.referral_id for v in record.views] == [created.id]


async def test_an_agency_that_declined_may_not_read_or_make_household_links(ports: Ports) -> None:
    one = await use_cases.create_referral(ports, request=new_referral(), actor=SENDER)
    two = await use_cases.create_referral(ports, request=new_referral(), actor=SENDER)
    await use_cases.decline_referral(
        ports, use_cases.Request(one.id, RECEIVER), reason=DeclineReason.OTHER, comment=None
    )
    with pytest.raises(SubjectHidden) as refused:
        await use_cases.related_referrals(ports, referral_id=one.id, viewer=RECEIVER)
    assert refused.value.reason == "declined"
    with pytest.raises(SubjectHidden):
        await use_cases.link_household(ports, referral_id=two.id, other_id=one.id, actor=RECEIVER)
    assert await use_cases.link_household(ports, referral_id=two.id, other_id=one.id, actor=SENDER)


async def test_a_party_other_than_the_holder_sees_its_legs_and_only_the_status_of_others(
    ports: Ports,
) -> None:
    referral = await use_cases.create_referral(ports, request=new_referral(), actor=SENDER)
    await use_cases.accept_referral(ports, use_cases.Request(referral.id, RECEIVER))
    handoff = Handoff(to_agency_id=THIRD, reason=HandoffReason.NEEDS_OTHER_SUPPORT)
    await use_cases.hand_off_referral(
        ports, use_cases.Request(referral.id, RECEIVER), handoff=handoff
    )
    asked = await use_cases.read_referral(ports, referral_id=referral.id, viewer=THIRD)
    view = ReferralView.of(asked.referral, asked.seen)
    assert [(leg.number, leg.shown, leg.from_agency_id) for leg in view.legs] == [
        (1, False, None),
        (2, True, RECEIVER),
    ]
    assert view.legs[0].status == "accepted"
    assert SENDER not in view.parties
    assert SENDER not in view.followers
    assert view.model_dump_json().count(SENDER) == 0
    holder = await use_cases.read_referral(ports, referral_id=referral.id, viewer=RECEIVER)
    assert all(leg.shown for leg in ReferralView.of(holder.referral, holder.seen).legs)


async def test_a_follower_loses_the_data_when_the_consent_expires(ports: Ports) -> None:
    referral = await use_cases.create_referral(ports, request=new_referral(), actor=SENDER)
    await use_cases.accept_referral(ports, use_cases.Request(referral.id, RECEIVER))
    assert (
        await use_cases.read_referral(ports, referral_id=referral.id, viewer=SENDER)
    ).seen.subject
    cast(MovableClock, ports.clock).moment = NOW + timedelta(days=31)
    later = await use_cases.read_referral(ports, referral_id=referral.id, viewer=SENDER)
    view = ReferralView.of(later.referral, later.seen)
    assert (view.subject, view.subject_hidden_reason) == (None, HiddenReason.CONSENT_EXPIRED)
    assert view.holder_agency_id == RECEIVER  # the other agency of its own leg
    assert [v.agency_id for v in views(ports).recorded] == [SENDER]


async def test_the_basis_reference_and_comments_are_shown_with_the_data_only(ports: Ports) -> None:
    meeting = LegalBasis(kind=BasisKind.SUPPORT_MEETING, obtained_at=NOW, reference="mtg-31")
    referral = await use_cases.create_referral(
        ports, request=new_referral(basis=meeting, note="n"), actor=SENDER
    )
    await use_cases.decline_referral(
        ports, use_cases.Request(referral.id, RECEIVER), reason=DeclineReason.OTHER, comment="c"
    )
    declined = await use_cases.read_referral(ports, referral_id=referral.id, viewer=RECEIVER)
    hidden = ReferralView.of(declined.referral, declined.seen)
    assert (hidden.basis.reference, hidden.note, hidden.legs[0].comment) == (None, None, None)
    assert hidden.legs[0].basis is not None
    assert hidden.legs[0].basis.reference is None
    held = await use_cases.read_referral(ports, referral_id=referral.id, viewer=SENDER)
    shown = ReferralView.of(held.referral, held.seen)
    assert (shown.basis.reference, shown.note, shown.legs[0].comment) == ("mtg-31", "n", "c")
