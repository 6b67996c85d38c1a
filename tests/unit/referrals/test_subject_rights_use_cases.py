"""Who may exercise the person's rights, and the retention sweep, against in-memory ports."""

from __future__ import annotations

from datetime import timedelta
from typing import cast

import pytest

from services.referrals import use_cases
from services.referrals.domain import ActorNotPermitted, SubjectCorrection
from services.referrals.ports import Ports
from tsunagu_schemas import CancelReason, CloseOutcome, ErasureReason

from .fakes import InMemoryErasures, InMemoryReferrals, MovableClock, in_memory_ports
from .journeys import NOW, OUTSIDER, RECEIVER, SENDER, agency, new_referral


@pytest.fixture
def ports() -> Ports:
    return in_memory_ports(agency(RECEIVER), retention=timedelta(days=30))


def _events(ports: Ports) -> list[str]:
    return cast(InMemoryReferrals, ports.referrals).events


def _erasures(ports: Ports) -> InMemoryErasures:
    return cast(InMemoryErasures, ports.erasures)


async def _opened(ports: Ports) -> str:
    created = await use_cases.create_referral(ports, request=new_referral(), actor=SENDER)
    _erasures(ports).keys.add(created.id)
    return created.id


async def test_the_holder_erases_once_and_the_key_is_destroyed(ports: Ports) -> None:
    referral_id = await _opened(ports)
    request = use_cases.SubjectRequest(referral_id, SENDER)
    first = await use_cases.erase_subject_data(ports, request, reason=ErasureReason.OTHER)
    again = await use_cases.erase_subject_data(ports, request, reason=ErasureReason.OTHER)
    assert first.subject is None
    assert again.version == first.version
    assert _events(ports).count("tsunagu.referral.subject_erased") == 1
    assert referral_id not in _erasures(ports).keys


async def test_the_coordinator_may_act_for_the_person_of_any_referral(ports: Ports) -> None:
    referral_id = await _opened(ports)
    request = use_cases.SubjectRequest(referral_id, "coordinator:cl_x", coordinator=True)
    erased = await use_cases.erase_subject_data(ports, request, reason=ErasureReason.OTHER)
    assert erased.erasure is not None
    assert erased.erasure.by == "coordinator:cl_x"


async def test_a_party_that_does_not_hold_is_refused_and_a_stranger_finds_nothing(
    ports: Ports,
) -> None:
    referral_id = await _opened(ports)
    correction = SubjectCorrection(note="x")
    with pytest.raises(ActorNotPermitted):
        await use_cases.correct_subject_data(
            ports, use_cases.SubjectRequest(referral_id, RECEIVER), correction=correction
        )
    with pytest.raises(use_cases.ReferralNotFound):
        await use_cases.disclose_subject_data(
            ports, use_cases.SubjectRequest(referral_id, OUTSIDER), household=False
        )
    with pytest.raises(use_cases.PreconditionFailed):
        await use_cases.correct_subject_data(
            ports, use_cases.SubjectRequest(referral_id, SENDER, if_match=9), correction=correction
        )
    assert _events(ports) == ["tsunagu.referral.created"]


async def test_the_sweep_erases_what_ended_before_the_retention_period_once(
    ports: Ports,
) -> None:
    closed, cancelled, open_ = [await _opened(ports) for _ in range(3)]
    await use_cases.accept_referral(ports, use_cases.Request(closed, RECEIVER))
    await use_cases.close_referral(
        ports, use_cases.Request(closed, RECEIVER), outcome=CloseOutcome.RESOLVED, comment=None
    )
    await use_cases.cancel_referral(
        ports, use_cases.Request(cancelled, SENDER), reason=CancelReason.DUPLICATE
    )
    clock = cast(MovableClock, ports.clock)
    clock.moment = NOW + timedelta(days=29)
    assert await use_cases.sweep_retention(ports) == 0
    clock.moment = NOW + timedelta(days=30)
    assert await use_cases.sweep_retention(ports) == 2
    assert await use_cases.sweep_retention(ports) == 0
    stored = cast(InMemoryReferrals, ports.referrals).stored
    assert stored[open_].subject is not None
    for referral_id in (closed, cancelled):
        erasure = stored[referral_id].erasure
        assert erasure is not None
        assert erasure.reason is ErasureReason.RETENTION
        assert referral_id not in _erasures(ports).keys
    assert _events(ports).count("tsunagu.referral.subject_erased") == 2
