"""Legs past their deadline: only those waiting past it, the latest first, by agency."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.referrals.domain.overdue import WaitingLeg, overdue_legs

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _leg(
    referral_id: str, late_by: float | None, *, to: str = "b", flagged: bool = False
) -> WaitingLeg:
    deadline = None if late_by is None else NOW - timedelta(seconds=late_by)
    return WaitingLeg(
        referral_id=referral_id,
        number=1,
        from_agency_id="a",
        to_agency_id=to,
        accept_by=deadline,
        sla_breached_at=NOW if flagged else None,
        escalated_to="coord" if flagged else None,
    )


def test_only_legs_past_their_deadline_are_overdue_the_latest_first() -> None:
    waiting = [
        _leg("ref_early", 60),
        _leg("ref_not_yet", -60),
        _leg("ref_no_deadline", None),
        _leg("ref_latest", 7200, flagged=True),
        _leg("ref_on_time", 0),
    ]
    late = overdue_legs(waiting, NOW)
    assert [(x.leg.referral_id, x.seconds_overdue) for x in late] == [
        ("ref_latest", 7200),
        ("ref_early", 60),
        ("ref_on_time", 0),
    ]
    assert [x.escalated for x in late] == [True, False, False]


def test_an_agency_sees_the_legs_it_asked_or_was_asked() -> None:
    waiting = [_leg("ref_to_b", 10), _leg("ref_to_c", 10, to="c")]
    assert [x.leg.referral_id for x in overdue_legs(waiting, NOW, "c")] == ["ref_to_c"]
    assert len(overdue_legs(waiting, NOW, "a")) == 2
    assert overdue_legs(waiting, NOW, "z") == []
